"""Stopping the server's background tasks (flushers, watchers, the listener, the scheduler)."""

from __future__ import annotations

import asyncio
from typing import Any


async def stop_task(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` and wait until it has ended. A cancellation of the caller itself still
    propagates (gather re-raises it), which `except CancelledError: pass` would swallow."""
    if task is None:
        return
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
