"""The servers under test, each its own process on a free 127.0.0.1 port, read through /proc.

A server is started with the parent-death signal set, so it goes when the harness goes, even
when the harness is killed; `stop()` ends it (SIGINT, then SIGKILL) in every other case.
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _die_with_parent() -> None:
    """preexec_fn: the kernel sends SIGTERM to the server when the harness exits."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_post(
    url: str, body: bytes, headers: dict[str, str], timeout: float = 30.0
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Server:
    """One server process: where it listens, how it counts statements, what it has cost."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    counter: str  # the Prometheus sample counting request statements on its /metrics
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, ready_timeout: float = 60.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} while starting; "
                    f"see {self.log_path}"
                )
            try:
                if http_get(f"{self.base_url}/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} was not ready within {ready_timeout:.0f}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None

    # --- readings -----------------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        """User + system time of the process (all its threads) so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def reset_peak_rss(self) -> bool:
        """Restart VmHWM from the current RSS (Linux `clear_refs` 5); False if not permitted."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def peak_rss_mib(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match.group(1)) / 1024 if match else float("nan")

    def statements(self) -> float:
        """The request-statement counter from the server's own /metrics."""
        status, body = http_get(f"{self.base_url}/metrics")
        if status != 200:
            raise RuntimeError(f"{self.name} /metrics answered {status}")
        pattern = re.escape(self.counter) + r"\s+([0-9.e+]+)"
        match = re.search(pattern, body.decode())
        if match is None:
            raise RuntimeError(f"{self.name} /metrics has no {self.counter}")
        return float(match.group(1))


def gateway_server(env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    return Server(
        name="gateway",
        command=[sys.executable, "-m", "gateway", "serve"],
        env={**env, "PORT": str(port), "HOST": HOST},
        port=port,
        counter='gateway_sql_statements_total{source="request"}',
        log_path=log_dir / "gateway.log",
    )


def baseline_server(env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    return Server(
        name="baseline",
        command=[sys.executable, "-m", "bench.baseline_app", "--port", str(port)],
        env=env,
        port=port,
        counter='baseline_sql_statements_total{source="request"}',
        log_path=log_dir / "baseline.log",
    )
