"""Periodic jobs: apps register them, the worker's clock runs exactly what is registered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from django.test import SimpleTestCase
from django_tasks import task

from thesaban.core.jobs import PeriodicJobs, Scheduler, periodic_jobs, start_in_thread

calls: list[str] = []


@task()
def often() -> None:
    calls.append("often")


@task()
def rarely() -> None:
    calls.append("rarely")


@task()
def broken() -> None:
    calls.append("broken")
    raise RuntimeError("a bug in one job")


class RegistryTests(SimpleTestCase):
    def test_jobs_are_listed_in_the_order_registered(self):
        jobs = PeriodicJobs()
        jobs.register(rarely, every=timedelta(minutes=1))
        jobs.register(often, every=timedelta(seconds=10))
        self.assertEqual(
            [(job.task, job.every) for job in jobs],
            [(rarely, timedelta(minutes=1)), (often, timedelta(seconds=10))],
        )

    def test_registering_a_task_again_keeps_one_job_in_its_place(self):
        """An app's `ready` run twice must not make the clock run its job twice as often."""
        jobs = PeriodicJobs()
        jobs.register(often, every=timedelta(seconds=10))
        jobs.register(rarely, every=timedelta(minutes=1))
        jobs.register(often, every=timedelta(seconds=10))
        self.assertEqual([job.task for job in jobs], [often, rarely])

    def test_a_second_interval_for_one_task_is_refused(self):
        jobs = PeriodicJobs()
        jobs.register(often, every=timedelta(seconds=10))
        with self.assertRaisesMessage(ValueError, "already registered"):
            jobs.register(often, every=timedelta(seconds=20))
        with self.assertRaisesMessage(ValueError, "greater than zero"):
            jobs.register(rarely, every=timedelta(0))
        self.assertEqual([job.every for job in jobs], [timedelta(seconds=10)])

    def test_the_apps_register_their_jobs_in_the_order_of_installed_apps(self):
        """Publication windows (publishing) before the daily site check (monitoring); named by
        path, as core imports neither app."""
        self.assertEqual(
            [(job.task.module_path, job.every) for job in periodic_jobs()],
            [
                ("thesaban.publishing.tasks.publish_scheduled", timedelta(seconds=30)),
                ("thesaban.monitoring.tasks.start_daily_site_check", timedelta(minutes=1)),
            ],
        )


class SchedulerTests(SimpleTestCase):
    def setUp(self):
        calls.clear()
        clock = time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)
        self.clock = clock.start()
        self.addCleanup(clock.stop)

    def run_for(self, scheduler: Scheduler, duration: timedelta) -> None:
        """Let `duration` pass with the scheduler waking up as its thread does."""
        end = datetime.now(UTC) + duration
        scheduler.run_pending()
        while True:
            wake = datetime.now(UTC) + timedelta(seconds=scheduler.seconds_to_next_job())
            if wake > end:
                break
            self.clock.move_to(wake)
            scheduler.run_pending()

    def test_each_registered_job_runs_at_once_then_at_its_interval(self):
        jobs = PeriodicJobs()
        jobs.register(often, every=timedelta(seconds=10))
        jobs.register(rarely, every=timedelta(minutes=1))
        self.run_for(Scheduler(jobs), timedelta(seconds=65))
        self.assertEqual(calls.count("often"), 7, "at 0, 10, … 60 s")
        self.assertEqual(calls.count("rarely"), 2, "at 0 and 60 s")

    def test_a_failing_job_neither_stops_the_clock_nor_the_other_jobs(self):
        jobs = PeriodicJobs()
        jobs.register(broken, every=timedelta(seconds=30))
        jobs.register(often, every=timedelta(seconds=30))
        with self.assertLogs("thesaban.core.jobs", "ERROR"):
            self.run_for(Scheduler(jobs), timedelta(seconds=45))
        self.assertEqual(calls, ["broken", "often", "broken", "often"])


class EmptySchedulerTests(SimpleTestCase):
    def setUp(self):
        calls.clear()

    def test_with_nothing_registered_the_clock_waits_until_stopped(self):
        scheduler = Scheduler(PeriodicJobs())
        thread = start_in_thread(scheduler)
        thread.join(timeout=0.2)
        self.assertTrue(thread.is_alive(), "still running")
        scheduler.stop()
        thread.join(timeout=5)
        self.assertFalse(thread.is_alive())
        self.assertEqual(calls, [])
