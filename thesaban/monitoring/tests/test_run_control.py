"""One site check at a time, and a run whose worker died is taken up again."""

from datetime import datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings

from thesaban.core import locks
from thesaban.core.thai_dates import BANGKOK
from thesaban.monitoring import services
from thesaban.monitoring.models import CheckRun
from thesaban.monitoring.tasks import check_site, start_daily_site_check

from .test_services import SiteCheckTestCase

MORNING = datetime(2026, 3, 2, 7, 0, tzinfo=BANGKOK)


class check_running_elsewhere:
    """The check's lock, held as another worker process running a check would hold it."""

    def __enter__(self):
        if connection.vendor == "postgresql":
            self.other = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.other.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_lock(%s)", [locks.advisory_key(services.SITE_CHECK_LOCK)]
                )
        else:
            self.held = locks.database_lock(services.SITE_CHECK_LOCK)
            assert self.held.__enter__()
        return self

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            # Let go before closing: the server ends a closed session (and frees its locks)
            # a moment later, and the test's next look at the lock may come first.
            with self.other.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s)", [locks.advisory_key(services.SITE_CHECK_LOCK)]
                )
            self.other.close()
        else:
            self.held.__exit__(*exc)


class OneCheckAtATimeTests(SiteCheckTestCase):
    def test_a_second_check_does_nothing_while_one_runs(self):
        with check_running_elsewhere():
            self.assertIsNone(self.run_check())
            out, err = StringIO(), StringIO()
            call_command("check_site", stdout=out, stderr=err)
            self.assertIn("Another site check is running", err.getvalue())
            self.assertEqual(check_site.enqueue().return_value["skipped"], True)
        self.assertFalse(CheckRun.objects.exists())
        # Once the other check is over, a check runs.
        self.assertEqual(self.run_check().status, CheckRun.Status.FINISHED)

    def test_a_task_for_a_run_already_finished_starts_no_second_run(self):
        """The scheduler enqueued the day's run twice (a stalled run's task was slow to
        start): the second task finds the run finished and leaves it at that."""
        run = CheckRun.objects.create(site=self.site)
        first = check_site.enqueue(run_id=run.pk).return_value
        self.assertEqual(first["runs"][0]["pages_checked"], 3)
        second = check_site.enqueue(run_id=run.pk).return_value
        self.assertTrue(second["skipped"])
        self.assertEqual(CheckRun.objects.count(), 1)

    def test_every_batch_moves_the_heartbeat_on(self):
        with time_machine.travel(MORNING, tick=False):
            run = self.run_check(batch_size=1)
        self.assertEqual(run.heartbeat_at, MORNING)


@override_settings(THESABAN_SITE_CHECK_AT="06:00")
class StalledRunTests(SiteCheckTestCase):
    def stalled(self, *, minutes: int) -> CheckRun:
        return CheckRun.objects.create(
            site=self.site,
            started_at=MORNING - timedelta(hours=1),
            heartbeat_at=MORNING - timedelta(minutes=minutes),
            progress_path=self.section.path,
            pages_checked=2,
        )

    def test_a_run_whose_worker_died_is_enqueued_again_and_resumes(self):
        run = self.stalled(minutes=16)
        with time_machine.travel(MORNING, tick=False):
            self.assertTrue(start_daily_site_check.call())
        run.refresh_from_db()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        # It carried on after the section: only the contact page was left.
        self.assertEqual(run.pages_checked, 3)
        self.assertEqual(CheckRun.objects.count(), 1)

    def test_a_run_still_beating_is_left_alone(self):
        run = self.stalled(minutes=5)
        with time_machine.travel(MORNING, tick=False):
            self.assertEqual(services.stalled_runs(), [])
            self.assertFalse(start_daily_site_check.call())
        run.refresh_from_db()
        self.assertEqual(run.status, CheckRun.Status.RUNNING)

    def test_a_slow_run_holding_the_lock_is_not_stalled(self):
        self.stalled(minutes=60)
        with time_machine.travel(MORNING, tick=False), check_running_elsewhere():
            self.assertEqual(services.stalled_runs(), [])

    def test_a_stalled_run_is_enqueued_once_not_every_minute(self):
        """Its task may wait in the queue: the next minute's look must not enqueue it again."""
        self.stalled(minutes=16)
        with time_machine.travel(MORNING, tick=False):
            self.assertEqual(len(services.stalled_runs()), 1)
        with time_machine.travel(MORNING + timedelta(minutes=1), tick=False):
            self.assertEqual(services.stalled_runs(), [])
