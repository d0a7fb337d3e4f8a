"""The site check's content checks: freshness rules, the workflow, publication windows, files."""

import re
from datetime import date, datetime, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowTask

from thesaban.accounts.models import Division
from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.core.models import Holiday, SiteDocument, SiteImage
from thesaban.core.thai_dates import BANGKOK
from thesaban.monitoring import content_checks, services
from thesaban.monitoring.freshness_rules import SHIPPED_RULES, ensure_freshness_rules
from thesaban.monitoring.models import Finding, FreshnessRule
from thesaban.pages.models import (
    Attachment,
    ContentPage,
    DocumentIndexPage,
    DocumentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    Person,
)
from thesaban.pages.services import ensure_site_structure

Kind = Finding.Kind
Requirement = FreshnessRule.Requirement


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def problems(*, page=None, kind=None, now=None) -> list[tuple[Page | None, object]]:
    """(page, problem) of what the content checks find, optionally of one kind."""
    return [
        (result.page, problem)
        for result in content_checks.find_problems(
            site=Site.objects.get(is_default_site=True), now=now, page=page
        )
        for problem in result.problems
        if kind is None or problem.kind == kind
    ]


# The site record (localhost, port 80) is the public address, as SITE_URL says in production:
# robots.txt and the sitemap agree with it (site_files).
@override_settings(SITE_URL="http://localhost")
class ContentCheckTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="เทศบาลทดสอบ", slug="home-content"))
        cls.site, _created = Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": cls.home},
        )
        cls.plans = cls.home.add_child(instance=DocumentIndexPage(title="แผน", slug="plans"))
        cls.monthly = cls.home.add_child(
            instance=DocumentIndexPage(title="สรุปผลการจัดซื้อจัดจ้างรายเดือน", slug="monthly")
        )
        cls.press = cls.home.add_child(
            instance=NewsIndexPage(title="ข่าวประชาสัมพันธ์", slug="press", kind="press")
        )
        cls.contact = cls.home.add_child(instance=ContentPage(title="ติดต่อเทศบาล", slug="contact"))
        cls.finance = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
        )
        cls.finance.sections.add(cls.plans, cls.monthly, cls.press)
        cls.staff = get_user_model().objects.create_user("preparer", password="x")

    def rule(self, section, requirement=Requirement.PRESENT, **fields) -> FreshnessRule:
        fields.setdefault("name", "รายการทดสอบ")
        return FreshnessRule.objects.create(
            site=self.site, section=section, requirement=requirement, **fields
        )

    def document(self, index, *, fiscal_year: int, day: date | None = None) -> DocumentPage:
        day = day or date(fiscal_year - 544, 10, 1)
        return index.add_child(
            instance=DocumentPage(
                title=f"เอกสาร {fiscal_year} {day}", fiscal_year=fiscal_year, date=day
            )
        )

    @classmethod
    def news(cls, day: date, **fields) -> NewsPage:
        return cls.press.add_child(instance=NewsPage(title=f"ข่าว {day}", date=day, **fields))


class PresentRuleTests(ContentCheckTestCase):
    def test_an_empty_section_is_missing_content_of_its_rule_and_division(self):
        rule = self.rule(self.plans, name="แผนการดำเนินงาน", severity=Finding.Severity.HIGH)
        [(page, problem)] = problems()
        self.assertEqual(page.pk, self.plans.pk)
        self.assertEqual(problem.kind, Kind.MISSING_CONTENT)
        self.assertEqual(problem.severity, Finding.Severity.HIGH)
        self.assertEqual(problem.rule_id, rule.pk)
        self.assertIn("แผนการดำเนินงาน", problem.detail)
        self.assertEqual(problem.target_url, reverse("freshness_rules:edit", args=[rule.pk]))

    def test_a_live_item_satisfies_it_and_a_draft_does_not(self):
        self.rule(self.plans)
        draft = self.document(self.plans, fiscal_year=2569)
        draft.unpublish()
        self.assertEqual(len(problems()), 1)
        self.document(self.plans, fiscal_year=2569)
        self.assertEqual(problems(), [])

    def test_a_content_page_is_its_own_item(self):
        self.rule(self.contact)
        self.assertEqual(len(problems()), 1)
        self.contact.body = [("paragraph", "<p>99 ถนนสุขใจ</p>")]
        self.contact.save_revision().publish()
        self.assertEqual(problems(), [])

    def test_two_rules_on_one_section_are_two_findings(self):
        self.rule(self.plans, name="แผนการดำเนินงาน")
        self.rule(self.plans, name="แผนจัดหาพัสดุ")
        services.run_check(site=self.site)
        findings = Finding.objects.filter(page=self.plans)
        self.assertEqual(findings.count(), 2)
        self.assertEqual(
            set(findings.values_list("rule__name", flat=True)), {"แผนการดำเนินงาน", "แผนจัดหาพัสดุ"}
        )

    def test_a_rule_whose_section_is_gone_or_not_live_is_a_finding_of_no_page(self):
        gone = self.home.add_child(instance=DocumentIndexPage(title="ชั่วคราว", slug="gone"))
        self.rule(gone, name="รายการที่ถูกลบ")
        self.rule(self.plans, name="แผนที่ถอนการเผยแพร่")
        gone.delete()
        self.plans.unpublish()
        found = problems()
        self.assertEqual(len(found), 2)
        self.assertTrue(all(page is None for page, _problem in found))
        self.assertTrue(all(problem.kind == Kind.MISSING_CONTENT for _page, problem in found))
        services.run_check(site=self.site)
        unpublished = Finding.objects.get(rule__name="แผนที่ถอนการเผยแพร่")
        # The section still exists: its division hears of it.
        self.assertEqual(unpublished.division, self.finance)
        self.assertIsNone(Finding.objects.get(rule__name="รายการที่ถูกลบ").division)

    def test_whether_a_finding_of_no_page_is_still_true(self):
        rule = self.rule(None, name="เกณฑ์ที่ยังไม่ได้เลือกหมวด")
        services.run_check(site=self.site)
        finding = Finding.objects.get(rule=rule)
        self.assertIsNone(finding.page)
        self.assertTrue(content_checks.is_still_found(finding))
        FreshnessRule.objects.filter(pk=rule.pk).update(section=self.plans)
        self.document(self.plans, fiscal_year=2569)
        self.assertFalse(content_checks.is_still_found(finding))

    def test_a_rule_switched_off_is_not_judged(self):
        self.rule(self.plans, active=False)
        self.assertEqual(problems(), [])


class RecentRuleTests(ContentCheckTestCase):
    def test_the_newest_item_must_be_no_older_than_the_days_set(self):
        self.rule(self.press, Requirement.RECENT, max_age_days=30)
        self.news(date(2026, 10, 1))
        self.news(date(2026, 9, 1))
        with at(bangkok(2026, 10, 31, 8)):
            self.assertEqual(problems(), [])
        with at(bangkok(2026, 11, 1, 8)):
            [(page, problem)] = problems()
        self.assertEqual(page.pk, self.press.pk)
        self.assertEqual(problem.kind, Kind.STALE_CONTENT)
        self.assertIn("1 ต.ค. 2569", problem.detail)

    def test_no_item_at_all_is_stale_too(self):
        self.rule(self.press, Requirement.RECENT, max_age_days=30)
        [(_page, problem)] = problems()
        self.assertEqual(problem.kind, Kind.STALE_CONTENT)
        self.assertIn("ยังไม่มีรายการ", problem.detail)

    def test_a_recent_rule_needs_its_days(self):
        rule = FreshnessRule(name="ข่าว", section=self.press, requirement=Requirement.RECENT)
        with self.assertRaises(Exception) as raised:
            rule.full_clean()
        self.assertIn("max_age_days", raised.exception.message_dict)


class FiscalYearRuleTests(ContentCheckTestCase):
    def test_the_current_fiscal_year_changes_on_1_october(self):
        """A plan of 2569 is current on 30 September 2569 and not on 1 October."""
        self.rule(self.plans, Requirement.FISCAL_YEAR, name="แผนการดำเนินงาน")
        self.document(self.plans, fiscal_year=2569)
        with at(bangkok(2026, 9, 30, 23, 59)):
            self.assertEqual(problems(), [])
        with at(bangkok(2026, 10, 1, 0, 1)):
            [(page, problem)] = problems()
        self.assertEqual(page.pk, self.plans.pk)
        self.assertEqual(problem.kind, Kind.MISSING_CONTENT)
        self.assertIn("ปีงบประมาณ พ.ศ. 2570", problem.detail)
        self.document(self.plans, fiscal_year=2570)
        with at(bangkok(2026, 10, 1, 0, 1)):
            self.assertEqual(problems(), [])

    def test_grace_days_keep_last_years_plan_good_enough_until_the_deadline(self):
        self.rule(self.plans, Requirement.FISCAL_YEAR, grace_days=30)
        self.document(self.plans, fiscal_year=2569)
        with at(bangkok(2026, 10, 30, 12)):
            self.assertEqual(problems(), [])
        with at(bangkok(2026, 10, 31, 12)):
            [(_page, problem)] = problems()
        self.assertIn("30 ต.ค. 2569", problem.detail)  # the deadline

    def test_a_report_of_the_previous_fiscal_year(self):
        self.rule(
            self.plans,
            Requirement.FISCAL_YEAR,
            fiscal_year=FreshnessRule.Period.PREVIOUS,
            grace_days=90,
        )
        self.document(self.plans, fiscal_year=2568)
        with at(bangkok(2026, 12, 29, 12)):  # 2569's report is due 29 December
            self.assertEqual(problems(), [])
        with at(bangkok(2026, 12, 30, 12)):
            [(_page, problem)] = problems()
            self.assertIn("ปีงบประมาณ พ.ศ. 2569", problem.detail)
            self.document(self.plans, fiscal_year=2569)
            self.assertEqual(problems(), [])

    def test_news_count_for_the_fiscal_year_of_their_date(self):
        self.rule(self.press, Requirement.FISCAL_YEAR)
        self.news(date(2026, 9, 30))
        with at(bangkok(2026, 10, 2, 9)):
            self.assertEqual(len(problems()), 1)
            self.news(date(2026, 10, 1))
            self.assertEqual(problems(), [])


class MonthlyRuleTests(ContentCheckTestCase):
    def test_last_months_summary_is_due_by_the_15th(self):
        """On 15 December October's summary is due, on 16 December November's too."""
        self.rule(self.monthly, Requirement.MONTHLY, grace_days=15, name="สรุปผล สขร.๑")
        self.document(self.monthly, fiscal_year=2570, day=date(2026, 11, 5))
        with at(bangkok(2026, 12, 15, 18)):
            self.assertEqual(problems(), [])
        with at(bangkok(2026, 12, 16, 8)):
            [(page, problem)] = problems()
        self.assertEqual(page.pk, self.monthly.pk)
        self.assertEqual(problem.kind, Kind.MISSING_CONTENT)
        self.assertIn("มี 1 รายการ แต่ถึงกำหนดแล้ว 2 เดือน", problem.detail)
        self.assertIn("พฤศจิกายน 2569", problem.detail)

    def test_the_last_month_of_a_fiscal_year_counts_that_year(self):
        """Until 15 October, September's summary (of the year just ended) is what is due."""
        self.rule(self.monthly, Requirement.MONTHLY, grace_days=15)
        for _month in range(11):
            self.document(self.monthly, fiscal_year=2569, day=date(2025, 11, 1))
        with at(bangkok(2026, 10, 15, 12)):
            self.assertEqual(problems(), [])  # August was the last month due: 11 of 11
        with at(bangkok(2026, 10, 16, 12)):
            [(_page, problem)] = problems()
            self.assertIn("แต่ถึงกำหนดแล้ว 12 เดือน", problem.detail)


class RuleFindingLifeTests(ContentCheckTestCase):
    def test_a_rule_finding_closes_by_itself_when_the_content_comes(self):
        rule = self.rule(self.plans, Requirement.FISCAL_YEAR, name="แผนการดำเนินงาน")
        with at(bangkok(2026, 11, 2, 6)):
            run = services.run_check(site=self.site)
            finding = Finding.objects.get(rule=rule)
            self.assertEqual(finding.page_id, self.plans.pk)
            self.assertEqual(finding.division, self.finance)
            self.assertEqual(finding.kind, Kind.MISSING_CONTENT)
            self.assertEqual(run.findings_opened, 1)
        with at(bangkok(2026, 11, 3, 6)):
            # "Check again" on the section while the plan is still missing keeps it open.
            services.check_page(page=self.plans)
            finding.refresh_from_db()
            self.assertEqual(finding.status, Finding.Status.OPEN)
            services.run_check(site=self.site)
            finding.refresh_from_db()
            self.assertEqual(finding.status, Finding.Status.OPEN)
            self.assertEqual(Finding.objects.count(), 1)  # the same finding, seen again
        with at(bangkok(2026, 11, 4, 6)):
            self.document(self.plans, fiscal_year=2570)
            run = services.run_check(site=self.site)
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertEqual(finding.time_to_resolve, timedelta(days=2))
        self.assertEqual(run.findings_closed, 1)

    def test_marked_fixed_once_the_content_is_there_it_is_resolved_at_once(self):
        """Marked fixed ("แก้ไขแล้ว ตรวจอีกครั้ง"), a rule's finding is judged again at once:
        still missing, it stays open; once the plan is published, resolved by that person."""
        rule = self.rule(self.plans, Requirement.FISCAL_YEAR, name="แผนการดำเนินงาน")
        with at(bangkok(2026, 11, 2, 6)):
            services.run_check(site=self.site)
            finding = Finding.objects.get(rule=rule)
            self.assertFalse(services.mark_fixed(finding=finding, user=self.staff))
            self.document(self.plans, fiscal_year=2570)
            self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertEqual(finding.resolved_by, self.staff)


class WorkflowOverdueTests(ContentCheckTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Holiday.objects.create(date=date(2026, 3, 3), name="วันมาฆบูชา")
        cls.workflow = Workflow.objects.create(name="ทดสอบ")
        cls.task = GroupApprovalTask.objects.create(name="ผู้บังคับบัญชาพิจารณา")
        WorkflowTask.objects.create(workflow=cls.workflow, task=cls.task, sort_order=0)
        cls.item = cls.news(date(2026, 2, 27))

    def submit(self, obj, moment: datetime) -> None:
        with at(moment):
            obj.save_revision(user=self.staff)
            self.workflow.start(obj, self.staff)

    def test_waiting_more_working_days_than_allowed_across_a_weekend_and_a_holiday(self):
        """Sent on Friday 27 February: Monday, (Tuesday's holiday), Wednesday and Thursday
        make three working days, not yet too many; Friday is the fourth."""
        self.submit(self.item, bangkok(2026, 2, 27, 15))
        with self.settings(THESABAN_WORKFLOW_MAX_WORKING_DAYS=3):
            self.assertEqual(problems(now=bangkok(2026, 3, 5, 17)), [])
            [(page, problem)] = problems(now=bangkok(2026, 3, 6, 8))
        self.assertEqual(page.pk, self.item.pk)
        self.assertEqual(problem.kind, Kind.WORKFLOW_OVERDUE)
        self.assertIn("ผู้บังคับบัญชาพิจารณา", problem.detail)
        self.assertIn("27 ก.พ. 2569 15:00 น.", problem.detail)
        self.assertIn("4 วันทำการ", problem.detail)

    def test_check_again_keeps_it_and_the_next_step_starts_the_count_again(self):
        self.submit(self.item, bangkok(2026, 2, 27, 15))
        with at(bangkok(2026, 3, 9, 8)):
            services.run_check(site=self.site)
            finding = Finding.objects.get(kind=Kind.WORKFLOW_OVERDUE)
            self.assertEqual(finding.page_id, self.item.pk)
            self.assertEqual(finding.division, self.finance)
            services.check_page(page=self.item)
            finding.refresh_from_db()
            self.assertEqual(finding.status, Finding.Status.OPEN)
            self.item.current_workflow_state.cancel(user=self.staff)
            services.run_check(site=self.site)
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.RESOLVED)

    def test_a_snippet_waiting_goes_to_its_division(self):
        person = Person.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="นางสาวขยัน ทำงาน",
            position="นักวิชาการเงินและบัญชี",
            group="staff",
            division=self.finance,
        )
        self.submit(person, bangkok(2026, 2, 27, 15))
        [result] = [
            result
            for result in content_checks.find_problems(site=self.site, now=bangkok(2026, 3, 9, 8))
            if result.page is None
        ]
        self.assertEqual(result.division, self.finance)
        [problem] = result.problems
        self.assertEqual(problem.kind, Kind.WORKFLOW_OVERDUE)
        self.assertIn("นางสาวขยัน ทำงาน", problem.detail)
        self.assertEqual(problem.target_url, f"/admin/snippets/pages/person/edit/{person.pk}/")


class ScheduleTests(ContentCheckTestCase):
    def test_a_start_that_did_not_fire(self):
        start = bangkok(2026, 3, 2, 9)
        with at(start - timedelta(days=1)):
            page = self.news(date(2026, 3, 2), live=False, go_live_at=start)
            page.save_revision().publish()  # approved: scheduled, not live
        self.assertEqual(problems(kind=Kind.SCHEDULE_MISSED, now=start + timedelta(minutes=5)), [])
        [(found_page, problem)] = problems(
            kind=Kind.SCHEDULE_MISSED, now=start + timedelta(minutes=11)
        )
        self.assertEqual(found_page.pk, page.pk)
        self.assertEqual(problem.severity, Finding.Severity.HIGH)
        self.assertIn("2 มี.ค. 2569 09:00 น.", problem.detail)
        self.assertIn("ยังไม่ได้เผยแพร่", problem.detail)

    def test_an_end_that_did_not_fire_and_ends_coming_within_seven_days(self):
        now = bangkok(2026, 3, 2, 9)
        overdue = self.news(date(2026, 2, 1), expire_at=now - timedelta(minutes=30))
        soon = self.news(date(2026, 2, 2), expire_at=now + timedelta(days=3))
        self.news(date(2026, 2, 3), expire_at=now + timedelta(days=8))
        found = {(page.pk, problem.kind): problem for page, problem in problems(now=now)}
        self.assertEqual(
            set(found), {(overdue.pk, Kind.SCHEDULE_MISSED), (soon.pk, Kind.EXPIRING_SOON)}
        )
        self.assertIn("แต่ยังเผยแพร่อยู่", found[(overdue.pk, Kind.SCHEDULE_MISSED)].detail)
        self.assertEqual(found[(soon.pk, Kind.EXPIRING_SOON)].severity, Finding.Severity.LOW)
        self.assertIn("5 มี.ค. 2569 09:00 น.", found[(soon.pk, Kind.EXPIRING_SOON)].detail)


class FileTests(ContentCheckTestCase):
    @staticmethod
    def make_document(title: str, description: str) -> SiteDocument:
        document = SiteDocument(title=title, description=description)
        document.file.save("test.pdf", ContentFile(b"%PDF-1.4"), save=False)
        document.save()
        return document

    @staticmethod
    def make_image(title: str, alt: str) -> SiteImage:
        return SiteImage.objects.create(title=title, description=alt, file=get_test_image_file())

    def test_a_document_without_description_is_found_on_the_page_it_is_attached_to(self):
        page = self.document(self.plans, fiscal_year=2569)
        bare = self.make_document("แผนการดำเนินงาน 2569", "")
        described = self.make_document("แผนจัดหาพัสดุ 2569", "แผนจัดหาพัสดุประจำปี")
        page.attachments.add(Attachment(document=bare), Attachment(document=described))
        page.save()
        [(found_page, problem)] = problems(kind=Kind.DOCUMENT_METADATA)
        self.assertEqual(found_page.pk, page.pk)
        self.assertEqual(problem.severity, Finding.Severity.LOW)
        self.assertIn("ไม่มีคำอธิบาย", problem.detail)
        self.assertEqual(problem.target_url, reverse("wagtaildocs:edit", args=[bare.pk]))
        self.assertEqual(len(problems(page=page)), 1)

    def test_a_document_no_page_uses_and_one_without_title(self):
        self.make_document("  ", "ไฟล์ที่ไม่มีชื่อ")
        [(page, problem)] = problems(kind=Kind.DOCUMENT_METADATA)
        self.assertIsNone(page)
        self.assertEqual(problem.severity, Finding.Severity.MEDIUM)
        self.assertIn("ไม่มีชื่อเอกสาร", problem.detail)

    def test_images_without_alt_text_by_where_they_are_used(self):
        in_news = self.make_image("ภาพข่าว", "")
        photo = self.make_image("รูปถ่าย", " ")
        self.make_image("ภาพในคลัง", "")
        self.make_image("ภาพที่มีคำอธิบาย", "นายกเทศมนตรีมอบถุงยังชีพ")
        news = self.news(date(2026, 3, 1), listing_image=in_news)
        Person.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="นายพัสดุ ถูกต้อง",
            position="เจ้าพนักงานพัสดุ",
            group="staff",
            division=self.finance,
            photo=photo,
        )
        results = [
            result for result in content_checks.find_problems(site=self.site) if result.problems
        ]
        by_owner = {
            (result.page.pk if result.page else None, result.division): result.problems
            for result in results
        }
        self.assertEqual(set(by_owner), {(news.pk, None), (None, self.finance), (None, None)})
        for found in by_owner.values():
            [problem] = found
            self.assertEqual(problem.kind, Kind.IMAGE_ALT)
        self.assertIn("ภาพข่าว", by_owner[(news.pk, None)][0].detail)
        services.run_check(site=self.site)
        self.assertEqual(
            Finding.objects.get(kind=Kind.IMAGE_ALT, target_url__endswith=f"/{photo.pk}/").division,
            self.finance,
        )


class FreshnessRuleAdminTests(ContentCheckTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ensure_role_groups(site=Site.objects.get(is_default_site=True))
        cls.operator = get_user_model().objects.create_user("operator", password="x")
        cls.operator.groups.add(role_group(Site.objects.get(is_default_site=True), "web_operator"))
        cls.finance.refresh_from_db()
        cls.staff.groups.add(cls.finance.preparers)
        cls.press_rule = FreshnessRule.objects.create(
            site=cls.site,
            key="oit-o4-press-news",
            name="ข่าวประชาสัมพันธ์",
            reference="ITA O4",
            section=cls.press,
            requirement=Requirement.RECENT,
            max_age_days=30,
        )

    def form(self, **changes) -> dict:
        data = {
            "name": "ข่าวประชาสัมพันธ์",
            "reference": "ITA O4",
            "section": self.press.pk,
            "requirement": Requirement.RECENT,
            "max_age_days": 30,
            "fiscal_year": 0,
            "grace_days": 0,
            "severity": Finding.Severity.MEDIUM,
            "active": "on",
            "note": "",
        }
        return data | changes

    def test_a_web_operator_edits_a_rule(self):
        log_in(self.client, self.operator)
        url = reverse("freshness_rules:edit", args=[self.press_rule.pk])
        self.assertEqual(self.client.get(reverse("freshness_rules:index")).status_code, 200)
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, self.form(max_age_days=14, note="ทุกสองสัปดาห์"))
        self.assertRedirects(response, reverse("freshness_rules:index"))
        self.press_rule.refresh_from_db()
        self.assertEqual(self.press_rule.max_age_days, 14)
        self.assertEqual(self.press_rule.key, "oit-o4-press-news")  # still the shipped rule

    def test_the_rules_list_says_in_thai_whether_a_rule_is_on(self):
        FreshnessRule.objects.create(
            site=self.site, name="แผนที่เลิกใช้", section=self.plans, active=False
        )
        log_in(self.client, self.operator)
        response = self.client.get(reverse("freshness_rules:index"))
        cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", response.content.decode())
        self.assertIn("ใช้งาน", cells)
        self.assertIn("ปิดใช้งาน", cells)
        self.assertNotIn("True", cells)
        self.assertNotIn("False", cells)

    def test_a_recent_rule_without_days_is_refused(self):
        log_in(self.client, self.operator)
        url = reverse("freshness_rules:edit", args=[self.press_rule.pk])
        response = self.client.post(url, self.form(max_age_days=""))
        self.assertEqual(response.status_code, 200)
        self.press_rule.refresh_from_db()
        self.assertEqual(self.press_rule.max_age_days, 30)

    def test_a_web_operator_adds_a_rule_and_a_shipped_one_cannot_be_deleted(self):
        log_in(self.client, self.operator)
        response = self.client.post(
            reverse("freshness_rules:add"),
            self.form(
                name="แผนจัดหาพัสดุ", requirement=Requirement.FISCAL_YEAR, section=self.plans.pk
            ),
        )
        self.assertRedirects(response, reverse("freshness_rules:index"))
        added = FreshnessRule.objects.get(name="แผนจัดหาพัสดุ")
        self.assertIsNone(added.key)
        # Refused (Wagtail sends the person back with its "no permission" message).
        response = self.client.post(reverse("freshness_rules:delete", args=[self.press_rule.pk]))
        self.assertNotEqual(response.url, reverse("freshness_rules:index"))
        self.assertTrue(FreshnessRule.objects.filter(pk=self.press_rule.pk).exists())
        self.client.post(reverse("freshness_rules:delete", args=[added.pk]))
        self.assertFalse(FreshnessRule.objects.filter(pk=added.pk).exists())

    def test_division_staff_cannot_edit_rules(self):
        log_in(self.client, self.staff)
        url = reverse("freshness_rules:edit", args=[self.press_rule.pk])
        response = self.client.post(url, self.form(max_age_days=365))
        self.assertNotEqual(response.status_code, 200)
        self.press_rule.refresh_from_db()
        self.assertEqual(self.press_rule.max_age_days, 30)


class ShippedRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()

    def test_every_shipped_rule_points_at_a_section_of_the_real_site(self):
        rules = {rule.key: rule for rule in FreshnessRule.objects.select_related("section")}
        self.assertEqual(set(rules), {rule.key for rule in SHIPPED_RULES})
        for shipped in SHIPPED_RULES:
            with self.subTest(shipped.key):
                section = rules[shipped.key].section
                self.assertIsNotNone(section)
                self.assertEqual(section.url_path, f"{self.home.url_path}{shipped.section}/")

    def test_loading_again_adds_nothing_and_keeps_staff_edits(self):
        FreshnessRule.objects.filter(key="oit-o4-press-news").update(max_age_days=14, active=False)
        self.assertEqual(ensure_freshness_rules(home=self.home), [])
        ensure_site_structure()
        rule = FreshnessRule.objects.get(key="oit-o4-press-news")
        self.assertEqual((rule.max_age_days, rule.active), (14, False))
        self.assertEqual(FreshnessRule.objects.count(), len(SHIPPED_RULES))

    def test_an_empty_site_breaks_every_rule_in_a_bounded_number_of_queries(self):
        with at(bangkok(2026, 11, 20, 6)), CaptureQueriesContext(connection) as queries:
            found = problems()
        self.assertEqual(len(found), len(SHIPPED_RULES))
        self.assertTrue(all(page is not None for page, _problem in found))
        self.assertLess(len(queries), 30)
