"""Periodic jobs, and the worker's clock that runs them: no cron is needed.

Each app registers its jobs from its `AppConfig.ready` with `register_periodic(task, every=…)`;
`periodic_jobs()` lists them in the order registered (the order of `INSTALLED_APPS`). The clock
knows no app: `manage.py run_worker` starts a `Scheduler` of the registered jobs in a thread
beside django-tasks-db's worker. The jobs are called in that thread, not enqueued: a
publication window must be honoured within a minute even while the worker is busy with a long
task (a PDF report, the daily site check). A job that takes long enqueues its work instead.
See docs/decisions/0004-scheduler.md.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    task: Task
    every: timedelta


class PeriodicJobs:
    """The registered jobs, one per task, in the order they were registered."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJob] = {}

    def register(self, task: Task, *, every: timedelta) -> Task:
        """Run `task` every `every` in the worker; returns the task.

        Registering a task again keeps its place and its interval (an app's `ready` may run
        twice); a second, different interval for the same task is a mistake and refused.
        """
        if every <= timedelta(0):
            raise ValueError(f"{task.module_path}: the interval must be greater than zero")
        existing = self._jobs.get(task.module_path)
        if existing is not None:
            if existing.every != every:
                raise ValueError(
                    f"{task.module_path} is already registered every {existing.every}, not {every}"
                )
            return task
        self._jobs[task.module_path] = PeriodicJob(task, every)
        return task

    def __iter__(self) -> Iterator[PeriodicJob]:
        return iter(list(self._jobs.values()))


_registry = PeriodicJobs()


def register_periodic(task: Task, *, every: timedelta) -> Task:
    """Have the worker's scheduler call `task` every `every` (see `PeriodicJobs.register`)."""
    return _registry.register(task, every=every)


def periodic_jobs() -> list[PeriodicJob]:
    """Every job the apps registered, in the order registered."""
    return list(_registry)


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
                # Nothing registered: nothing to wake up for until stopped.
                self._stopped.wait(self.seconds_to_next_job() if self.jobs else None)
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
