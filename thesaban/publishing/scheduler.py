"""The worker's clock: periodic jobs run inside the background worker, so no cron is needed.

`manage.py run_worker` starts a `Scheduler` in a thread beside django-tasks-db's worker. The
jobs are called in that thread, not enqueued: a publication window must be honoured within a
minute even while the worker is busy with a long task (a PDF report, the daily site check).
See docs/decisions/0004-scheduler.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks.base import Task

from .tasks import publish_scheduled

logger = logging.getLogger(__name__)

# Windows are promised to the minute; checking twice a minute keeps that with room to spare.
PUBLISH_SCHEDULED_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class PeriodicJob:
    task: Task
    every: timedelta


# The daily site check only needs noticing within a minute of its time.
SITE_CHECK_DUE_EVERY = timedelta(minutes=1)


def default_jobs(*, publish_every: timedelta = PUBLISH_SCHEDULED_EVERY) -> list[PeriodicJob]:
    # The clock's one mention of monitoring: that job only enqueues the day's site check, which
    # takes minutes and is run by the worker (docs/decisions/0004-scheduler.md).
    from thesaban.monitoring.tasks import start_daily_site_check

    return [
        PeriodicJob(publish_scheduled, publish_every),
        PeriodicJob(start_daily_site_check, SITE_CHECK_DUE_EVERY),
    ]


class Scheduler:
    """Runs each job at once, then every `job.every`, until stopped."""

    def __init__(self, jobs: Sequence[PeriodicJob]):
        self.jobs = list(jobs)
        self._next_run: dict[int, datetime] = {}
        self._stopped = threading.Event()

    def run_pending(self) -> None:
        """Run every job that is due now."""
        for index, job in enumerate(self.jobs):
            now = timezone.now()
            due = self._next_run.get(index)
            if due is not None and now < due:
                continue
            self._next_run[index] = now + job.every
            self._run(job)

    def seconds_to_next_job(self) -> float:
        if len(self._next_run) < len(self.jobs):
            return 0.0
        now = timezone.now()
        return max(0.0, min((due - now).total_seconds() for due in self._next_run.values()))

    def _run(self, job: PeriodicJob) -> None:
        try:
            result = job.task.call()
        except Exception:
            # The next run tries again; a failing job must not stop the clock.
            logger.exception("Periodic job %s failed", job.task.name)
        else:
            logger.debug("Periodic job %s: %s", job.task.name, result)

    def run_forever(self) -> None:
        logger.info(
            "Scheduler started: %s",
            ", ".join(
                f"{job.task.name} every {job.every.total_seconds():g} s" for job in self.jobs
            ),
        )
        try:
            while not self._stopped.is_set():
                # As django-tasks-db's worker does around each task: a connection the database
                # dropped while the thread slept is replaced rather than failing the run.
                close_old_connections()
                self.run_pending()
                close_old_connections()
                self._stopped.wait(self.seconds_to_next_job())
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopped.set()


def start_in_thread(scheduler: Scheduler) -> threading.Thread:
    # A daemon thread: if the worker is killed outright, the scheduler goes with it. A run cut
    # short loses nothing, each item being published in its own transaction.
    thread = threading.Thread(target=scheduler.run_forever, name="scheduler", daemon=True)
    thread.start()
    return thread
