"""The admin report of what starts or ends publication in the next 30 days."""

from datetime import datetime, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory, TestCase
from django.urls import reverse
from wagtail import hooks
from wagtail.models import Page, Site

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups
from thesaban.accounts.testing import log_in
from thesaban.core.thai_dates import BANGKOK, format_thai_datetime
from thesaban.pages.models import NewsPage
from thesaban.pages.services import ensure_site_structure
from thesaban.pages.tests.factories import PersonFactory
from thesaban.publishing.reports import can_view_publication_schedule
from thesaban.publishing.windows import ChangeKind, scheduled_changes

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=BANGKOK)
REPORT_URL = "/admin/reports/publication-schedule/"


def approved_news(index: Page, title: str, *, go_live_at=None, expire_at=None) -> NewsPage:
    page = NewsPage(title=title, live=False, go_live_at=go_live_at, expire_at=expire_at)
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


def staff(username: str, *groups: Group):
    user = get_user_model().objects.create_user(username, password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(*groups)
    return user


class PublicationScheduleReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()
        cls.procurement = Page.objects.get(url_path="/home/news/procurement/")
        cls.press = Page.objects.get(url_path="/home/news/press/")
        cls.finance = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
        )
        cls.finance.sections.add(cls.procurement)
        cls.supervisors = Group.objects.create(name="กองคลัง · ผู้บังคับบัญชา (ทดสอบ)")
        cls.preparers = Group.objects.create(name="กองคลัง · ผู้จัดทำข้อมูล (ทดสอบ)")
        Division.objects.filter(pk=cls.finance.pk).update(
            supervisors=cls.supervisors, preparers=cls.preparers
        )
        operators = ensure_role_groups(site=Site.objects.get(is_default_site=True))["web_operator"]
        cls.supervisor = staff("supervisor", cls.supervisors)
        cls.preparer = staff("preparer", cls.preparers)
        cls.operator = staff("operator", operators)
        cls.superuser = get_user_model().objects.create_superuser("root", password="x")
        with time_machine.travel(NOW, tick=False):
            cls.tender = approved_news(
                cls.procurement, "ประกาศประกวดราคาซ่อมถนน", go_live_at=NOW + timedelta(days=10)
            )
            cls.festival = approved_news(
                cls.press, "ข่าวงานประจำปี", expire_at=NOW + timedelta(days=20, hours=3)
            )
            cls.later_start = approved_news(
                cls.press, "ข่าวที่เริ่มเผยแพร่เดือนหน้า", go_live_at=NOW + timedelta(days=40)
            )
            cls.later_end = approved_news(
                cls.press, "ข่าวที่สิ้นสุดการเผยแพร่เดือนหน้า", expire_at=NOW + timedelta(days=45)
            )

    def setUp(self):
        clock = time_machine.travel(NOW, tick=False)
        clock.start()
        self.addCleanup(clock.stop)

    def test_changes_of_the_next_30_days_soonest_first(self):
        changes = scheduled_changes(within=timedelta(days=30))
        self.assertEqual(
            [(change.kind, change.title) for change in changes],
            [
                (ChangeKind.GO_LIVE, "ประกาศประกวดราคาซ่อมถนน"),
                (ChangeKind.EXPIRE, "ข่าวงานประจำปี"),
            ],
        )

    def test_a_scheduled_item_with_an_end_in_the_period_shows_both(self):
        approved_news(
            self.press,
            "ประกาศรับสมัครงาน",
            go_live_at=NOW + timedelta(days=2),
            expire_at=NOW + timedelta(days=9),
        )
        changes = [
            (change.kind, change.moment)
            for change in scheduled_changes(within=timedelta(days=30))
            if change.title == "ประกาศรับสมัครงาน"
        ]
        self.assertEqual(
            changes,
            [
                (ChangeKind.GO_LIVE, NOW + timedelta(days=2)),
                (ChangeKind.EXPIRE, NOW + timedelta(days=9)),
            ],
        )

    def test_report_shows_date_kind_title_division_and_editor_link(self):
        log_in(self.client, self.superuser)
        response = self.client.get(REPORT_URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "กำหนดเริ่มและสิ้นสุดการเผยแพร่")
        self.assertContains(response, format_thai_datetime(NOW + timedelta(days=10)))
        self.assertContains(response, "12 มี.ค. 2569 09:00 น.")  # Buddhist Era, Bangkok time
        self.assertContains(response, "เริ่มเผยแพร่")
        # The page title also reads "…สิ้นสุดการเผยแพร่": look at the rows' kinds.
        kinds = {row.kind for row in response.context["object_list"]}
        self.assertIn("สิ้นสุดการเผยแพร่", kinds)
        self.assertContains(response, "ประกาศประกวดราคาซ่อมถนน")
        self.assertContains(response, "กองคลัง")
        self.assertContains(response, reverse("wagtailadmin_pages:edit", args=[self.tender.pk]))
        self.assertContains(response, reverse("wagtailadmin_pages:edit", args=[self.festival.pk]))
        self.assertNotContains(response, "ข่าวที่เริ่มเผยแพร่เดือนหน้า")
        self.assertNotContains(response, "ข่าวที่สิ้นสุดการเผยแพร่เดือนหน้า")

    def test_a_person_leaving_the_personnel_pages_is_listed_with_their_division(self):
        person = PersonFactory(
            name="นางสาวทดสอบ ใจดี", division=self.finance, expire_at=NOW + timedelta(days=5)
        )
        person.save_revision().publish()
        log_in(self.client, self.superuser)
        response = self.client.get(REPORT_URL)
        self.assertContains(response, "นางสาวทดสอบ ใจดี")
        rows = [row for row in response.context["object_list"] if "ใจดี" in row.title]
        self.assertEqual([(row.kind, row.division) for row in rows], [("สิ้นสุดการเผยแพร่", "กองคลัง")])

    def test_report_downloads_as_a_spreadsheet(self):
        log_in(self.client, self.superuser)
        response = self.client.get(REPORT_URL, {"export": "csv"})
        content = b"".join(response.streaming_content).decode()
        self.assertIn("ชื่อเรื่อง", content)
        self.assertIn("ประกาศประกวดราคาซ่อมถนน", content)

    def test_supervisors_and_web_operators_see_it_preparers_do_not(self):
        for user, allowed in (
            (self.supervisor, True),
            (self.operator, True),
            (self.superuser, True),
            (self.preparer, False),
        ):
            with self.subTest(user=user.username):
                self.assertEqual(can_view_publication_schedule(user), allowed)
                self.client.logout()
                log_in(self.client, user)
                response = self.client.get(REPORT_URL)
                if allowed:
                    self.assertEqual(response.status_code, 200)
                else:
                    # Wagtail's answer to PermissionDenied: back to the dashboard, with a message.
                    self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_listed_in_the_reports_menu_for_those_who_may_see_it(self):
        items = [item_hook() for item_hook in hooks.get_hooks("register_reports_menu_item")]
        (item,) = [item for item in items if item.name == "publication-schedule"]
        self.assertEqual(item.url, REPORT_URL)
        request = RequestFactory().get("/admin/")
        request.user = self.supervisor
        self.assertTrue(item.is_shown(request))
        request.user = self.preparer
        self.assertFalse(item.is_shown(request))
