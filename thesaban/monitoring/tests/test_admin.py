"""Digests after a run, and the admin: the findings report and its row actions, a page's
findings with their history, the dashboard panel."""

import csv
import io
from datetime import datetime, timedelta

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page, Site
from wagtail.rich_text import RichText

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.core.thai_dates import BANGKOK
from thesaban.monitoring import history, services
from thesaban.monitoring.models import CheckRun, Finding, FreshnessRule
from thesaban.monitoring.notifications import send_digests
from thesaban.monitoring.tasks import check_site
from thesaban.monitoring.views import format_time_to_fix
from thesaban.pages.models import ContentPage, HomePage, SectionPage

from .factories import CheckRunFactory, FindingFactory


def user(username: str, *groups: Group):
    person = get_user_model().objects.create_user(
        username=username, password="x", email=f"{username}@example.go.th"
    )
    person.groups.add(*groups)
    return person


# The site record (localhost, port 80) is the public address, as SITE_URL says in production:
# robots.txt and the sitemap agree with it (site_files).
@override_settings(SITE_URL="http://localhost")
class FindingsForStaffTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-admin"))
        cls.site, _created = Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
        ensure_role_groups(site=cls.site)
        cls.works_section = home.add_child(instance=SectionPage(title="งานช่าง", slug="works"))
        cls.finance_section = home.add_child(instance=SectionPage(title="การคลัง", slug="fin"))
        cls.works = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองช่าง", code="works"
        )
        cls.works.sections.add(cls.works_section)
        cls.finance = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
        )
        cls.finance.sections.add(cls.finance_section)
        cls.works.refresh_from_db()
        cls.finance.refresh_from_db()
        cls.preparer = user("works-preparer", cls.works.preparers)
        cls.supervisor = user("works-supervisor", cls.works.supervisors)
        cls.finance_preparer = user("finance-preparer", cls.finance.preparers)
        cls.operator = user(
            "operator", role_group(Site.objects.get(is_default_site=True), "web_operator")
        )
        cls.check_run = CheckRunFactory()
        cls.works_finding = FindingFactory(
            page=cls.works_section, division=cls.works, target_url="https://gone.example/a"
        )
        cls.works_page_error = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            kind=Finding.Kind.PAGE_ERROR,
            severity=Finding.Severity.HIGH,
            target_url="",
            detail="HTTP 500",
        )
        cls.finance_finding = FindingFactory(
            page=cls.finance_section, division=cls.finance, target_url="https://gone.example/b"
        )
        cls.resolved = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            status=Finding.Status.RESOLVED,
            target_url="https://gone.example/fixed",
        )


class DigestTests(FindingsForStaffTestCase):
    def test_each_division_staff_get_their_open_findings_and_supervisors_a_summary(self):
        """One Thai message per person: preparers the list of their division's open findings,
        supervisors the counts; nobody sees another division's, nor resolved ones."""
        sent = send_digests(run=self.check_run)
        by_address = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(sent, 3)
        self.assertEqual(
            set(by_address),
            {
                "works-preparer@example.go.th",
                "works-supervisor@example.go.th",
                "finance-preparer@example.go.th",
            },
        )
        digest = by_address["works-preparer@example.go.th"]
        self.assertIn("พบข้อบกพร่องที่ต้องแก้ไข 2 รายการ", digest.subject)
        self.assertIn("https://gone.example/a", digest.body)
        self.assertIn("HTTP 500", digest.body)
        self.assertNotIn("https://gone.example/b", digest.body)
        self.assertNotIn("https://gone.example/fixed", digest.body)
        self.assertIn("/admin/reports/site-check/", digest.body)
        summary = by_address["works-supervisor@example.go.th"]
        self.assertIn("กองช่าง มีข้อบกพร่อง 2 รายการ", summary.subject)
        self.assertIn("ความรุนแรงสูง 1 รายการ", summary.body)
        self.assertNotIn("https://gone.example/a", summary.body)

    def test_the_digest_lists_the_worst_first(self):
        """Broken link (medium, kind "broken_link") before page error (high) by name; the
        page error must come first all the same, and a low one last."""
        FindingFactory(
            page=self.works_section,
            division=self.works,
            kind=Finding.Kind.REDIRECTED_LINK,
            severity=Finding.Severity.LOW,
            target_url="https://moved.example/",
        )
        send_digests(run=self.check_run)
        [digest] = [m for m in mail.outbox if m.to == ["works-preparer@example.go.th"]]
        body = digest.body
        self.assertLess(body.index("HTTP 500"), body.index("https://gone.example/a"))
        self.assertLess(body.index("https://gone.example/a"), body.index("https://moved.example/"))

    def test_findings_of_pages_no_division_owns_go_to_the_web_operators(self):
        Finding.objects.update(status=Finding.Status.RESOLVED)
        FindingFactory(page=self.works_section.get_parent(), division=None)
        send_digests(run=self.check_run)
        self.assertEqual([message.to for message in mail.outbox], [["operator@example.go.th"]])

    def test_nothing_is_sent_when_nothing_is_open(self):
        Finding.objects.update(status=Finding.Status.RESOLVED)
        self.assertEqual(send_digests(run=self.check_run), 0)
        self.assertEqual(mail.outbox, [])


class FindingReportTests(FindingsForStaffTestCase):
    url = reverse("monitoring_findings")

    def test_division_staff_see_only_their_division(self):
        log_in(self.client, self.preparer)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "https://gone.example/a")
        self.assertNotContains(response, "https://gone.example/b")

    def test_web_operators_see_every_division_and_can_filter(self):
        log_in(self.client, self.operator)
        response = self.client.get(self.url, {"division": self.finance.pk})
        self.assertContains(response, "https://gone.example/b")
        self.assertNotContains(response, "https://gone.example/a")
        response = self.client.get(self.url, {"status": Finding.Status.RESOLVED})
        self.assertContains(response, "https://gone.example/fixed")
        self.assertNotContains(response, "https://gone.example/b")

    def test_exports_as_csv_and_xlsx(self):
        log_in(self.client, self.supervisor)
        response = self.client.get(self.url, {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content).decode()
        self.assertIn("ปลายทาง", content)
        self.assertIn("https://gone.example/a", content)
        self.assertNotIn("https://gone.example/b", content)
        response = self.client.get(self.url, {"export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response["Content-Type"])

    def test_people_without_a_division_or_role_are_refused(self):
        nobody = user("nobody")
        nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
        log_in(self.client, nobody)
        # Wagtail turns the refusal into a redirect to the dashboard with a message.
        response = self.client.get(self.url)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)


class PageFindingsTests(FindingsForStaffTestCase):
    def url(self, page) -> str:
        return reverse("monitoring_page_findings", args=[page.pk])

    def test_the_page_editor_offers_check_again_to_the_owning_division(self):
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("wagtailadmin_pages:edit", args=[self.works_section.pk]))
        self.assertContains(response, self.url(self.works_section))
        response = self.client.get(reverse("wagtailadmin_explore", args=[self.works_section.pk]))
        self.assertContains(response, "ตรวจอีกครั้ง")

    def test_check_again_resolves_what_is_gone_at_once(self):
        """The page no longer has the links: its findings are resolved by that person."""
        log_in(self.client, self.preparer)
        response = self.client.get(self.url(self.works_section))
        self.assertContains(response, "https://gone.example/a")
        response = self.client.post(self.url(self.works_section), {"action": "check"}, follow=True)
        self.assertContains(response, "แก้ไขแล้ว 2 รายการ")
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.RESOLVED)
        self.assertEqual(self.works_finding.resolved_by, self.preparer)
        self.finance_finding.refresh_from_db()
        self.assertEqual(self.finance_finding.status, Finding.Status.OPEN)

    def test_accept_needs_a_reason(self):
        log_in(self.client, self.supervisor)
        data = {"action": "accept", "finding": self.works_finding.pk, "reason": ""}
        response = self.client.post(self.url(self.works_section), data, follow=True)
        self.assertContains(response, "กรุณาระบุเหตุผล")
        data["reason"] = "เว็บไซต์ปลายทางปิดปรับปรุงชั่วคราว"
        self.client.post(self.url(self.works_section), data)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.ACCEPTED)
        self.assertEqual(self.works_finding.accepted_by, self.supervisor)

    def test_another_division_s_page_is_refused(self):
        log_in(self.client, self.finance_preparer)
        response = self.client.post(self.url(self.works_section), {"action": "check"})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.OPEN)

    def test_check_again_and_the_row_actions_need_the_csrf_token(self):
        strict = Client(enforce_csrf_checks=True)
        log_in(strict, self.preparer)
        for data in (
            {"action": "check"},
            {"action": "fix", "finding": self.works_finding.pk},
            {"action": "accept", "finding": self.works_finding.pk, "reason": "ชั่วคราว"},
        ):
            response = strict.post(self.url(self.works_section), data)
            self.assertEqual(response.status_code, 403)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.OPEN)
        self.assertEqual(actions_of(self.works_finding), [])


class DashboardPanelTests(FindingsForStaffTestCase):
    def test_shows_the_open_findings_of_the_person_s_divisions(self):
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "ข้อบกพร่องที่ตรวจพบและยังไม่ได้แก้ไข")
        self.assertContains(response, "https://gone.example/a")
        self.assertNotContains(response, "https://gone.example/b")
        self.assertNotContains(response, "https://gone.example/fixed")


def actions_of(finding: Finding) -> list[tuple[str, str | None]]:
    """The finding's history, oldest first: (action, username)."""
    return [
        (entry.action, entry.user.username if entry.user else None)
        for entry in reversed(history.entries_for([finding]))
    ]


class FindingReportActionsTests(FindingsForStaffTestCase):
    url = reverse("monitoring_findings")

    def action_url(self, finding: Finding) -> str:
        return reverse("monitoring_finding_action", args=[finding.pk])

    def test_unresolved_first_then_high_before_low_then_newest(self):
        now = timezone.now()
        FindingFactory(
            page=self.works_section,
            division=self.works,
            severity=Finding.Severity.LOW,
            target_url="https://order.example/low-newest",
            last_seen_at=now,
        )
        FindingFactory(
            page=self.works_section,
            division=self.works,
            severity=Finding.Severity.HIGH,
            target_url="https://order.example/high-oldest",
            last_seen_at=now - timedelta(days=3),
        )
        FindingFactory(
            page=self.works_section,
            division=self.works,
            severity=Finding.Severity.MEDIUM,
            target_url="https://order.example/medium-old",
            last_seen_at=now - timedelta(days=2),
        )
        FindingFactory(
            page=self.works_section,
            division=self.works,
            severity=Finding.Severity.MEDIUM,
            target_url="https://order.example/medium-new",
            last_seen_at=now - timedelta(days=1),
        )
        log_in(self.client, self.operator)
        content = self.client.get(self.url).content.decode()
        order = [
            "https://order.example/high-oldest",
            "https://order.example/medium-new",
            "https://order.example/medium-old",
            "https://order.example/low-newest",
            # Resolved, though high and recent, comes after every unresolved one.
            "https://gone.example/fixed",
        ]
        positions = [content.index(target) for target in order]
        self.assertEqual(positions, sorted(positions))

    def test_the_latest_run_is_summarised_in_thai_with_a_buddhist_year(self):
        CheckRun.objects.create(
            site=self.site,
            started_at=datetime(2026, 3, 5, 6, 0, tzinfo=BANGKOK),
            finished_at=datetime(2026, 3, 5, 6, 20, tzinfo=BANGKOK),
            status=CheckRun.Status.FINISHED,
            pages_checked=120,
            links_checked=845,
            findings_opened=3,
            findings_closed=2,
        )
        CheckRun.objects.filter(pk=self.check_run.pk).update(
            started_at=datetime(2026, 3, 4, 6, 0, tzinfo=BANGKOK)
        )
        log_in(self.client, self.preparer)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "ตรวจครั้งล่าสุด 5 มี.ค. 2569 06:00 น. (ตรวจเสร็จ): 120 หน้า 845 ลิงก์ "
            "พบใหม่ 3 รายการ หมดไป 2 รายการ",
        )

    def test_buttons_only_on_findings_the_person_may_act_on(self):
        """A finding of no page is the web operators': division staff see it, cannot act."""
        orphan = FindingFactory(
            page=None, division=self.works, target_url="https://orphan.example/"
        )
        log_in(self.client, self.preparer)
        response = self.client.get(self.url)
        self.assertContains(response, "แก้ไขแล้ว ตรวจอีกครั้ง")
        self.assertContains(response, f'action="{self.action_url(self.works_finding)}"', count=2)
        self.assertContains(response, "https://orphan.example/")
        self.assertNotContains(response, f'action="{self.action_url(orphan)}"')
        # Nothing to do on a resolved finding.
        self.assertNotContains(response, f'action="{self.action_url(self.resolved)}"')
        log_in(self.client, self.operator)
        response = self.client.get(self.url)
        self.assertContains(response, f'action="{self.action_url(orphan)}"')
        self.assertContains(response, f'action="{self.action_url(self.finance_finding)}"')

    def test_mark_fixed_checks_again_resolves_and_returns_to_the_filtered_report(self):
        log_in(self.client, self.preparer)
        back = f"{self.url}?severity=medium&status=open"
        response = self.client.post(
            self.action_url(self.works_finding), {"action": "fix", "next": back}
        )
        self.assertRedirects(response, back, fetch_redirect_response=False)
        response = self.client.get(back)
        self.assertContains(response, "ไม่พบข้อบกพร่อง")
        self.assertContains(response, "บันทึกว่าแก้ไขแล้ว")
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.RESOLVED)
        self.assertEqual(self.works_finding.resolved_by, self.preparer)
        self.assertEqual(actions_of(self.works_finding), [(history.FIXED, "works-preparer")])

    def test_mark_fixed_when_the_problem_is_still_there(self):
        """The re-check sees the broken link again: still open, and the person is told so."""
        page = self.works_section.add_child(
            instance=ContentPage(
                title="ลิงก์เสีย",
                slug="broken",
                body=[("paragraph", RichText('<p><a href="/no-such-page/">x</a></p>'))],
            )
        )
        services.check_page(page=page)
        broken = Finding.objects.get(page=page, kind=Finding.Kind.BROKEN_LINK)
        log_in(self.client, self.supervisor)
        response = self.client.post(self.action_url(broken), {"action": "fix"}, follow=True)
        self.assertContains(response, "ยังพบข้อบกพร่อง")
        self.assertContains(response, "HTTP 404")
        broken.refresh_from_db()
        self.assertEqual(broken.status, Finding.Status.OPEN)
        self.assertEqual(actions_of(broken)[-1], (history.STILL_THERE, "works-supervisor"))

    def test_accept_needs_a_reason_and_is_logged_with_it(self):
        log_in(self.client, self.supervisor)
        url = self.action_url(self.works_finding)
        response = self.client.post(url, {"action": "accept", "reason": "  "}, follow=True)
        self.assertContains(response, "กรุณาระบุเหตุผลที่ยอมรับข้อบกพร่องนี้")
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.OPEN)
        response = self.client.post(
            url, {"action": "accept", "reason": "เว็บไซต์ปลายทางปิดปรับปรุง"}, follow=True
        )
        self.assertContains(response, "บันทึกการยอมรับข้อบกพร่อง")
        self.assertContains(response, "ยอมรับได้ เพราะ เว็บไซต์ปลายทางปิดปรับปรุง")
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.ACCEPTED)
        [entry] = history.entries_for([self.works_finding])
        self.assertEqual(entry.action, history.ACCEPTED)
        self.assertEqual(entry.user, self.supervisor)
        self.assertEqual(entry.data, {"reason": "เว็บไซต์ปลายทางปิดปรับปรุง"})

    def test_another_division_s_staff_are_refused_with_403(self):
        log_in(self.client, self.finance_preparer)
        for action in ("fix", "accept"):
            response = self.client.post(
                self.action_url(self.works_finding), {"action": action, "reason": "ไม่ใช่"}
            )
            self.assertEqual(response.status_code, 403)
            self.assertContains(response, "ไม่มีสิทธิ์ดำเนินการกับข้อบกพร่องนี้", status_code=403)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.OPEN)
        self.assertEqual(actions_of(self.works_finding), [])

    def test_a_finding_of_no_page_is_for_web_operators_only(self):
        orphan = FindingFactory(page=None, division=self.works)
        log_in(self.client, self.preparer)
        response = self.client.post(self.action_url(orphan), {"action": "fix"})
        self.assertEqual(response.status_code, 403)
        log_in(self.client, self.operator)
        response = self.client.post(self.action_url(orphan), {"action": "fix"}, follow=True)
        self.assertContains(response, "บันทึกว่าแก้ไขข้อบกพร่อง")
        orphan.refresh_from_db()
        self.assertEqual(orphan.status, Finding.Status.RESOLVED)
        self.assertEqual(actions_of(orphan), [(history.FIXED, "operator")])

    def test_a_resolved_finding_cannot_be_acted_on(self):
        log_in(self.client, self.operator)
        response = self.client.post(self.action_url(self.resolved), {"action": "fix"})
        self.assertEqual(response.status_code, 404)

    def test_get_is_not_allowed_and_csrf_is_enforced(self):
        log_in(self.client, self.preparer)
        response = self.client.get(self.action_url(self.works_finding), {"action": "fix"})
        self.assertEqual(response.status_code, 405)
        strict = Client(enforce_csrf_checks=True)
        log_in(strict, self.preparer)
        response = strict.post(self.action_url(self.works_finding), {"action": "fix"})
        self.assertEqual(response.status_code, 403)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.OPEN)

    def test_the_report_s_forms_carry_a_working_csrf_token(self):
        strict = Client(enforce_csrf_checks=True)
        log_in(strict, self.preparer)
        response = strict.get(self.url)
        token = response.content.decode().split('name="csrfmiddlewaretoken" value="')[1]
        token = token.split('"', 1)[0]
        response = strict.post(
            self.action_url(self.works_finding),
            {"action": "fix", "csrfmiddlewaretoken": token},
        )
        self.assertEqual(response.status_code, 302)
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.RESOLVED)

    def test_next_must_be_the_report(self):
        log_in(self.client, self.preparer)
        response = self.client.post(
            self.action_url(self.works_finding),
            {"action": "accept", "reason": "ชั่วคราว", "next": "https://evil.example/admin/"},
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)


class PageFindingsActionsTests(FindingsForStaffTestCase):
    def url(self, page) -> str:
        return reverse("monitoring_page_findings", args=[page.pk])

    def test_mark_one_finding_fixed_and_see_its_history(self):
        log_in(self.client, self.preparer)
        response = self.client.get(self.url(self.works_section))
        self.assertContains(response, "แก้ไขแล้ว ตรวจอีกครั้ง", count=2)
        self.client.post(
            self.url(self.works_section),
            {"action": "accept", "finding": self.works_page_error.pk, "reason": "รอผู้ดูแลระบบ"},
        )
        response = self.client.post(
            self.url(self.works_section),
            {"action": "fix", "finding": self.works_finding.pk},
            follow=True,
        )
        self.assertContains(response, "ไม่พบข้อบกพร่อง")
        self.works_finding.refresh_from_db()
        self.assertEqual(self.works_finding.status, Finding.Status.RESOLVED)
        # The history, newest first, in Thai, with who did it.
        self.assertContains(response, "ประวัติ")
        self.assertContains(response, "แจ้งว่าแก้ไขแล้ว และตรวจอีกครั้งไม่พบข้อบกพร่องนี้แล้ว")
        self.assertContains(response, "ยอมรับข้อบกพร่องนี้ เหตุผล: รอผู้ดูแลระบบ")
        self.assertContains(response, "works-preparer")
        content = response.content.decode()
        history_table = content[content.index('id="finding-history"') :]
        self.assertLess(history_table.index("แจ้งว่าแก้ไขแล้ว"), history_table.index("ยอมรับข้อบกพร่องนี้"))

    def test_a_finding_of_another_page_is_not_found(self):
        log_in(self.client, self.operator)
        response = self.client.post(
            self.url(self.works_section), {"action": "fix", "finding": self.finance_finding.pk}
        )
        self.assertEqual(response.status_code, 404)


class TodaysFindingsPanelTests(FindingsForStaffTestCase):
    """Today's open findings: seen by the latest finished run, or seen today (Bangkok)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        now = timezone.now()
        yesterday = now - timedelta(days=1)
        cls.finished = CheckRunFactory(
            started_at=now - timedelta(days=2),
            finished_at=now - timedelta(days=2),
            status=CheckRun.Status.FINISHED,
        )
        cls.abandoned = CheckRunFactory(
            started_at=yesterday, finished_at=now, status=CheckRun.Status.ABANDONED
        )
        cls.seen_by_finished = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            severity=Finding.Severity.LOW,
            target_url="https://panel.example/seen-by-the-last-finished-run",
            first_seen_at=now - timedelta(days=2),
            last_seen_at=now - timedelta(days=2),
            last_seen_run=cls.finished,
        )
        cls.stale = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            severity=Finding.Severity.HIGH,
            target_url="https://panel.example/stale-from-yesterday",
            first_seen_at=yesterday,
            last_seen_at=yesterday,
            last_seen_run=cls.abandoned,
        )

    def test_shows_today_s_findings_by_severity_with_counts_not_yesterday_s(self):
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "ข้อบกพร่องที่ตรวจพบและยังไม่ได้แก้ไข")
        self.assertContains(response, "https://gone.example/a")
        self.assertContains(response, "https://panel.example/seen-by-the-last-finished-run")
        self.assertNotContains(response, "https://panel.example/stale-from-yesterday")
        self.assertNotContains(response, "https://gone.example/b")
        self.assertNotContains(response, "https://gone.example/fixed")
        self.assertContains(response, "ความรุนแรงสูง 1 รายการ")
        self.assertContains(response, "ความรุนแรงปานกลาง 1 รายการ")
        self.assertContains(response, "ความรุนแรงต่ำ 1 รายการ")
        self.assertContains(response, "ดูทั้งหมด 3 รายการ")
        content = response.content.decode()
        panel = content[content.index("ข้อบกพร่องที่ตรวจพบและยังไม่ได้แก้ไข") :]
        # High (the page error) before medium before low.
        self.assertLess(panel.index("หน้าเว็บแสดงผลไม่ได้"), panel.index("https://gone.example/a"))
        self.assertLess(
            panel.index("https://gone.example/a"),
            panel.index("https://panel.example/seen-by-the-last-finished-run"),
        )

    def test_web_operators_see_every_division_s(self):
        log_in(self.client, self.operator)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "https://gone.example/a")
        self.assertContains(response, "https://gone.example/b")
        self.assertNotContains(response, "https://panel.example/stale-from-yesterday")

    def test_the_panel_s_link_lists_the_same_findings_in_the_report(self):
        log_in(self.client, self.preparer)
        response = self.client.get(
            reverse("monitoring_findings"), {"status": "open", "seen": "latest"}
        )
        self.assertContains(response, "https://panel.example/seen-by-the-last-finished-run")
        self.assertNotContains(response, "https://panel.example/stale-from-yesterday")
        response = self.client.get(reverse("monitoring_findings"), {"status": "open"})
        self.assertContains(response, "https://panel.example/stale-from-yesterday")

    def test_nothing_seen_today_means_no_panel(self):
        Finding.objects.filter(
            pk__in=[self.works_finding.pk, self.works_page_error.pk, self.seen_by_finished.pk]
        ).update(status=Finding.Status.RESOLVED)
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertNotContains(response, "ข้อบกพร่องที่ตรวจพบและยังไม่ได้แก้ไข")


class SiteHistoryTests(FindingsForStaffTestCase):
    """Findings' entries in Wagtail's own site history report, filtered by their actions."""

    url = reverse("wagtailadmin_reports:site_history")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        history.log_opened([cls.works_finding])
        services.accept_finding(finding=cls.works_finding, user=cls.supervisor, reason="ชั่วคราว")

    def test_web_operators_see_findings_filtered_by_action_with_a_link_to_the_page(self):
        log_in(self.client, self.operator)
        response = self.client.get(self.url, {"action": history.ACCEPTED})
        self.assertContains(response, "ยอมรับข้อบกพร่องนี้ เหตุผล: ชั่วคราว")
        self.assertContains(response, "https://gone.example/a")
        self.assertNotContains(response, "การตรวจเว็บไซต์พบข้อบกพร่องนี้")
        self.assertContains(
            response,
            reverse("monitoring_page_findings", args=[self.works_section.pk])
            + f"#finding-{self.works_finding.pk}",
        )
        # The action filter offers the findings' actions by their Thai labels.
        self.assertContains(response, "ข้อบกพร่อง: ยอมรับได้")
        self.assertContains(response, "ข้อบกพร่อง: พบใหม่")
        response = self.client.get(self.url, {"action": history.OPENED})
        self.assertContains(response, "การตรวจเว็บไซต์พบข้อบกพร่องนี้")

    def test_division_staff_read_findings_history_on_the_page_screen_instead(self):
        """Wagtail lists a model's entries to those with a right on the model; division
        staff have none on findings (they would see every division's)."""
        log_in(self.client, self.supervisor)
        response = self.client.get(self.url, {"action": history.ACCEPTED})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "ยอมรับข้อบกพร่องนี้ เหตุผล: ชั่วคราว")
        response = self.client.get(
            reverse("monitoring_page_findings", args=[self.works_section.pk])
        )
        self.assertContains(response, "ยอมรับข้อบกพร่องนี้ เหตุผล: ชั่วคราว")
        self.assertTrue(ModelLogEntry.objects.filter(action=history.ACCEPTED).exists())


class DigestContentKindsTests(FindingsForStaffTestCase):
    """The content checks' findings in the digests: their kinds in Thai, where to fix them."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.rule = FreshnessRule.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="แผนการดำเนินงาน",
            reference="ITA O6",
            section=cls.works_section,
        )
        cls.missing = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            kind=Finding.Kind.MISSING_CONTENT,
            severity=Finding.Severity.HIGH,
            rule=cls.rule,
            target_url=reverse("freshness_rules:edit", args=[cls.rule.pk]),
            detail="ยังไม่มีแผนการดำเนินงาน ของปีงบประมาณ พ.ศ. 2570",
        )
        cls.undescribed = FindingFactory(
            page=None,
            division=cls.works,
            kind=Finding.Kind.DOCUMENT_METADATA,
            severity=Finding.Severity.LOW,
            target_url="/admin/documents/edit/7/",
            detail="เอกสาร “ประกาศ”: ไม่มีคำอธิบาย",
        )

    def test_the_new_kinds_read_well(self):
        send_digests(run=self.check_run)
        by_address = {message.to[0]: message for message in mail.outbox}
        digest = by_address["works-preparer@example.go.th"].body
        self.assertIn("[สูง] ไม่มีข้อมูลที่ต้องเผยแพร่", digest)
        self.assertIn("ยังไม่มีแผนการดำเนินงาน ของปีงบประมาณ พ.ศ. 2570", digest)
        self.assertIn("[ต่ำ] เอกสารไม่มีชื่อหรือคำอธิบาย", digest)
        # Where to fix the document, as a whole address; no "destination" that is an admin
        # path, no empty page line for a finding of no page, and no link to the rule's screen
        # (the web operators'): the division publishes on the section named.
        admin = "http://localhost"  # the municipality's own address (its site record)
        self.assertIn(f"แก้ไขได้ที่: {admin}/admin/documents/edit/7/", digest)
        self.assertNotIn("ปลายทาง: /admin/", digest)
        self.assertNotIn("/admin/freshness-rules/", digest)
        self.assertNotRegex(digest, r"หน้า: *\n")
        self.assertIn("หน้า: งานช่าง", digest)
        summary = by_address["works-supervisor@example.go.th"].body
        self.assertIn("แยกตามประเภท", summary)
        self.assertIn("- ลิงก์เสีย 1 รายการ", summary)
        self.assertIn("- หน้าเว็บแสดงผลไม่ได้ 1 รายการ", summary)
        self.assertIn("- ไม่มีข้อมูลที่ต้องเผยแพร่ 1 รายการ", summary)
        self.assertIn("- เอกสารไม่มีชื่อหรือคำอธิบาย 1 รายการ", summary)
        self.assertIn("ทั้งหมด 4 รายการ", summary)

    def test_a_division_with_nothing_open_gets_nothing(self):
        """Finance's only finding is accepted: its staff hear nothing; works' still do."""
        services.accept_finding(
            finding=self.finance_finding, user=self.operator, reason="เว็บไซต์ปลายทางย้ายถาวร"
        )
        send_digests(run=self.check_run)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            ["works-preparer@example.go.th", "works-supervisor@example.go.th"],
        )


class DigestOncePerRunTests(FindingsForStaffTestCase):
    def test_the_run_s_task_mails_once_and_a_second_task_for_it_mails_nothing(self):
        """A real run finds the works section empty (a freshness rule), closes the factory
        findings it no longer sees, and mails the works staff; the same run enqueued again
        (the scheduler's task was slow to start) neither checks nor mails again."""
        rule = FreshnessRule.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="แผนการดำเนินงาน",
            reference="ITA O6",
            section=self.works_section,
        )
        first = check_site.enqueue(run_id=self.check_run.pk).return_value
        self.assertEqual([run["run"] for run in first["runs"]], [self.check_run.pk])
        self.assertEqual(Finding.objects.open().get().rule, rule)
        self.assertEqual(first["runs"][0]["messages"], 2)
        self.assertEqual(
            sorted(message.to[0] for message in mail.outbox),
            ["works-preparer@example.go.th", "works-supervisor@example.go.th"],
        )
        self.assertIn("ไม่มีข้อมูลที่ต้องเผยแพร่", mail.outbox[0].body + mail.outbox[1].body)
        second = check_site.enqueue(run_id=self.check_run.pk).return_value
        self.assertTrue(second["skipped"])
        self.assertEqual(len(mail.outbox), 2)


class TimeToFixTests(FindingsForStaffTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        resolved_at = datetime(2026, 3, 5, 9, 30, tzinfo=BANGKOK)
        Finding.objects.filter(pk=cls.resolved.pk).update(
            first_seen_at=resolved_at - timedelta(days=2, hours=3, minutes=10),
            last_seen_at=resolved_at - timedelta(days=1),
            resolved_at=resolved_at,
        )

    def test_format(self):
        self.assertEqual(format_time_to_fix(None), "")
        self.assertEqual(format_time_to_fix(timedelta(seconds=20)), "ไม่ถึง 1 นาที")
        self.assertEqual(format_time_to_fix(timedelta(minutes=45)), "45 นาที")
        self.assertEqual(format_time_to_fix(timedelta(hours=5, minutes=20)), "5 ชั่วโมง 20 นาที")
        self.assertEqual(format_time_to_fix(timedelta(days=1)), "1 วัน")
        self.assertEqual(format_time_to_fix(timedelta(days=2, hours=3, minutes=10)), "2 วัน 3 ชั่วโมง")

    def test_the_report_and_the_page_screen_show_how_long_it_took(self):
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("monitoring_findings"), {"status": "resolved"})
        self.assertContains(response, "ใช้เวลาแก้ไข")
        self.assertContains(response, "2 วัน 3 ชั่วโมง")
        response = self.client.get(
            reverse("monitoring_page_findings", args=[self.works_section.pk])
        )
        self.assertContains(response, "ใช้เวลาแก้ไข 2 วัน 3 ชั่วโมง")


class FindingExportTests(FindingsForStaffTestCase):
    url = reverse("monitoring_findings")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        resolved_at = datetime(2026, 3, 5, 9, 30, tzinfo=BANGKOK)
        Finding.objects.filter(pk=cls.resolved.pk).update(
            first_seen_at=resolved_at - timedelta(hours=5, minutes=20),
            last_seen_at=resolved_at - timedelta(hours=1),
            resolved_at=resolved_at,
        )
        cls.rule = FreshnessRule.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="ข่าวประชาสัมพันธ์",
            reference="ITA O4",
            section=cls.works_section,
        )
        cls.stale = FindingFactory(
            page=cls.works_section,
            division=cls.works,
            kind=Finding.Kind.STALE_CONTENT,
            rule=cls.rule,
            target_url=reverse("freshness_rules:edit", args=[cls.rule.pk]),
            detail="รายการล่าสุดเก่ากว่า 30 วัน",
        )

    def csv_rows(self, **query) -> list[list[str]]:
        response = self.client.get(self.url, {"export": "csv", **query})
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(content)))

    def test_csv_has_thai_headings_the_rule_thai_dates_and_the_time_to_fix(self):
        log_in(self.client, self.operator)
        [heading, *rows] = self.csv_rows(status="resolved")
        self.assertEqual(
            heading,
            [
                "ความรุนแรง",
                "ประเภท",
                "หน้า",
                "ส่วนราชการ",
                "ปลายทาง",
                "เกณฑ์ความเป็นปัจจุบัน",
                "รายละเอียด",
                "พบครั้งแรก",
                "พบล่าสุด",
                "สถานะ",
                "แก้ไขเมื่อ",
                "ใช้เวลาแก้ไข",
                "เหตุผลที่ยอมรับ",
            ],
        )
        [row] = rows
        record = dict(zip(heading, row, strict=True))
        # Bangkok time and the Buddhist year, as everywhere else in the admin; not UTC.
        self.assertEqual(record["พบครั้งแรก"], "5 มี.ค. 2569 04:10 น.")
        self.assertEqual(record["แก้ไขเมื่อ"], "5 มี.ค. 2569 09:30 น.")
        self.assertEqual(record["ใช้เวลาแก้ไข"], "5 ชั่วโมง 20 นาที")
        self.assertEqual(record["สถานะ"], "แก้ไขแล้ว")

    def test_the_new_kinds_and_their_rule_filter_and_export(self):
        log_in(self.client, self.preparer)
        response = self.client.get(self.url, {"rule": self.rule.pk})
        self.assertContains(response, "รายการล่าสุดเก่ากว่า 30 วัน")
        self.assertNotContains(response, "https://gone.example/a")
        response = self.client.get(self.url, {"kind": Finding.Kind.STALE_CONTENT})
        self.assertContains(response, "รายการล่าสุดเก่ากว่า 30 วัน")
        self.assertNotContains(response, "https://gone.example/a")
        [heading, row] = self.csv_rows(rule=self.rule.pk)
        record = dict(zip(heading, row, strict=True))
        self.assertEqual(record["ประเภท"], "ข้อมูลไม่เป็นปัจจุบัน")
        self.assertEqual(record["เกณฑ์ความเป็นปัจจุบัน"], "ITA O4 ข่าวประชาสัมพันธ์")
        self.assertEqual(record["ใช้เวลาแก้ไข"], "")

    def test_xlsx_has_the_same_columns_and_thai_dates(self):
        log_in(self.client, self.operator)
        response = self.client.get(self.url, {"export": "xlsx", "status": "resolved"})
        self.assertEqual(response.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        [heading, row] = [list(values) for values in workbook.active.iter_rows(values_only=True)]
        record = dict(zip(heading, row, strict=True))
        self.assertEqual(record["พบครั้งแรก"], "5 มี.ค. 2569 04:10 น.")
        self.assertEqual(record["ใช้เวลาแก้ไข"], "5 ชั่วโมง 20 นาที")
