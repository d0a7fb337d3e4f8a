"""The site check: pages rendered through Django, links checked, findings kept per problem."""

import time
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock

import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from thesaban.accounts.models import Division
from thesaban.core.jobs import Scheduler, periodic_jobs
from thesaban.core.thai_dates import BANGKOK
from thesaban.monitoring import services
from thesaban.monitoring.link_checker import CheckerLimits
from thesaban.monitoring.models import CheckRun, ExternalLinkResult, Finding, FreshnessRule
from thesaban.monitoring.tasks import start_daily_site_check
from thesaban.pages.models import ContentPage, HomePage, SectionPage

from .http_servers import WithTestServer

FAST = CheckerLimits(connect_timeout=1, read_timeout=1, deadline=1.5)


def paragraph(html: str):
    return [("paragraph", RichText(html))]


# The site record (localhost, port 80) is the public address, as SITE_URL says in production:
# robots.txt and the sitemap agree with it (site_files).
@override_settings(SITE_URL="http://localhost")
class SiteCheckTestCase(WithTestServer, TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-check"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": cls.home},
        )
        cls.site = Site.objects.get(is_default_site=True)
        cls.section = cls.home.add_child(instance=SectionPage(title="ข้อมูลพื้นฐาน", slug="basic"))
        cls.division = Division.objects.create(site=cls.site, name="กองช่าง", code="works")
        cls.division.sections.add(cls.section)
        cls.draft = cls.section.add_child(
            instance=ContentPage(title="ร่างที่ยังไม่เผยแพร่", slug="draft", live=False)
        )
        cls.page = cls.section.add_child(
            instance=ContentPage(title="ข้อมูลการติดต่อ", slug="contact", body=paragraph(""))
        )
        cls.staff = get_user_model().objects.create_user(username="works", password="x")

    def set_body(self, html: str) -> None:
        self.page.body = paragraph(html)
        self.page.save_revision().publish()

    def run_check(self, **kwargs) -> CheckRun:
        if "run_id" not in kwargs:
            kwargs["site"] = self.site
        return services.run_check(limits=FAST, **kwargs)

    def finding(self, **filters) -> Finding:
        return Finding.objects.get(page=self.page, **filters)


class RenderingTests(SiteCheckTestCase):
    def test_every_live_page_is_rendered_and_the_run_recorded(self):
        """A clean site: each live page under the site rendered, nothing found, run finished."""
        run = self.run_check()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertIsNotNone(run.finished_at)
        # home, section, contact page; the draft and Wagtail's root are not rendered.
        self.assertEqual(run.pages_checked, 3)
        self.assertGreater(run.links_checked, 0)  # the home page's menu and footer
        self.assertEqual(run.findings_opened, 0)
        self.assertFalse(Finding.objects.exists())

    def test_a_page_that_fails_to_render_is_a_high_finding_of_its_division(self):
        """An exception while rendering becomes a page error with the exception, for the
        division that owns the page."""
        original = ContentPage.get_context

        def failing(page, request, *args, **kwargs):
            if page.pk == self.page.pk:
                raise RuntimeError("template exploded")
            return original(page, request, *args, **kwargs)

        with mock.patch.object(ContentPage, "get_context", failing):
            run = self.run_check()
        finding = self.finding()
        self.assertEqual(finding.kind, Finding.Kind.PAGE_ERROR)
        self.assertEqual(finding.severity, Finding.Severity.HIGH)
        self.assertEqual(finding.division, self.division)
        self.assertIn("500", finding.detail)
        self.assertIn("template exploded", finding.detail)
        self.assertEqual(run.findings_opened, 1)

    def test_a_cached_copy_does_not_hide_a_page_that_now_fails(self):
        """The check renders each page now, never taking the page cache's copy."""
        self.assertEqual(Client().get("/basic/contact/").status_code, 200)  # cached now
        with mock.patch.object(ContentPage, "get_context", side_effect=RuntimeError("broken")):
            self.run_check()
        self.assertEqual(self.finding().kind, Finding.Kind.PAGE_ERROR)


class LinkTests(SiteCheckTestCase):
    def test_internal_links_must_lead_to_live_pages_documents_and_files(self):
        """A link to a draft page, a missing document and a missing image file are broken;
        a link to a live page is fine."""
        self.set_body(
            f'<p><a linktype="page" id="{self.draft.pk}">ร่าง</a>'
            f'<a linktype="page" id="{self.section.pk}">หมวด</a>'
            '<a href="/documents/999999/gone.pdf">เอกสาร</a></p>'
            '<p><img src="/media/original_images/gone.png" alt="ภาพ"></p>'
        )
        self.run_check()
        broken = set(
            Finding.objects.filter(page=self.page, kind=Finding.Kind.BROKEN_LINK).values_list(
                "target_url", flat=True
            )
        )
        self.assertEqual(
            broken,
            {
                "http://localhost/basic/draft/",
                "http://localhost/documents/999999/gone.pdf",
                "http://localhost/media/original_images/gone.png",
            },
        )
        self.assertEqual(Finding.objects.count(), 3)

    def test_external_links_are_classified_and_recorded(self):
        """Real servers: 404 and 500 broken, 301 redirected, hang and reset unreachable."""
        url = self.server.url
        self.set_body(
            "".join(
                f'<p><a href="{url}/{name}">{name}</a></p>'
                for name in ("ok", "moved", "missing", "error", "hang", "reset")
            )
        )
        self.run_check()
        kinds = dict(Finding.objects.filter(page=self.page).values_list("target_url", "kind"))
        self.assertEqual(
            kinds,
            {
                f"{url}/moved": Finding.Kind.REDIRECTED_LINK,
                f"{url}/missing": Finding.Kind.BROKEN_LINK,
                f"{url}/error": Finding.Kind.BROKEN_LINK,
                f"{url}/hang": Finding.Kind.UNREACHABLE_LINK,
                f"{url}/reset": Finding.Kind.UNREACHABLE_LINK,
            },
        )
        self.assertIn("/ok/after-move", self.finding(target_url=f"{url}/moved").detail)
        self.assertTrue(all(finding.division == self.division for finding in Finding.objects.all()))

    def test_external_answers_are_kept_for_a_day(self):
        """The second run of the day does not ask the outside site again; a day later it does."""
        self.set_body(f'<p><a href="{self.server.url}/missing/cached">x</a></p>')
        self.run_check()
        self.run_check()
        asked = [r for r in self.server.requests if r[1] == "/missing/cached"]
        self.assertEqual(asked, [("HEAD", "/missing/cached")])  # in the first run only
        ExternalLinkResult.objects.update(checked_at=timezone.now() - timedelta(days=1, hours=1))
        self.run_check()
        asked = [r for r in self.server.requests if r[1] == "/missing/cached"]
        self.assertEqual(len(asked), 2)

    def test_a_slow_outside_site_cannot_stall_the_run(self):
        """Thirty links to a site that never answers: the run still ends within seconds."""
        self.set_body(
            "".join(f'<p><a href="{self.server.url}/hang/{n}">{n}</a></p>' for n in range(30))
        )
        started = time.monotonic()
        run = self.run_check()
        elapsed = time.monotonic() - started
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertLess(elapsed, 2 * FAST.deadline + 3)
        self.assertEqual(Finding.objects.filter(kind=Finding.Kind.UNREACHABLE_LINK).count(), 30)


class FindingLifecycleTests(SiteCheckTestCase):
    def test_the_same_problem_stays_one_finding_and_closes_when_gone(self):
        """Seen on two runs: one finding, last seen moved on. Gone on the third: resolved by
        the check itself, with the time it stood."""
        self.set_body(f'<p><a href="{self.server.url}/missing/one">x</a></p>')
        first = self.run_check()
        finding = self.finding()
        second = self.run_check()
        self.assertEqual(Finding.objects.count(), 1)
        self.assertEqual(second.findings_opened, 0)
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.OPEN)
        self.assertEqual(finding.last_seen_run, second)
        self.assertGreater(finding.last_seen_at, finding.first_seen_at)
        self.assertEqual(first.findings_opened, 1)

        self.set_body("<p>แก้ไขแล้ว</p>")
        third = self.run_check()
        finding.refresh_from_db()
        self.assertEqual(third.findings_closed, 1)
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertIsNone(finding.resolved_by)
        self.assertEqual(finding.time_to_resolve, finding.resolved_at - finding.first_seen_at)
        self.assertGreater(finding.time_to_resolve, timedelta(0))

    def test_a_problem_that_comes_back_is_a_new_finding(self):
        self.set_body(f'<p><a href="{self.server.url}/missing/two">x</a></p>')
        self.run_check()
        self.set_body("<p></p>")
        self.run_check()
        self.set_body(f'<p><a href="{self.server.url}/missing/two">x</a></p>')
        ExternalLinkResult.objects.all().delete()
        self.run_check()
        self.assertEqual(
            list(Finding.objects.order_by("pk").values_list("status", flat=True)),
            [Finding.Status.RESOLVED, Finding.Status.OPEN],
        )

    def test_mark_fixed_checks_the_page_again_at_once(self):
        """Marked fixed while the link is still broken: stays open. After the fix: resolved
        by that person, without waiting for the next run."""
        self.set_body(f'<p><a href="{self.server.url}/missing/three">x</a></p>')
        self.run_check()
        finding = self.finding()
        self.assertFalse(services.mark_fixed(finding=finding, user=self.staff))
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.OPEN)

        self.set_body(f'<p><a href="{self.server.url}/ok/three">x</a></p>')
        self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertEqual(finding.resolved_by, self.staff)

    def test_an_accepted_finding_needs_a_reason_and_stays_one_finding(self):
        """Accepted with a reason, it is not reopened or duplicated by later runs."""
        self.set_body(f'<p><a href="{self.server.url}/moved/four">x</a></p>')
        self.run_check()
        finding = self.finding()
        with self.assertRaises(ValueError):
            services.accept_finding(finding=finding, user=self.staff, reason="  ")
        services.accept_finding(finding=finding, user=self.staff, reason="เว็บไซต์ของกรมเปลี่ยนที่อยู่ถาวร")
        self.run_check()
        finding.refresh_from_db()
        self.assertEqual(Finding.objects.count(), 1)
        self.assertEqual(finding.status, Finding.Status.ACCEPTED)
        self.assertEqual(finding.accepted_by, self.staff)

    def test_a_run_that_crashes_keeps_its_findings_and_the_next_run_resumes(self):
        """Stopped after the first pages: what it found is kept, nothing is closed, and the
        next run carries on with the same run record instead of starting over."""
        self.set_body(f'<p><a href="{self.server.url}/missing/five">x</a></p>')
        old = Finding.objects.create(
            site=self.site,
            fingerprint="old",
            kind=Finding.Kind.BROKEN_LINK,
            severity=Finding.Severity.MEDIUM,
            page=self.home,
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        original = services._SiteChecker.check_pages
        calls = []

        def crash_on_third_batch(checker, pages):
            calls.append([page.pk for page in pages])
            if len(calls) == 3:
                raise RuntimeError("worker killed")
            return original(checker, pages)

        with (
            mock.patch.object(services._SiteChecker, "check_pages", crash_on_third_batch),
            self.assertRaises(RuntimeError),
        ):
            self.run_check(batch_size=1)
        # The site's pages in tree order: home, section, contact (Wagtail's welcome page is
        # under no site, not one of them). The contact page was never checked.
        run = CheckRun.objects.get()
        self.assertEqual(run.status, CheckRun.Status.RUNNING)
        self.assertEqual(run.pages_checked, 2)
        old.refresh_from_db()
        self.assertEqual(old.status, Finding.Status.OPEN)

        calls.clear()
        with mock.patch.object(services._SiteChecker, "check_pages", crash_on_third_batch):
            resumed = self.run_check(batch_size=1)
        self.assertEqual(resumed.pk, run.pk)
        self.assertEqual(calls, [[self.page.pk]])
        self.assertEqual(resumed.status, CheckRun.Status.FINISHED)
        self.assertEqual(resumed.pages_checked, 3)
        self.assertEqual(self.finding().kind, Finding.Kind.BROKEN_LINK)
        old.refresh_from_db()
        self.assertEqual(old.status, Finding.Status.RESOLVED)

    def test_a_run_killed_in_the_content_checks_keeps_the_pages_findings_and_resumes(
        self,
    ):
        """Every page checked, then the worker is stopped in the content checks: the pages'
        findings are kept, nothing is closed, and the next run takes the same run on with the
        content checks only (no page rendered again), then closes what is gone."""
        self.set_body(f'<p><a href="{self.server.url}/missing/six">x</a></p>')
        rule = FreshnessRule.objects.create(site=self.site, name="แผนการดำเนินงาน", section=None)
        old = Finding.objects.create(
            site=self.site,
            fingerprint="old-content",
            kind=Finding.Kind.STALE_CONTENT,
            severity=Finding.Severity.MEDIUM,
            page=self.section,
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        with (
            mock.patch.object(services.content_checks, "find_problems", side_effect=SystemExit),
            self.assertRaises(SystemExit),
        ):
            self.run_check()
        run = CheckRun.objects.get()
        self.assertEqual(run.status, CheckRun.Status.RUNNING)
        self.assertEqual(run.pages_checked, 3)
        self.assertEqual(self.finding().kind, Finding.Kind.BROKEN_LINK)
        old.refresh_from_db()
        self.assertEqual(old.status, Finding.Status.OPEN)
        self.assertFalse(Finding.objects.filter(rule=rule).exists())

        with mock.patch.object(services._SiteChecker, "check_pages") as check_pages:
            resumed = self.run_check()
        check_pages.assert_not_called()
        self.assertEqual(resumed.pk, run.pk)
        self.assertEqual(resumed.status, CheckRun.Status.FINISHED)
        self.assertEqual(resumed.pages_checked, 3)
        self.assertEqual(resumed.findings_opened, 2)  # the broken link, the rule
        self.assertEqual(resumed.findings_closed, 1)
        self.assertEqual(self.finding().status, Finding.Status.OPEN)
        self.assertEqual(Finding.objects.get(rule=rule).status, Finding.Status.OPEN)
        old.refresh_from_db()
        self.assertEqual(old.status, Finding.Status.RESOLVED)

    def test_a_fault_in_the_content_checks_does_not_keep_the_run_from_finishing(self):
        """A bug in the content checks: the run still finishes and closes the fixed link, the
        content findings already open stay open, and the web operators get a finding."""
        fixed_link = Finding.objects.create(
            site=self.site,
            fingerprint="fixed-link",
            kind=Finding.Kind.BROKEN_LINK,
            severity=Finding.Severity.MEDIUM,
            page=self.page,
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        stale = Finding.objects.create(
            site=self.site,
            fingerprint="stale-content",
            kind=Finding.Kind.STALE_CONTENT,
            severity=Finding.Severity.MEDIUM,
            page=self.section,
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
        with (
            mock.patch.object(
                services.content_checks, "find_problems", side_effect=RuntimeError("bug")
            ),
            self.assertLogs("thesaban.monitoring.services", "ERROR"),
        ):
            run = self.run_check()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        fixed_link.refresh_from_db()
        stale.refresh_from_db()
        self.assertEqual(fixed_link.status, Finding.Status.RESOLVED)
        self.assertEqual(stale.status, Finding.Status.OPEN)
        failure = Finding.objects.get(page=None, kind=Finding.Kind.PAGE_ERROR)
        self.assertIsNone(failure.division)  # the web operators'
        self.assertIn("การตรวจข้อมูลตามเกณฑ์ทำงานไม่สำเร็จ", failure.detail)
        # Working again the next day: the failure is gone, the stale content judged afresh.
        self.run_check()
        failure.refresh_from_db()
        self.assertEqual(failure.status, Finding.Status.RESOLVED)


class EntryPointTests(SiteCheckTestCase):
    def test_the_management_command_runs_the_check(self):
        out = StringIO()
        call_command("check_site", stdout=out)
        run = CheckRun.objects.get()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertIn(f"Site check {run.pk} of localhost: 3 pages", out.getvalue())

    def test_the_task_runs_the_check_in_the_worker(self):
        """`--enqueue` opens the run and leaves it to the worker (run at once by the test
        backend)."""
        out = StringIO()
        call_command("check_site", "--enqueue", stdout=out)
        run = CheckRun.objects.get()
        self.assertIn(f"Enqueued site check {run.pk} of localhost", out.getvalue())
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertEqual(run.pages_checked, 3)


@override_settings(THESABAN_SITE_CHECK_AT="06:00")
class DailyScheduleTests(SiteCheckTestCase):
    def test_the_day_s_run_opens_once_after_its_time(self):
        """Not before 06:00 Bangkok time; at 06:00 one run; asked again the same day, none."""
        day = datetime(2026, 3, 2, tzinfo=BANGKOK)
        self.assertEqual(services.start_due_check(now=day.replace(hour=5, minute=59)), [])
        [run] = services.start_due_check(now=day.replace(hour=6))
        self.assertEqual((run.site, run.status), (self.site, CheckRun.Status.RUNNING))
        self.assertEqual(services.start_due_check(now=day.replace(hour=6, minute=1)), [])
        self.assertEqual(services.start_due_check(now=day.replace(hour=23)), [])
        [tomorrow] = services.start_due_check(now=day.replace(hour=6) + timedelta(days=1))
        self.assertNotEqual(tomorrow, run)
        # Yesterday's run never finished: abandoned, today's checks the whole site again.
        run.refresh_from_db()
        self.assertEqual(run.status, CheckRun.Status.ABANDONED)

    @override_settings(THESABAN_SITE_CHECK_AT="off")
    def test_off_means_no_daily_check(self):
        self.assertEqual(services.start_due_check(), [])

    def test_the_worker_s_scheduler_enqueues_the_check(self):
        """The scheduler's job enqueues the check (run at once by the test backend) and the
        run it opened is the one the check completes."""
        with time_machine.travel(datetime(2026, 3, 2, 7, 0, tzinfo=BANGKOK)):
            Scheduler(periodic_jobs()).run_pending()
            self.assertFalse(start_daily_site_check.call())
        [run] = CheckRun.objects.all()
        self.assertEqual(run.status, CheckRun.Status.FINISHED)
        self.assertEqual(run.pages_checked, 3)
