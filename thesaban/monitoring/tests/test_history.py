"""A finding's history in Wagtail's audit log: the check's bulk entries and the staff's."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.utils import timezone
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry, Page, Site

from thesaban.monitoring import history, services
from thesaban.monitoring.models import Finding
from thesaban.pages.models import HomePage, SectionPage

from .factories import CheckRunFactory, FindingFactory
from .test_services import SiteCheckTestCase


class FindingHistoryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-history"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
        )
        cls.section = home.add_child(instance=SectionPage(title="งานช่าง", slug="works"))
        cls.staff = get_user_model().objects.create_user(username="works", password="x")
        cls.check_run = CheckRunFactory()
        cls.first_seen = timezone.now() - timedelta(days=3)
        cls.findings = [
            FindingFactory(
                page=cls.section,
                target_url=f"https://gone.example/{n}",
                first_seen_at=cls.first_seen,
            )
            for n in range(3)
        ]

    def entries(self, action=None):
        entries = ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Finding)
        ).order_by("object_id")
        return entries.filter(action=action) if action else entries


class RegisteredActionsTests(FindingHistoryTestCase):
    def test_every_action_has_a_thai_label(self):
        labels = dict(registry.get_choices())
        self.assertEqual(labels[history.OPENED], "ข้อบกพร่อง: พบใหม่")
        self.assertEqual(labels[history.RESOLVED], "ข้อบกพร่อง: ไม่พบแล้ว")
        self.assertEqual(labels[history.FIXED], "ข้อบกพร่อง: แจ้งว่าแก้ไขแล้ว")
        self.assertEqual(labels[history.STILL_THERE], "ข้อบกพร่อง: แจ้งว่าแก้ไขแล้วแต่ยังพบอยู่")
        self.assertEqual(labels[history.ACCEPTED], "ข้อบกพร่อง: ยอมรับได้")


class LogOpenedTests(FindingHistoryTestCase):
    def test_one_entry_per_finding_in_one_insert_dated_when_first_seen(self):
        ContentType.objects.get_for_model(Finding)  # cached, as it is in a running worker
        with self.assertNumQueries(1):
            written = history.log_opened(self.findings)
        self.assertEqual(written, 3)
        entries = list(self.entries())
        self.assertEqual(
            [entry.object_id for entry in entries], sorted(str(f.pk) for f in self.findings)
        )
        entry = entries[0]
        self.assertEqual(entry.action, history.OPENED)
        self.assertEqual(entry.timestamp, self.first_seen)
        self.assertEqual(entry.label, "ลิงก์เสีย: https://gone.example/0")
        self.assertEqual(entry.data, {"severity": "medium", "detail": "HTTP 404"})
        self.assertIsNone(entry.user)
        self.assertEqual(entry.message, "การตรวจเว็บไซต์พบข้อบกพร่องนี้ (HTTP 404)")

    def test_nothing_to_log(self):
        with self.assertNumQueries(0):
            self.assertEqual(history.log_opened([]), 0)


class LogResolvedTests(FindingHistoryTestCase):
    def resolve(self, findings, user=None):
        resolved_at = timezone.now()
        Finding.objects.filter(pk__in=[f.pk for f in findings]).update(
            status=Finding.Status.RESOLVED, resolved_at=resolved_at, resolved_by=user
        )
        return resolved_at

    def test_the_run_s_resolutions_are_logged_in_bulk_dated_when_resolved(self):
        resolved_at = self.resolve(self.findings[:2])
        ContentType.objects.get_for_model(Finding)
        with self.assertNumQueries(2):  # read the findings, write the entries
            written = history.log_resolved([f.pk for f in self.findings[:2]], run=self.check_run)
        self.assertEqual(written, 2)
        entries = list(self.entries(history.RESOLVED))
        self.assertEqual(len(entries), 2)
        self.assertEqual({entry.timestamp for entry in entries}, {resolved_at})
        self.assertEqual(entries[0].data, {"run": self.check_run.pk})
        self.assertIsNone(entries[0].user)
        self.assertEqual(entries[0].message, "การตรวจเว็บไซต์ไม่พบข้อบกพร่องนี้แล้ว")

    def test_a_person_s_check_again_is_theirs(self):
        self.resolve(self.findings[:1], user=self.staff)
        history.log_resolved([self.findings[0].pk], user=self.staff)
        [entry] = self.entries(history.RESOLVED)
        self.assertEqual(entry.user, self.staff)
        self.assertEqual(entry.data, {})
        self.assertEqual(entry.message, "ตรวจหน้าอีกครั้งแล้วไม่พบข้อบกพร่องนี้แล้ว")

    def test_the_finding_being_marked_fixed_is_logged_as_fixed_by_that_person(self):
        """A re-check resolves everything gone from the page at once; the one the person
        marked fixed has one entry, FIXED, by them; the others are RESOLVED."""
        marked, other, _untouched = self.findings
        self.resolve([marked, other], user=self.staff)
        history.log_resolved([marked.pk, other.pk], user=self.staff, fixed=marked)
        self.assertEqual(
            {(entry.object_id, entry.action) for entry in self.entries()},
            {(str(marked.pk), history.FIXED), (str(other.pk), history.RESOLVED)},
        )
        # Without `fixed`, nothing is special.
        history.log_resolved([marked.pk])
        self.assertEqual(self.entries(history.RESOLVED).count(), 2)

    def test_nothing_to_log(self):
        with self.assertNumQueries(0):
            self.assertEqual(history.log_resolved([]), 0)


class StaffActionsTests(FindingHistoryTestCase):
    def test_accepting_logs_the_reason(self):
        finding = self.findings[0]
        services.accept_finding(finding=finding, user=self.staff, reason="  ปลายทางปิดชั่วคราว ")
        [entry] = history.entries_for([finding])
        self.assertEqual(entry.action, history.ACCEPTED)
        self.assertEqual(entry.user, self.staff)
        self.assertEqual(entry.data, {"reason": "ปลายทางปิดชั่วคราว"})
        self.assertEqual(entry.message, "ยอมรับข้อบกพร่องนี้ เหตุผล: ปลายทางปิดชั่วคราว")

    def test_accepting_without_a_reason_logs_nothing(self):
        with self.assertRaises(ValueError):
            services.accept_finding(finding=self.findings[0], user=self.staff, reason=" ")
        self.assertFalse(self.entries().exists())

    def test_mark_fixed_when_gone_logs_fixed_once(self):
        """The page no longer has the link: resolved by the person, one FIXED entry."""
        finding = self.findings[0]
        self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        entries = list(history.entries_for([finding]))
        self.assertEqual([(e.action, e.user) for e in entries], [(history.FIXED, self.staff)])
        self.assertEqual(entries[0].message, "แจ้งว่าแก้ไขแล้ว และตรวจอีกครั้งไม่พบข้อบกพร่องนี้แล้ว")

    def test_mark_fixed_on_a_finding_of_no_page(self):
        finding = FindingFactory(page=None)
        self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        [entry] = history.entries_for([finding])
        self.assertEqual((entry.action, entry.user), (history.FIXED, self.staff))

    def test_entries_for_lists_newest_first(self):
        finding = self.findings[0]
        history.log_opened([finding])
        services.accept_finding(finding=finding, user=self.staff, reason="ชั่วคราว")
        self.assertEqual(
            [entry.action for entry in history.entries_for([finding])],
            [history.ACCEPTED, history.OPENED],
        )
        self.assertEqual(list(history.entries_for([self.findings[1]])), [])


class CheckWritesHistoryTests(SiteCheckTestCase):
    """The daily run and "ตรวจอีกครั้ง" write the history as they open and close findings."""

    def actions(self, finding):
        return [(e.action, e.user) for e in reversed(list(history.entries_for([finding])))]

    def test_a_run_logs_what_it_opens_and_what_it_no_longer_sees(self):
        self.set_body(f'<p><a href="{self.server.url}/missing/five">x</a></p>')
        self.run_check()
        finding = self.finding()
        self.assertEqual(self.actions(finding), [(history.OPENED, None)])
        self.run_check()  # seen again: nothing new to say
        self.assertEqual(self.actions(finding), [(history.OPENED, None)])
        self.set_body("<p>ไม่มีลิงก์แล้ว</p>")
        self.run_check()
        self.assertEqual(self.actions(finding), [(history.OPENED, None), (history.RESOLVED, None)])

    def test_check_again_logs_the_person_s_resolution(self):
        self.set_body(f'<p><a href="{self.server.url}/missing/five">x</a></p>')
        self.run_check()
        finding = self.finding()
        self.set_body("<p>ไม่มีลิงก์แล้ว</p>")
        services.check_page(page=self.page, user=self.staff)
        self.assertEqual(
            self.actions(finding), [(history.OPENED, None), (history.RESOLVED, self.staff)]
        )

    def test_mark_fixed_still_there_is_on_record(self):
        self.set_body(f'<p><a href="{self.server.url}/missing/five">x</a></p>')
        self.run_check()
        finding = self.finding()
        self.assertFalse(services.mark_fixed(finding=finding, user=self.staff))
        self.assertEqual(
            self.actions(finding), [(history.OPENED, None), (history.STILL_THERE, self.staff)]
        )
