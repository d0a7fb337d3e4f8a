"""`manage.py run_worker`: django-tasks-db's `db_worker`, with the scheduler beside it.

Takes every option of `db_worker` (see `manage.py run_worker --help`) and two of its own. One
process runs queued tasks and every periodic job the apps registered (`core.jobs`), among them
the publication windows; run as many as needed, only one scheduler run does the work at a time
(`windows.scheduler_lock`). It lives here, not in `core`, because `--schedule-interval` is the
publication windows' own promise (docs/decisions/0004-scheduler.md).
"""

import dataclasses
import os
from argparse import ArgumentTypeError
from datetime import timedelta

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from thesaban.core.jobs import PeriodicJob, Scheduler, periodic_jobs, start_in_thread
from thesaban.publishing.tasks import PUBLISH_SCHEDULED_EVERY, publish_scheduled


def _seconds(value: str) -> float:
    seconds = float(value)
    if not 0 < seconds < float("inf"):
        raise ArgumentTypeError("must be a number of seconds greater than zero")
    return seconds


def jobs_with_interval(publish_every: timedelta) -> list[PeriodicJob]:
    """The registered jobs, the publication windows checked every `publish_every`."""
    return [
        dataclasses.replace(job, every=publish_every) if job.task is publish_scheduled else job
        for job in periodic_jobs()
    ]


class Command(db_worker.Command):
    help = "Run the background worker, and the scheduler that publishes and expires items on time"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=_seconds,
            default=PUBLISH_SCHEDULED_EVERY.total_seconds(),
            help="Seconds between two checks of the publication windows (default: %(default)s)",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="scheduler",
            help="Only run queued tasks, as db_worker does",
        )

    def handle(self, *args, schedule_interval: float, scheduler: bool, **options) -> None:
        # With --reload, this process only watches the files and restarts a child process that
        # runs the worker: the scheduler belongs in the child. --batch exits once the queue is
        # empty: no clock is wanted.
        reloader_parent = (
            options["reload"]
            and not options["batch"]
            and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        if not scheduler or options["batch"] or reloader_parent:
            super().handle(*args, **options)
            return
        clock = Scheduler(jobs_with_interval(timedelta(seconds=schedule_interval)))
        thread = start_in_thread(clock)
        try:
            super().handle(*args, **options)
        finally:
            # On Ctrl-C or SIGTERM, let a run in progress finish its item.
            clock.stop()
            thread.join(timeout=30)
