"""Publication windows: items go live and come down on time, and their schedule is cleared."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

import time_machine
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from thesaban.accounts.testing import log_in
from thesaban.core.jobs import Scheduler, periodic_jobs
from thesaban.core.locks import advisory_key
from thesaban.core.thai_dates import BANGKOK
from thesaban.pages.models import NewsPage
from thesaban.pages.services import ensure_site_structure
from thesaban.pages.tests.factories import PersonFactory
from thesaban.publishing import windows

START = datetime(2026, 3, 2, 9, 0, tzinfo=BANGKOK)
ONE_MINUTE = timedelta(minutes=1)


def schedule_news(index: Page, *, slug: str, go_live_at=None, expire_at=None) -> NewsPage:
    """A news item approved for publication, as the workflow's last step approves it."""
    page = NewsPage(
        title=f"ข่าว {slug}", slug=slug, live=False, go_live_at=go_live_at, expire_at=expire_at
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return NewsPage.objects.get(pk=page.pk)


class ClockMixin:
    """A fake clock, started at START, and the worker's scheduler driven by it."""

    def setUp(self):
        super().setUp()
        clock = time_machine.travel(START, tick=False)
        self.clock = clock.start()
        self.addCleanup(clock.stop)
        self.scheduler = Scheduler(periodic_jobs())

    def run_scheduler_until(self, moment: datetime) -> None:
        """Let time pass to `moment` with the scheduler waking up as its thread does."""
        self.scheduler.run_pending()
        while True:
            wake = timezone.now() + timedelta(seconds=self.scheduler.seconds_to_next_job())
            if wake > moment:
                break
            self.clock.move_to(wake)
            self.scheduler.run_pending()
        self.clock.move_to(moment)


class PublicationWindowTests(ClockMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        cls.index = Page.objects.get(url_path="/home/news/press/")

    def test_item_goes_live_within_a_minute_of_its_start(self):
        """Nobody is logged in: the worker's scheduler publishes the item on its own."""
        start = START + timedelta(minutes=10)
        news = schedule_news(self.index, slug="start", go_live_at=start)
        self.assertFalse(news.live)
        self.assertEqual(self.client.get("/news/press/start/").status_code, 404)

        self.run_scheduler_until(start - timedelta(seconds=1))
        news.refresh_from_db()
        self.assertFalse(news.live, "not before its start")

        self.run_scheduler_until(start + ONE_MINUTE)
        news.refresh_from_db()
        self.assertTrue(news.live)
        self.assertLess(news.last_published_at - start, ONE_MINUTE)
        self.assertEqual(self.client.get("/news/press/start/").status_code, 200)
        self.assertTrue(
            PageLogEntry.objects.filter(page=news, action="wagtail.publish.scheduled").exists()
        )

    def test_item_comes_down_within_a_minute_of_its_end(self):
        end = START + timedelta(minutes=5)
        news = schedule_news(self.index, slug="end", expire_at=end)
        self.assertTrue(news.live)

        self.run_scheduler_until(end - timedelta(seconds=1))
        news.refresh_from_db()
        self.assertTrue(news.live, "not before its end")

        self.run_scheduler_until(end + ONE_MINUTE)
        news.refresh_from_db()
        self.assertFalse(news.live)
        self.assertTrue(news.expired)
        entry = PageLogEntry.objects.get(page=news, action="wagtail.unpublish.scheduled")
        self.assertLess(entry.timestamp - end, ONE_MINUTE)

    def test_schedule_is_cleared_once_it_has_fired(self):
        """Wagtail #13896: the times stay on the page after they fire; here they are cleared."""
        start, end = START + ONE_MINUTE, START + 2 * ONE_MINUTE
        news = schedule_news(self.index, slug="both", go_live_at=start, expire_at=end)

        self.run_scheduler_until(start + timedelta(seconds=30))
        news.refresh_from_db()
        self.assertTrue(news.live)
        self.assertIsNone(news.go_live_at)
        self.assertEqual(news.expire_at, end, "the end is still to come")
        self.assertIsNone(news.live_revision.content["go_live_at"])
        self.assertIsNotNone(news.live_revision.content["expire_at"])

        self.run_scheduler_until(end + timedelta(seconds=30))
        news.refresh_from_db()
        self.assertTrue(news.expired)
        self.assertIsNone(news.expire_at)
        latest = news.get_latest_revision()
        self.assertIsNone(latest.content["go_live_at"])
        self.assertIsNone(latest.content["expire_at"])
        self.assertIsNone(news.get_latest_revision_as_object().expire_at)

    def test_a_window_missed_while_no_worker_ran_is_never_served(self):
        """Start and end both passed while the worker was stopped: the item stays down."""
        news = schedule_news(
            self.index,
            slug="missed",
            go_live_at=START + ONE_MINUTE,
            expire_at=START + 2 * ONE_MINUTE,
        )
        self.clock.move_to(START + timedelta(minutes=10))
        run = windows.publish_scheduled()
        news.refresh_from_db()
        self.assertFalse(news.live)
        self.assertTrue(news.expired)
        self.assertEqual(len(run.went_live), 1)
        self.assertEqual(len(run.expired), 1)

    def test_a_run_with_nothing_due_changes_nothing(self):
        news = schedule_news(self.index, slug="later", go_live_at=START + timedelta(days=1))
        run = windows.publish_scheduled()
        self.assertEqual((run.went_live, run.expired, run.failed), ([], [], []))
        news.refresh_from_db()
        self.assertFalse(news.live)
        self.assertEqual(news.go_live_at, START + timedelta(days=1))

    def test_a_failing_item_does_not_hold_back_the_others(self):
        broken = schedule_news(self.index, slug="broken", go_live_at=START + ONE_MINUTE)
        fine = schedule_news(self.index, slug="fine", go_live_at=START + ONE_MINUTE)
        publish = NewsPage.publish

        def publish_unless_broken(page, revision, **kwargs):
            if page.pk == broken.pk:
                raise RuntimeError("a broken signal handler")
            return publish(page, revision, **kwargs)

        self.clock.move_to(START + 2 * ONE_MINUTE)
        with (
            mock.patch.object(
                NewsPage, "publish", autospec=True, side_effect=publish_unless_broken
            ),
            self.assertLogs("thesaban.publishing.windows", "ERROR"),
        ):
            run = windows.publish_scheduled()
        self.assertEqual(len(run.failed), 1)
        fine.refresh_from_db()
        broken.refresh_from_db()
        self.assertTrue(fine.live)
        self.assertFalse(broken.live)
        self.assertIsNotNone(broken.go_live_at, "nothing half-done: its schedule still stands")

    def test_publish_scheduled_command_is_this_run(self):
        """Wagtail's documented cron line, `manage.py publish_scheduled`, gets the fixes too."""
        from io import StringIO

        from django.core.management import call_command

        news = schedule_news(self.index, slug="cron", expire_at=START + ONE_MINUTE)
        self.clock.move_to(START + 2 * ONE_MINUTE)
        out = StringIO()
        call_command("publish_scheduled", stdout=out)
        news.refresh_from_db()
        self.assertTrue(news.expired)
        self.assertIsNone(news.expire_at)
        self.assertIn("expired: 1", out.getvalue())


class SnippetWindowTests(ClockMixin, TestCase):
    """Snippets with Wagtail's draft state (people on the personnel pages) have windows too."""

    def test_a_person_goes_live_and_comes_down_on_time_with_the_schedule_cleared(self):
        start, end = START + ONE_MINUTE, START + 2 * ONE_MINUTE
        person = PersonFactory(live=False, go_live_at=start, expire_at=end)
        person.save_revision().publish()
        person.refresh_from_db()
        self.assertFalse(person.live)

        self.run_scheduler_until(start + timedelta(seconds=30))
        person.refresh_from_db()
        self.assertTrue(person.live)
        self.assertIsNone(person.go_live_at)

        self.run_scheduler_until(end + timedelta(seconds=30))
        person.refresh_from_db()
        self.assertFalse(person.live)
        self.assertTrue(person.expired)
        self.assertIsNone(person.expire_at)
        self.assertIsNone(person.latest_revision.content["expire_at"])


class NextEditAfterScheduleTests(ClockMixin, TestCase):
    """The scenario of Wagtail #13896, through the admin's edit form."""

    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()
        cls.index = Page.objects.get(url_path="/home/news/press/")
        cls.editor = get_user_model().objects.create_superuser("editor", password="x")

    def save_draft_as_shown(self, page: Page):
        """Open the edit form and save it unchanged, as someone correcting a typo would."""
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        form = querydict_from_html(self.client.get(url).content.decode(), form_id="page-edit-form")
        form.setdefault("body-count", "0")  # drawn by JavaScript; the body is empty
        form["summary"] = "แก้ไขคำผิด"
        return self.client.post(url, form)

    def test_edit_and_publish_after_the_item_went_live_and_expired(self):
        log_in(self.client, self.editor)
        start, end = START + ONE_MINUTE, START + 2 * ONE_MINUTE
        news = schedule_news(self.index, slug="typo", go_live_at=start, expire_at=end)

        self.run_scheduler_until(start + timedelta(seconds=30))
        response = self.save_draft_as_shown(news)
        self.assertEqual(response.status_code, 302, "saved after going live")

        self.run_scheduler_until(end + timedelta(seconds=30))
        news.refresh_from_db()
        self.assertTrue(news.expired)
        response = self.save_draft_as_shown(news)
        self.assertNotContains(response, "Invalid schedule", status_code=302)
        self.assertEqual(response.status_code, 302, "saved after expiring")

        # Approved again (the workflow's last step publishes the latest revision).
        news.refresh_from_db()
        news.get_latest_revision().publish()
        self.run_scheduler_until(end + timedelta(minutes=5))
        news.refresh_from_db()
        self.assertTrue(news.live, "published again, and not taken down by the old end")
        self.assertFalse(news.expired)
        self.assertEqual(news.summary, "แก้ไขคำผิด")


@contextmanager
def lock_held_by_another_worker():
    """The scheduler's lock, taken as another worker process would take it."""
    if connection.vendor == "postgresql":
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_lock(%s)", [advisory_key(windows.SCHEDULER_LOCK)]
                )
            yield
        finally:
            other.close()
    else:
        with windows.scheduler_lock() as held:
            assert held
            yield


class OneRunAtATimeTests(ClockMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()
        cls.index = Page.objects.get(url_path="/home/news/press/")

    def test_a_run_does_nothing_while_another_worker_runs(self):
        news = schedule_news(self.index, slug="busy", go_live_at=START + ONE_MINUTE)
        self.clock.move_to(START + 2 * ONE_MINUTE)
        with lock_held_by_another_worker():
            run = windows.publish_scheduled()
        self.assertTrue(run.skipped)
        news.refresh_from_db()
        self.assertFalse(news.live)

        run = windows.publish_scheduled()
        self.assertFalse(run.skipped)
        news.refresh_from_db()
        self.assertTrue(news.live)
        self.assertEqual(
            PageLogEntry.objects.filter(page=news, action="wagtail.publish.scheduled").count(), 1
        )

    def test_the_lock_is_free_again_after_a_run(self):
        schedule_news(self.index, slug="twice", go_live_at=START + ONE_MINUTE)
        self.clock.move_to(START + 2 * ONE_MINUTE)
        self.assertFalse(windows.publish_scheduled().skipped)
        self.assertFalse(windows.publish_scheduled().skipped)
