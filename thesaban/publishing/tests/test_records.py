"""The publication record (R3): read from the workflow's evidence, listed, printed and guarded.

Publications are driven through Wagtail's own workflow API with the workflow the project
installs (supervisor step, then web operator step), the preparer's attestation logged as the
submit view logs it, and the scheduler run as the worker runs it.
"""

import io
import re
import zlib
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from wagtail.log_actions import log
from wagtail.models import Page, PageLogEntry, Revision, Site, WorkflowState

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.core.testing import another_sarabun_installed, embedded_fonts, shipped_file_of
from thesaban.core.thai_dates import BANGKOK
from thesaban.pages.models import NewsPage
from thesaban.pages.services import ensure_site_structure
from thesaban.publishing.records import (
    Signatory,
    build_record,
    publication_rows,
    publications_for,
    record_access,
)
from thesaban.publishing.templatetags.publication_records import official_datetime

FORM_TITLE = "แบบฟอร์มการขออนุญาตเผยแพร่ข้อมูลผ่านเว็บไซต์"
STATEMENT = "ตรวจสอบความถูกต้องของข้อมูลแล้ว"
MUNICIPALITY = "เทศบาลเมืองชุมแสง"
# Buddhist Era 2569 is 2026.
MARCH, APRIL = {"year": 2569, "month": 3}, {"year": 2569, "month": 4}


def bangkok(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


# --- Building a town and its publications ---------------------------------------------------
def make_user(username: str, *groups: Group, first_name: str = "", last_name: str = ""):
    user = get_user_model().objects.create_user(
        username=username,
        password=f"x-{username}",
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(*groups)
    return user


def set_up_town(cls) -> None:
    """Two divisions: the office owns the whole site, finance the procurement news in it."""
    cls.home = ensure_site_structure()
    ensure_role_groups(site=Site.objects.get(is_default_site=True))
    municipality = MunicipalitySettings.for_site(cls.home.get_site())
    municipality.name = MUNICIPALITY
    municipality.save()
    cls.procurement = Page.objects.get(url_path=f"{cls.home.url_path}news/procurement/")
    cls.activities = Page.objects.get(url_path=f"{cls.home.url_path}news/activities/")
    cls.finance = Division.objects.create(
        site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
    )
    cls.finance.sections.add(cls.procurement)
    cls.office = Division.objects.create(
        site=Site.objects.get(is_default_site=True), name="สำนักปลัดเทศบาล", code="office"
    )
    cls.office.sections.add(cls.home)
    cls.finance.refresh_from_db()
    cls.office.refresh_from_db()
    operators = role_group(Site.objects.get(is_default_site=True), "web_operator")
    cls.preparer = make_user("somchai", cls.finance.preparers, first_name="สมชาย", last_name="ใจดี")
    cls.supervisor = make_user(
        "somsri", cls.finance.supervisors, first_name="สมศรี", last_name="รักงาน"
    )
    cls.operator = make_user("wichai", operators, first_name="วิชัย", last_name="ดูแลเว็บ")
    cls.office_preparer = make_user("office-preparer", cls.office.preparers)
    cls.office_supervisor = make_user("office-supervisor", cls.office.supervisors)
    cls.it_administrator = make_user(
        "itadmin", role_group(Site.objects.get(is_default_site=True), "it_administrator")
    )
    cls.superuser = get_user_model().objects.create_superuser("root", "root@example.go.th", "x")


def draft(parent: Page, preparer, title: str, summary: str = "สรุปย่อของประกาศ") -> NewsPage:
    page = NewsPage(title=title, summary=summary, owner=preparer, live=False)
    parent.add_child(instance=page)
    return page


def approve(workflow_state: WorkflowState, user, comment: str, *, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        workflow_state.refresh_from_db()
        task_state = workflow_state.current_task_state
        task_state.task.specific.on_action(task_state, user, "approve", comment=comment)


def publish_through_workflow(
    page: NewsPage,
    *,
    preparer,
    supervisor,
    operator,
    submitted_at: datetime,
    supervisor_comment: str = "",
    operator_comment: str = "",
    go_live_at: datetime | None = None,
    expire_at: datetime | None = None,
) -> Revision:
    """Step 1 at `submitted_at`, step 2 an hour later, step 3 (which publishes) two hours later."""
    with time_machine.travel(submitted_at, tick=False):
        page.go_live_at, page.expire_at = go_live_at, expire_at
        revision = page.save_revision(user=preparer)
        workflow_state = page.get_workflow().start(page, preparer)
        log(
            instance=page,
            action="thesaban.attest",
            user=preparer,
            revision=revision,
            data={"statement": STATEMENT, "workflow_state_id": workflow_state.pk},
        )
    approve(workflow_state, supervisor, supervisor_comment, at=submitted_at + timedelta(hours=1))
    approve(workflow_state, operator, operator_comment, at=submitted_at + timedelta(hours=2))
    page.refresh_from_db()
    return revision


def publish_directly(page: NewsPage, user, *, at: datetime) -> Revision:
    with time_machine.travel(at, tick=False):
        revision = page.save_revision(user=user)
        revision.publish(user=user)
    page.refresh_from_db()
    return revision


def run_scheduler(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        call_command("publish_scheduled", stdout=io.StringIO())


# --- Reading a PDF without a PDF library ------------------------------------------------------
def inflated(pdf: bytes) -> bytes:
    """The PDF with every compressed stream inflated, so object contents can be searched."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            parts.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_title(pdf: bytes) -> str:
    """The document's title (the information dictionary's, not a bookmark's)."""
    match = re.search(rb"/Producer\s*\([^)]*\)\s*/Title\s*<([0-9a-fA-F]+)>", inflated(pdf))
    assert match, "the PDF has no title"
    return bytes.fromhex(match.group(1).decode()).decode("utf-16")


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", inflated(pdf)))


def assert_real_pdf_in_sarabun(test: TestCase, pdf: bytes) -> None:
    test.assertTrue(pdf.startswith(b"%PDF-"))
    # Every font is embedded and cut from the shipped Sarabun, whatever the machine has.
    fonts = embedded_fonts(pdf)
    test.assertTrue(fonts)
    for font in fonts:
        test.assertIsNotNone(font.program, font.name)
        test.assertIsNotNone(shipped_file_of(font.program), font.name)
    # It draws Thai.
    test.assertRegex(inflated(pdf), rb"<[0-9a-f]{4}> <0e[0-9a-f]{2}>")


# --- Test cases --------------------------------------------------------------------------------
def forget_cached_sites() -> None:
    # Wagtail (site root paths) and the page cache remember sites and pages across requests;
    # a test's rolled-back town must not outlive it, nor find the previous test's.
    caches["default"].clear()
    clear_page_cache()


class TownTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        forget_cached_sites()
        set_up_town(cls)

    def setUp(self):
        self.addCleanup(forget_cached_sites)


# --- The record ------------------------------------------------------------------------------
class RecordEvidenceTests(TownTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = draft(
            cls.procurement, cls.preparer, "ประกาศประกวดราคาจ้างก่อสร้างถนน", "ถนนสายหลักหมู่ ๓"
        )
        cls.revision = publish_through_workflow(
            cls.page,
            preparer=cls.preparer,
            supervisor=cls.supervisor,
            operator=cls.operator,
            submitted_at=bangkok(2026, 3, 9, 12, 30),
            supervisor_comment="เห็นชอบ ให้เผยแพร่ได้",
            operator_comment="ตรวจทานแล้ว",
        )

    def test_record_holds_each_step_with_its_person_and_time(self):
        """Preparer + attestation, supervisor + comment, operator, window, URL, division."""
        record = build_record(self.page)
        self.assertIsNotNone(record)
        self.assertEqual(record.revision_id, self.revision.pk)
        self.assertEqual(record.division, self.finance)
        self.assertEqual(record.title, "ประกาศประกวดราคาจ้างก่อสร้างถนน")
        self.assertEqual(record.summary, "ถนนสายหลักหมู่ ๓")
        self.assertEqual(record.url, self.page.full_url)
        self.assertTrue(record.url.startswith("http"))

        self.assertEqual(record.preparer, Signatory(name="สมชาย ใจดี", username="somchai"))
        self.assertEqual(record.submitted_at, bangkok(2026, 3, 9, 12, 30))
        self.assertEqual(record.attested_at, bangkok(2026, 3, 9, 12, 30))
        self.assertEqual(record.attestation, STATEMENT)

        self.assertEqual(record.supervisor, Signatory(name="สมศรี รักงาน", username="somsri"))
        self.assertEqual(record.supervisor_comment, "เห็นชอบ ให้เผยแพร่ได้")
        self.assertEqual(record.supervisor_approved_at, bangkok(2026, 3, 9, 13, 30))

        self.assertEqual(record.operator, Signatory(name="วิชัย ดูแลเว็บ", username="wichai"))
        self.assertEqual(record.operator_comment, "ตรวจทานแล้ว")
        self.assertEqual(record.operator_published_at, bangkok(2026, 3, 9, 14, 30))

        self.assertEqual(record.published_at, bangkok(2026, 3, 9, 14, 30))
        self.assertFalse(record.is_scheduled)
        self.assertIsNone(record.go_live_at)
        self.assertEqual(record.window_start, bangkok(2026, 3, 9, 14, 30))
        self.assertIsNone(record.expire_at)

    def test_the_record_is_of_the_published_revision_not_a_later_draft(self):
        with time_machine.travel(bangkok(2026, 3, 10), tick=False):
            self.page.title = "ร่างที่ยังไม่ได้ส่ง"
            later = self.page.save_revision(user=self.preparer)
        self.assertEqual(build_record(self.page).title, "ประกาศประกวดราคาจ้างก่อสร้างถนน")
        self.assertIsNone(build_record(self.page, later))

    def test_without_the_attestation_there_is_no_record(self):
        PageLogEntry.objects.filter(page=self.page, action="thesaban.attest").delete()
        self.assertIsNone(build_record(self.page))
        (row,) = publication_rows(publications_for(access=record_access(self.operator), **MARCH))
        self.assertIsNone(row.record)
        self.assertIn("ยืนยันความถูกต้อง", row.missing_evidence)

    def test_an_attestation_by_someone_else_does_not_count(self):
        PageLogEntry.objects.filter(page=self.page, action="thesaban.attest").update(
            user=self.office_preparer
        )
        self.assertIsNone(build_record(self.page))

    def test_official_date_and_time_are_thai(self):
        self.assertEqual(
            official_datetime(bangkok(2021, 3, 29, 14, 30)), "๒๙ มีนาคม ๒๕๖๔ เวลา ๑๔.๓๐ น."
        )


class DirectPublicationTests(TownTestCase):
    """Published without the workflow (a superuser can): no record, and the listing says so."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = draft(cls.procurement, cls.superuser, "ประกาศที่เผยแพร่ข้ามขั้นตอน")
        cls.revision = publish_directly(cls.page, cls.superuser, at=bangkok(2026, 3, 5))

    def test_there_is_no_record(self):
        self.assertTrue(self.page.live)
        self.assertIsNone(build_record(self.page))

    def test_the_listing_marks_it_as_lacking_evidence(self):
        (row,) = publication_rows(publications_for(access=record_access(self.operator), **MARCH))
        self.assertEqual(row.revision_id, self.revision.pk)
        self.assertEqual(row.title, "ประกาศที่เผยแพร่ข้ามขั้นตอน")
        self.assertIsNone(row.record)
        self.assertEqual(row.missing_evidence, "เผยแพร่โดยไม่ผ่านขั้นตอนการขออนุญาตเผยแพร่")
        self.assertEqual(row.published_by, "root")

        log_in(self.client, self.operator)
        response = self.client.get(reverse("publishing_records:index"), {"year": 2569, "month": 3})
        self.assertContains(response, "ไม่มีหลักฐานการขออนุญาตเผยแพร่")
        self.assertNotContains(
            response, reverse("publishing_records:detail", args=[self.revision.pk])
        )

    def test_its_record_page_is_not_found(self):
        log_in(self.client, self.operator)
        url = reverse("publishing_records:detail", args=[self.revision.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


class ScheduledPublicationTests(TownTestCase):
    """Approved on 20 March to go live on 1 April at 08.00 and come down on 30 April at 16.30."""

    go_live_at = bangkok(2026, 4, 1, 8, 0)
    expire_at = bangkok(2026, 4, 30, 16, 30)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = draft(cls.procurement, cls.preparer, "ประกาศรับสมัครงาน")
        cls.revision = publish_through_workflow(
            cls.page,
            preparer=cls.preparer,
            supervisor=cls.supervisor,
            operator=cls.operator,
            submitted_at=bangkok(2026, 3, 20),
            go_live_at=cls.go_live_at,
            expire_at=cls.expire_at,
        )

    def _clear_schedule_from_revision(self) -> None:
        # What the scheduler's fix for Wagtail #13896 may do once a time has fired.
        revision = Revision.objects.get(pk=self.revision.pk)
        revision.content.update(go_live_at=None, expire_at=None)
        revision.save(update_fields=["content"])

    def test_before_going_live_the_record_shows_the_approved_window(self):
        self.assertFalse(self.page.live)
        record = build_record(self.page)
        self.assertTrue(record.is_scheduled)
        self.assertIsNone(record.published_at)
        self.assertEqual(record.go_live_at, self.go_live_at)
        self.assertEqual(record.window_start, self.go_live_at)
        self.assertEqual(record.expire_at, self.expire_at)
        self.assertEqual(record.operator_published_at, bangkok(2026, 3, 20, 11))
        # Listed in the month it goes live, not the month it was approved.
        access = record_access(self.operator)
        self.assertFalse(publications_for(access=access, **MARCH).exists())
        self.assertFalse(publications_for(access=access, **APRIL).exists())

    def test_once_live_it_is_listed_in_its_month_with_the_window(self):
        run_scheduler(bangkok(2026, 4, 1, 8, 1))
        self.page.refresh_from_db()
        self.assertTrue(self.page.live)
        (row,) = publication_rows(publications_for(access=record_access(self.operator), **APRIL))
        record = row.record
        self.assertEqual(record.published_at, bangkok(2026, 4, 1, 8, 1))
        self.assertEqual(row.published_by, "ระบบ (ตามเวลาที่กำหนด)")
        self.assertEqual(record.operator, Signatory(name="วิชัย ดูแลเว็บ", username="wichai"))
        self._clear_schedule_from_revision()
        record = build_record(self.page)
        self.assertFalse(record.is_scheduled)
        self.assertEqual(record.window_start, self.go_live_at)

    def test_after_it_came_down_the_record_still_shows_the_end(self):
        run_scheduler(bangkok(2026, 4, 1, 8, 1))
        self.page.refresh_from_db()
        self.assertEqual(build_record(self.page).expire_at, self.expire_at)
        run_scheduler(bangkok(2026, 4, 30, 16, 31))
        self.page.refresh_from_db()
        self.assertFalse(self.page.live)
        self._clear_schedule_from_revision()
        record = build_record(self.page, self.revision)
        self.assertEqual(record.window_start, self.go_live_at)
        # The revision no longer says; the scheduler's audit entry does.
        self.assertEqual(record.expire_at, bangkok(2026, 4, 30, 16, 31))

    def test_the_printed_record_shows_the_window(self):
        log_in(self.client, self.supervisor)
        response = self.client.get(reverse("publishing_records:detail", args=[self.revision.pk]))
        self.assertContains(response, "ตั้งแต่ ๑ เมษายน ๒๕๖๙ เวลา ๐๘.๐๐ น.")
        self.assertContains(response, "ถึง ๓๐ เมษายน ๒๕๖๙ เวลา ๑๖.๓๐ น.")
        self.assertContains(response, "กำหนดเผยแพร่")


# --- Listing, printing, permissions ---------------------------------------------------------
class RecordListingTests(TownTestCase):
    """Finance publishes in March and April; the office publishes in March."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.finance_march = draft(cls.procurement, cls.preparer, "ประกาศจัดซื้อเดือนมีนาคม")
        cls.finance_april = draft(cls.procurement, cls.preparer, "ประกาศจัดซื้อเดือนเมษายน")
        cls.office_march = draft(cls.activities, cls.office_preparer, "กิจกรรมวันเด็ก")
        finance_staff = {
            "preparer": cls.preparer,
            "supervisor": cls.supervisor,
            "operator": cls.operator,
        }
        cls.finance_march_revision = publish_through_workflow(
            cls.finance_march, **finance_staff, submitted_at=bangkok(2026, 3, 31, 20)
        )
        cls.finance_april_revision = publish_through_workflow(
            cls.finance_april, **finance_staff, submitted_at=bangkok(2026, 4, 2)
        )
        cls.office_march_revision = publish_through_workflow(
            cls.office_march,
            preparer=cls.office_preparer,
            supervisor=cls.office_supervisor,
            operator=cls.operator,
            submitted_at=bangkok(2026, 3, 15),
        )

    def titles(self, user, month: dict, division=None) -> list[str]:
        entries = publications_for(access=record_access(user), **month, division=division)
        return [row.title for row in publication_rows(entries)]

    def test_filters_by_division_and_month_in_bangkok_time(self):
        # Published 22.00 on 31 March Bangkok time (15.00 UTC): March.
        self.assertEqual(self.titles(self.operator, MARCH, self.finance), ["ประกาศจัดซื้อเดือนมีนาคม"])
        self.assertEqual(self.titles(self.operator, APRIL, self.finance), ["ประกาศจัดซื้อเดือนเมษายน"])
        # The office owns the whole site except the section finance owns within it.
        self.assertEqual(self.titles(self.operator, MARCH, self.office), ["กิจกรรมวันเด็ก"])
        self.assertEqual(
            self.titles(self.operator, MARCH),
            ["ประกาศจัดซื้อเดือนมีนาคม", "กิจกรรมวันเด็ก"],
        )

    def test_a_division_member_lists_only_their_divisions(self):
        self.assertEqual(self.titles(self.office_supervisor, MARCH), ["กิจกรรมวันเด็ก"])
        self.assertEqual(self.titles(self.preparer, MARCH), ["ประกาศจัดซื้อเดือนมีนาคม"])
        self.assertEqual(self.titles(self.it_administrator, MARCH), [])

    def test_the_admin_listing_filters_and_links_each_record_and_its_pdf(self):
        log_in(self.client, self.operator)
        response = self.client.get(
            reverse("publishing_records:index"),
            {"division": self.finance.pk, "year": 2569, "month": 3},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ประกาศจัดซื้อเดือนมีนาคม")
        self.assertNotContains(response, "ประกาศจัดซื้อเดือนเมษายน")
        self.assertNotContains(response, "กิจกรรมวันเด็ก")
        revision_id = self.finance_march_revision.pk
        self.assertContains(response, reverse("publishing_records:detail", args=[revision_id]))
        self.assertContains(response, reverse("publishing_records:pdf", args=[revision_id]))

    def outcome(self, url: str) -> str:
        """ "shown", "denied" (Wagtail's admin sends the user home with a message) or "login"."""
        response = self.client.get(url)
        if response.status_code == 200:
            return "shown"
        self.assertEqual(response.status_code, 302)
        if response["Location"] == reverse("wagtailadmin_home"):
            return "denied"
        self.assertIn(reverse("wagtailadmin_login"), response["Location"])
        return "login"

    def test_the_menu_shows_the_records_to_staff_who_may_see_them(self):
        index = reverse("publishing_records:index")
        log_in(self.client, self.supervisor)
        self.assertContains(self.client.get(reverse("wagtailadmin_home")), f'"url": "{index}"')
        self.client.logout()
        log_in(self.client, self.it_administrator)
        self.assertNotContains(self.client.get(reverse("wagtailadmin_home")), index)

    def test_who_may_open_a_record(self):
        """Operators and superusers: all; division preparers and supervisors: their own."""
        finance = self.finance_march_revision.pk
        office = self.office_march_revision.pk
        urls = [
            reverse("publishing_records:index"),
            reverse("publishing_records:detail", args=[finance]),
            reverse("publishing_records:pdf", args=[finance]),
            reverse("publishing_records:detail", args=[office]),
            reverse("publishing_records:pdf", args=[office]),
        ]
        shown, denied = "shown", "denied"
        expected = {
            self.operator: [shown, shown, shown, shown, shown],
            self.superuser: [shown, shown, shown, shown, shown],
            self.supervisor: [shown, shown, shown, denied, denied],
            self.preparer: [shown, shown, shown, denied, denied],
            self.office_supervisor: [shown, denied, denied, shown, shown],
            self.it_administrator: [denied, denied, denied, denied, denied],
            None: ["login"] * 5,
        }
        for user, outcomes in expected.items():
            with self.subTest(user=user and user.username):
                self.client.logout()
                if user is not None:
                    log_in(self.client, user)
                self.assertEqual([self.outcome(url) for url in urls], outcomes)

    def test_the_html_record_is_an_official_thai_document(self):
        log_in(self.client, self.supervisor)
        response = self.client.get(
            reverse("publishing_records:detail", args=[self.finance_march_revision.pk])
        )
        self.assertContains(response, f"<h1>{FORM_TITLE}</h1>", html=True)
        self.assertContains(response, MUNICIPALITY)
        self.assertContains(response, "กองคลัง")
        self.assertContains(response, "สมชาย ใจดี")
        self.assertContains(response, "ตรวจสอบความถูกต้องของข้อมูลแล้ว")
        # Attested 20.00, approved 21.00, published 22.00 on 31 March 2569.
        self.assertContains(response, "๓๑ มีนาคม ๒๕๖๙ เวลา ๒๐.๐๐ น.")
        self.assertContains(response, "๓๑ มีนาคม ๒๕๖๙ เวลา ๒๑.๐๐ น.")
        self.assertContains(response, "๓๑ มีนาคม ๒๕๖๙ เวลา ๒๒.๐๐ น.")
        self.assertContains(response, "fonts/sarabun/sarabun-thai-400-normal.woff2")
        self.assertContains(response, "size: A4")

    def test_the_pdf_is_a_real_pdf_in_sarabun_with_the_thai_title(self):
        log_in(self.client, self.preparer)
        revision_id = self.finance_march_revision.pk
        response = self.client.get(reverse("publishing_records:pdf", args=[revision_id]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="publication-record-finance-2569-03-31-{revision_id}.pdf"',
        )
        assert_real_pdf_in_sarabun(self, response.content)
        self.assertTrue(pdf_title(response.content).startswith(FORM_TITLE))
        self.assertIn("ประกาศจัดซื้อเดือนมีนาคม", pdf_title(response.content))

    def test_a_months_records_of_a_division_come_as_one_pdf(self):
        # A second finance item in March, so the bundle has two forms.
        second = draft(self.procurement, self.preparer, "ประกาศผลการจัดซื้อ")
        publish_through_workflow(
            second,
            preparer=self.preparer,
            supervisor=self.supervisor,
            operator=self.operator,
            submitted_at=bangkok(2026, 3, 2),
        )
        log_in(self.client, self.supervisor)
        # On a machine with a Sarabun of its own (many Thai government PCs), the shipped one.
        with another_sarabun_installed():
            response = self.client.get(
                reverse("publishing_records:month_pdf"),
                {"division": self.finance.pk, "year": 2569, "month": 3},
            )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="publication-records-finance-2569-03.pdf"',
        )
        assert_real_pdf_in_sarabun(self, response.content)
        self.assertEqual(pdf_page_count(response.content), 2)
        self.assertIn("กองคลัง มีนาคม 2569", pdf_title(response.content))

    def test_a_month_without_records_gives_no_pdf(self):
        log_in(self.client, self.supervisor)
        response = self.client.get(
            reverse("publishing_records:month_pdf"),
            {"division": self.finance.pk, "year": 2569, "month": 5},
        )
        self.assertEqual(response.status_code, 302)


class ListingQueryCountTests(TownTestCase):
    """A page of 50 publications is read in a fixed number of queries."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for number in range(10):
            page = draft(cls.procurement, cls.preparer, f"ประกาศผ่านขั้นตอน {number}")
            publish_through_workflow(
                page,
                preparer=cls.preparer,
                supervisor=cls.supervisor,
                operator=cls.operator,
                submitted_at=bangkok(2026, 3, 1 + number),
            )
        for number in range(40):
            page = draft(cls.activities, cls.superuser, f"ประกาศเผยแพร่ตรง {number}")
            publish_directly(page, cls.superuser, at=bangkok(2026, 3, 12, 8, number))

    @pytest.fixture(autouse=True)
    def _query_counter(self, django_assert_max_num_queries):
        self.assert_max_num_queries = django_assert_max_num_queries

    def test_building_fifty_rows_takes_a_fixed_number_of_queries(self):
        access = record_access(self.operator)
        with self.assert_max_num_queries(8):
            rows = publication_rows(publications_for(access=access, **MARCH)[:50])
        self.assertEqual(len(rows), 50)
        self.assertEqual(sum(row.has_record for row in rows), 10)

    def test_the_admin_listing_of_fifty_rows(self):
        log_in(self.client, self.operator)
        url = reverse("publishing_records:index")
        with self.assert_max_num_queries(30):
            response = self.client.get(url, {"year": 2569, "month": 3})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ประกาศผ่านขั้นตอน 9")
        self.assertContains(response, "ประกาศเผยแพร่ตรง 39")
