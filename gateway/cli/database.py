"""Where the CLI's database is: DATABASE_URL, or the embedded server in the data folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

from gateway.config import Settings
from gateway.store.embedded import start_embedded


@contextmanager
def database_url(settings: Settings, console: Console) -> Iterator[str]:
    """Yields a DSN; an embedded server started here is released (stopped if last) on exit."""
    if settings.database_url is not None:
        yield settings.database_url
        return
    with console.status(f"Starting the embedded Postgres in {settings.data_dir / 'pg'} …"):
        embedded = start_embedded(settings.data_dir)
    try:
        yield embedded.url
    finally:
        embedded.close()
