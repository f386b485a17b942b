"""Where the gateway's time goes on one scenario: py-spy samples it under load, then a summary.

    .venv/bin/pip install py-spy      # a dev tool, only for this
    .venv/bin/python -m bench.profile [--scenario B] [--seconds 10] [--rate 200]

Starts the gateway as `bench.run` does (its database, production settings), drives the scenario
flat out with wrk, records the gateway with `py-spy record` (raw collapsed stacks, kept in
bench/results/), and prints: the share of samples by package, the top frames by own time, and
the gateway's own functions by inclusive time.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from bench import database
from bench.environment import mint_token, server_env
from bench.load import WrkMissing, ensure_wrk, run_wrk
from bench.scenarios import by_key
from bench.servers import gateway_server

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TOP = 25
# Cost centres worth knowing about (issue 7's levers), by a marker in a frame of the stack.
COST_CENTRES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("GraphQL execution (graphql-core's executor)", ("(graphql/execution/",)),
    ("validation of the query (every request)", ("(graphql/validation/",)),
    ("parsing the query", ("(graphql/language/parser.py", "(graphql/language/lexer.py")),
    ("Strawberry field extensions (ReadGuard and co.)", ("wrap_field_extensions",)),
    ("a task or gather per awaitable field", ("gather_with_cancel", "ensure_future")),
    ("dataloaders (aiodataloader)", ("(aiodataloader/",)),
    ("asyncpg, all of it", ("(asyncpg/",)),
    ("asyncpg pool release: connection reset", ("Connection.reset (asyncpg",)),
    ("authentication (JWT and identity)", ("Authenticator.authenticate",)),
    ("rows to Strawberry objects (from_row)", (".from_row (gateway/",)),
    ("the grant's field checks", ("Grant.can_read_field",)),
    ("JSON encoding of the response", ("encode_json",)),
    ("Prometheus metrics", ("(prometheus_client/",)),
)


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _package(frame: str) -> str:
    """`func (graphql/execution/executor.py:885)` -> `graphql`; `<frozen runpy>` -> `python`."""
    where = frame.rpartition(" (")[2].rstrip(")")
    first = where.split("/", 1)[0]
    return first if "/" in where else "python"


def summarise(raw: Path) -> str:
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    centres: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = stack.split(";")
        total += samples
        own[frames[-1]] += samples
        packages[_package(frames[-1])] += samples
        for frame in set(frames):
            inclusive[frame] += samples
        for name, markers in COST_CENTRES:
            if any(marker in stack for marker in markers):
                centres[name] += samples
    if not total:
        return "no samples"

    def share(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    lines = [
        f"{total} samples",
        "",
        "## Cost centres (inclusive: a frame of theirs on the stack)",
        "",
    ]
    lines += [f"{share(centres[name])}  {name}" for name, _ in COST_CENTRES]
    lines += ["", "## Own time by package", ""]
    lines += [f"{share(n)}  {name}" for name, n in packages.most_common()]
    lines += ["", f"## Top {TOP} frames by own time", ""]
    lines += [f"{share(n)}  {frame}" for frame, n in own.most_common(TOP)]
    lines += ["", f"## Top {TOP} gateway frames by inclusive time", ""]
    gateway = [
        (f, n)
        for f, n in inclusive.most_common()
        if "(gateway/" in f and "(gateway/cli/" not in f and "(gateway/__main__" not in f
    ]
    lines += [f"{share(n)}  {frame}" for frame, n in gateway[:TOP]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scenario", default="B")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples per second")
    args = parser.parse_args()
    py_spy = _py_spy()
    if py_spy is None:
        sys.exit("py-spy is missing: .venv/bin/pip install py-spy")
    try:
        wrk = ensure_wrk()
    except WrkMissing as exc:
        sys.exit(str(exc))
    scenario = by_key(args.scenario)[0]
    stamp = datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    raw = RESULTS_DIR / f"{stamp}-profile-{scenario.key}.txt"
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    with database.bench_server() as db_server, tempfile.TemporaryDirectory() as scratch:
        dsn = asyncio.run(database.prepare(db_server, []))
        env = server_env(dsn)
        token = mint_token(env, scenario.caller)
        work = Path(scratch)
        body = work / "body.json"
        body.write_text(scenario.body(), encoding="utf-8")
        gateway = gateway_server(env, work)
        try:
            gateway.start()
            url = f"{gateway.base_url}/graphql"

            def load(seconds: float, tag: str) -> None:
                unique = tag if scenario.writes else ""
                run_wrk(wrk, url, body, token, seconds=seconds, connections=args.connections,
                        unique_tag=unique)  # fmt: skip

            load(2, f"prw{stamp}")  # warm-up
            record = subprocess.Popen(
                [py_spy, "record", "--pid", str(gateway.pid), "--duration",
                 str(round(args.seconds)), "--rate", str(args.rate), "--format", "raw",
                 "--output", str(raw), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                time.sleep(0.5)  # py-spy attaches
                load(args.seconds + 1, f"prm{stamp}")
                _, errors = record.communicate(timeout=args.seconds + 60)
            finally:
                if record.poll() is None:
                    record.kill()
                    record.wait()
            if record.returncode != 0:
                sys.exit(f"py-spy failed: {errors.decode()[-2000:]}")
        finally:
            gateway.stop()
    print(f"# Profile of the gateway, scenario {scenario.key} ({scenario.title}), "
          f"{args.seconds:g} s flat out; raw stacks in {raw}\n")  # fmt: skip
    print(summarise(raw))


if __name__ == "__main__":
    main()
