"""Progress bars for seeding (one per table, on stderr), or silent ones when not wanted."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def seed_progress(enabled: bool) -> Progress:
    """A `Progress` to use as a context manager; when disabled it accepts updates, shows nothing."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<15}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        # stdout stays clean for whatever the caller prints (e.g. the summary, or JSON).
        console=Console(stderr=True),
        disable=not enabled,
    )
