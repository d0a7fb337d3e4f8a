"""Digests after a run, and the findings report in the admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from wagtail.models import Page, Site

from thesaban.accounts.models import Division
from thesaban.accounts.roles import WEB_OPERATOR
from thesaban.accounts.services import ensure_role_groups
from thesaban.accounts.testing import log_in
from thesaban.monitoring.models import Finding
from thesaban.monitoring.notifications import send_digests
from thesaban.pages.models import HomePage, SectionPage

from .factories import CheckRunFactory, FindingFactory


def user(username: str, *groups: Group):
    person = get_user_model().objects.create_user(
        username=username, password="x", email=f"{username}@example.go.th"
    )
    person.groups.add(*groups)
    return person


class FindingsForStaffTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-admin"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
        ensure_role_groups(root=home)
        cls.works_section = home.add_child(instance=SectionPage(title="งานช่าง", slug="works"))
        cls.finance_section = home.add_child(instance=SectionPage(title="การคลัง", slug="fin"))
        cls.works = Division.objects.create(name="กองช่าง", code="works")
        cls.works.sections.add(cls.works_section)
        cls.finance = Division.objects.create(name="กองคลัง", code="finance")
        cls.finance.sections.add(cls.finance_section)
        cls.works.refresh_from_db()
        cls.finance.refresh_from_db()
        cls.preparer = user("works-preparer", cls.works.preparers)
        cls.supervisor = user("works-supervisor", cls.works.supervisors)
        cls.finance_preparer = user("finance-preparer", cls.finance.preparers)
        cls.operator = user("operator", Group.objects.get(name=WEB_OPERATOR))
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


class DashboardPanelTests(FindingsForStaffTestCase):
    def test_shows_the_open_findings_of_the_person_s_divisions(self):
        log_in(self.client, self.preparer)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, "ข้อบกพร่องที่ตรวจพบและยังไม่ได้แก้ไข")
        self.assertContains(response, "https://gone.example/a")
        self.assertNotContains(response, "https://gone.example/b")
        self.assertNotContains(response, "https://gone.example/fixed")
