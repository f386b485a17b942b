"""Scheduled jobs inside the server: every JOBS_INTERVAL_SECONDS, on every instance, each job
under its lock, so a fleet runs each job once per interval however many instances it has."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

import asyncpg

from gateway.background import stop_task
from gateway.config import Settings
from gateway.jobs.job import Job
from gateway.jobs.registry import JOBS
from gateway.jobs.runner import RAN_RECENTLY, JobReport, run_jobs
from gateway.store.database import mark_background

log = logging.getLogger(__name__)


class JobScheduler:
    def __init__(
        self, pool: asyncpg.Pool, settings: Settings, jobs: Sequence[Job] = JOBS
    ) -> None:
        self._pool = pool
        self._settings = settings
        self._jobs = jobs
        self._interval = settings.jobs_interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> list[JobReport]:
        """One round of every job. Instances wake at different moments, so a job another
        instance finished within the last half interval counts as done for this one."""
        fresh_for = timedelta(seconds=self._interval / 2)
        reports = await run_jobs(self._pool, self._jobs, self._settings, fresh_for=fresh_for)
        for report in reports:
            _log(report)
        return reports

    async def _run(self) -> None:
        mark_background()
        # The first round waits one interval: a restarting fleet does not stampede at boot.
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self.tick()
            except Exception:  # the loop must outlive any one bad round
                log.exception("a round of scheduled jobs failed; trying again next interval")

    def start(self) -> None:
        if self._interval <= 0:
            log.info("scheduled jobs are off in this instance (JOBS_INTERVAL_SECONDS=0)")
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None


def _log(report: JobReport) -> None:
    if report.outcome == "failed":
        log.error("job %s failed: %s", report.job, report.reason)
    elif report.outcome == "skipped" and report.reason == RAN_RECENTLY:
        log.debug("job %s skipped: %s", report.job, report.reason)  # the normal case in a fleet
    elif report.outcome == "skipped":
        log.info("job %s skipped: %s", report.job, report.reason)
    elif any(report.result.values()):
        log.info("job %s: %s (%.2fs)", report.job, report.result, report.seconds)
    else:
        log.debug("job %s: nothing to do", report.job)
