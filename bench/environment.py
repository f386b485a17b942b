"""The servers' environment: the bench database, a fresh JWT secret, production settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from bench import database


def server_env(dsn: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": dsn,
        "DATA_DIR": str(database.BENCH_DATA_DIR),
        "JWT_SECRET": secrets.token_urlsafe(48),
        "LOG_LEVEL": "warning",
        # Scheduled jobs are background work of no request; a round landing inside one
        # scenario's runs would charge that scenario alone. Off for the benchmark.
        "JOBS_INTERVAL_SECONDS": "0",
        # One caller sends thousands of requests a minute here: the per-caller budgets would
        # answer 429 within the first second. They guard production, not this measurement.
        "RATE_LIMIT_PER_USER": "off",
        "RATE_LIMIT_PER_API_KEY": "off",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def mint_token(env: dict[str, str], email: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gateway", "token", "--user", email, "--ttl", "2h"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()
