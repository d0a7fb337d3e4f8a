"""Two municipalities on one install, built alike (the same titles, slugs, division names and
codes, and a report for 2569 each): each one's annual report counts only its own
publications, workflow, check runs, findings and register, and a person of A is shown nothing
of B and cannot act on it by guessing its id or year (`factories.set_up_second_town`)."""

from __future__ import annotations

import io
import json

import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from thesaban.accounts.services import site_collection
from thesaban.pages.models import DocumentPage
from thesaban.publishing.tests.test_records import MUNICIPALITY, forget_cached_sites, set_up_town
from thesaban.reports.models import AnnualReport, ProblemReport
from thesaban.reports.services import (
    approve_report,
    build_snapshot,
    can_approve_annual_report,
    can_send_annual_report_to_site,
    can_view_annual_reports,
    get_or_create_report,
    offered_fiscal_years,
    publish_report_to_site,
    save_final_wording,
)

from .factories import (
    ADMIN_NOW,
    FISCAL_YEAR,
    MARKER,
    MUNICIPALITY_B,
    AdminClientMixin,
    bangkok,
    seed_events,
    seed_second_year,
    set_up_second_town,
)
from .test_rendering import pdf_pages, skeleton
from .test_sections import blocks_of, figures, table

NOW = ADMIN_NOW
LATER = bangkok(2026, 11, 20, 9)
WORDING_B = f"ถ้อยคำปัญหาของ{MARKER}"
# B alone has a report of 2567 (made before the system's first year, say imported).
B_ONLY_YEAR = 2567


class TwoMunicipalitiesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        forget_cached_sites()
        with time_machine.travel(bangkok(2025, 6, 1, 9), tick=False):
            set_up_town(cls)
            set_up_second_town(cls)
        seed_events(cls)
        seed_second_year(cls)
        # A superuser of A's own (not the host's).
        with time_machine.travel(NOW, tick=False):
            cls.report_b = get_or_create_report(site=cls.site_b, fiscal_year=FISCAL_YEAR)
            save_final_wording(
                report=cls.report_b,
                user=cls.office_supervisor_b,
                problems=WORDING_B,
                obstacles="",
                suggestions="",
                approver_position="",
            )
            cls.approved_b = approve_report(
                report=get_or_create_report(site=cls.site_b, fiscal_year=2568),
                user=cls.office_supervisor_b,
            )
        AnnualReport.objects.create(site=cls.site_b, fiscal_year=B_ONLY_YEAR)

    def setUp(self):
        self.addCleanup(forget_cached_sites)

    def assert_nothing_of_b(self, text: str) -> None:
        self.assertNotIn(skeleton(MARKER), skeleton(text))
        self.assertNotIn(skeleton(MUNICIPALITY_B), skeleton(text))
        self.assertNotIn(f"site={self.site_b.pk}", text)
        self.assertNotIn(self.site_b.hostname, text)


def problem_lists(snapshot: dict) -> list[list[str]]:
    return [block["items"] for block in blocks_of(snapshot, "problems") if block["type"] == "list"]


class SnapshotPerMunicipalityTests(TwoMunicipalitiesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(LATER, tick=False):
            cls.snapshot_a = build_snapshot(site=cls.site, fiscal_year=FISCAL_YEAR)
            cls.snapshot_b = build_snapshot(site=cls.site_b, fiscal_year=FISCAL_YEAR)

    def test_as_report_counts_only_as_own(self):
        """The figures of A's year worked out in `test_sections`, unchanged by B's year."""
        snapshot = self.snapshot_a
        self.assertEqual(snapshot["municipality"]["name"], MUNICIPALITY)
        self.assertFalse(MARKER in json.dumps(snapshot, ensure_ascii=False), "B's text in A's")
        self.assertEqual(
            figures(blocks_of(snapshot, "publishing")),
            {
                "การเผยแพร่ข้อมูล": 5,
                "หน้าที่เผยแพร่": 5,
                "การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน": 1,
            },
        )
        self.assertEqual(
            table(blocks_of(snapshot, "publishing"), "การเผยแพร่ข้อมูลจำแนกตามส่วนราชการ")["rows"],
            [["กองคลัง", 3], ["สำนักปลัดเทศบาล", 2], ["รวม", 5]],
        )
        self.assertEqual(
            figures(blocks_of(snapshot, "workflow")),
            {
                "ส่งขออนุญาตเผยแพร่": 4,
                "ผู้บังคับบัญชาให้ความเห็นชอบ": 4,
                "ผู้ปฏิบัติงานเผยแพร่ข้อมูลอนุมัติเผยแพร่": 2,
                "ขอให้แก้ไข": 2,
                "รอการพิจารณา ณ สิ้นปีงบประมาณ": 2,
            },
        )
        site_checks = figures(blocks_of(snapshot, "site_checks"))
        self.assertEqual(site_checks["การตรวจเว็บไซต์"], 3)
        self.assertEqual(site_checks["ตรวจครบทุกหน้า"], 2)
        self.assertEqual(site_checks["ข้อบกพร่องที่พบ"], 5)
        self.assertEqual(site_checks["ยังไม่แก้ไข ณ สิ้นปีงบประมาณ"], 3)
        # B's supervisor worded B's report; A's still lists A's register.
        self.assertEqual(
            problem_lists(snapshot),
            [
                ["เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ (กองคลัง)"],
                ["ไม่มี"],
                ["ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง (สำนักปลัดเทศบาล)"],
            ],
        )

    def test_bs_report_counts_only_bs_own(self):
        """B1 through the three steps on 10 Jan 2026 (supervisor after 2 h, published after 6 h)
        and taken down on 1 Mar; B4 published directly on 15 Feb; B2 sent back on 2 Feb; B3
        (25 Sep) and a person's details (28 Sep) waiting for their supervisors at year end;
        four finished check runs; finding b1 fixed after a day, b2 open; two register entries,
        the problems worded by B's supervisor."""
        snapshot = self.snapshot_b
        self.assertEqual(snapshot["municipality"]["name"], MUNICIPALITY_B)
        self.assertFalse(MUNICIPALITY in json.dumps(snapshot, ensure_ascii=False), "A's in B's")
        publishing = blocks_of(snapshot, "publishing")
        self.assertEqual(
            figures(publishing),
            {
                "การเผยแพร่ข้อมูล": 2,
                "หน้าที่เผยแพร่": 2,
                "การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน": 1,
            },
        )
        self.assertEqual(
            table(publishing, "การเผยแพร่ข้อมูลจำแนกตามหมวดหมู่")["rows"],
            [["ข่าวสาร", 2], ["รวม", 2]],
        )
        self.assertEqual(
            table(publishing, "การเผยแพร่ข้อมูลจำแนกตามส่วนราชการ")["rows"],
            [["กองคลัง", 1], ["สำนักปลัดเทศบาล", 1], ["รวม", 2]],
        )
        self.assertEqual(
            table(publishing, "การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน")["rows"],
            [["1 มี.ค. 2569 10:00 น.", "ประกาศ ก", "กองคลัง", f"เหตุผลถอดของ{MARKER}"]],
        )
        workflow = blocks_of(snapshot, "workflow")
        self.assertEqual(
            figures(workflow),
            {
                "ส่งขออนุญาตเผยแพร่": 4,
                "ผู้บังคับบัญชาให้ความเห็นชอบ": 1,
                "ผู้ปฏิบัติงานเผยแพร่ข้อมูลอนุมัติเผยแพร่": 1,
                "ขอให้แก้ไข": 1,
                "รอการพิจารณา ณ สิ้นปีงบประมาณ": 2,
            },
        )
        self.assertEqual(
            table(workflow, "ระยะเวลาดำเนินการ")["rows"],
            [
                ["ตั้งแต่ส่งขออนุญาตจนผู้บังคับบัญชาให้ความเห็นชอบ", 1, 2.0, 2.0, 0.08, 0.08],
                ["ตั้งแต่ส่งขออนุญาตจนอนุมัติเผยแพร่", 1, 6.0, 6.0, 0.25, 0.25],
            ],
        )
        self.assertEqual(
            table(workflow, "รายการที่รอการพิจารณา ณ สิ้นปีงบประมาณ (30 ก.ย. 2569)")["rows"],
            [
                [f"ประกาศรอของ{MARKER}", "กองคลัง", "ผู้บังคับบัญชา", "25 ก.ย. 2569", 5],
                [
                    f"บุคคลของ{MARKER} (นักวิชาการ)",
                    "สำนักปลัดเทศบาล",
                    "ผู้บังคับบัญชา",
                    "28 ก.ย. 2569",
                    2,
                ],
            ],
        )
        self.assertEqual(
            figures(blocks_of(snapshot, "site_checks")),
            {
                "การตรวจเว็บไซต์": 4,
                "ตรวจครบทุกหน้า": 4,
                "ข้อบกพร่องที่พบ": 2,
                "แก้ไขแล้ว": 1,
                "มัธยฐานของเวลาที่ใช้แก้ไข": 1.0,
                "ยังไม่แก้ไข ณ สิ้นปีงบประมาณ": 1,
                "ยอมรับได้ (ไม่ต้องแก้ไข) ณ สิ้นปีงบประมาณ": 0,
            },
        )
        self.assertEqual(
            problem_lists(snapshot),
            [[WORDING_B], [f"อุปสรรคของ{MARKER} (สำนักปลัดเทศบาล)"], ["ไม่มี"]],
        )

    def test_each_municipality_has_its_own_report_for_the_same_year(self):
        with time_machine.travel(NOW, tick=False):
            report_a = get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR)
            self.assertNotEqual(report_a.pk, self.report_b.pk)
            self.assertEqual(
                get_or_create_report(site=self.site_b, fiscal_year=FISCAL_YEAR), self.report_b
            )
            approve_report(report=report_a, user=self.office_supervisor)
            self.report_b.refresh_from_db()
            self.assertFalse(self.report_b.is_approved)
            approve_report(report=self.report_b, user=self.office_supervisor_b)
        report_a.refresh_from_db()
        self.report_b.refresh_from_db()
        self.assertEqual(report_a.snapshot["municipality"]["name"], MUNICIPALITY)
        self.assertEqual(self.report_b.snapshot["municipality"]["name"], MUNICIPALITY_B)
        # Each PDF is filed in its own municipality's collection of documents.
        self.assertEqual(report_a.pdf_document.collection, site_collection(self.site))
        self.assertEqual(self.report_b.pdf_document.collection, site_collection(self.site_b))

    def test_the_years_offered_are_each_municipalitys_own(self):
        with time_machine.travel(NOW, tick=False):
            self.assertEqual(offered_fiscal_years(self.site), [2570, 2569, 2568])
            self.assertEqual(offered_fiscal_years(self.site_b), [2570, 2569, 2568, 2567])

    def test_a_register_entry_belongs_to_the_municipality_of_its_division(self):
        entry = ProblemReport(
            site=self.site, division=self.finance_b, kind=ProblemReport.Kind.PROBLEM, text="x"
        )
        with self.assertRaises(ValidationError) as caught:
            entry.full_clean()
        self.assertIn("division", caught.exception.message_dict)
        entry.division = self.finance
        entry.full_clean()


class PermissionsPerMunicipalityTests(TwoMunicipalitiesTestCase):
    def test_nobody_of_a_has_a_right_on_bs_report(self):
        for user in (self.operator, self.office_supervisor, self.supervisor):
            with self.subTest(user=user.username):
                self.assertTrue(can_view_annual_reports(user, self.site))
                self.assertFalse(can_view_annual_reports(user, self.site_b))
                self.assertFalse(can_approve_annual_report(user, self.site_b))
                self.assertFalse(can_send_annual_report_to_site(user, self.site_b))
        self.assertTrue(can_approve_annual_report(self.office_supervisor_b, self.site_b))
        self.assertFalse(can_approve_annual_report(self.office_supervisor_b, self.site))
        # The host's superuser belongs to no municipality and may act for each.
        for site in (self.site, self.site_b):
            self.assertTrue(can_approve_annual_report(self.superuser, site))
            self.assertTrue(can_send_annual_report_to_site(self.superuser, site))

    def test_bs_report_cannot_be_worded_approved_or_sent_from_a(self):
        with time_machine.travel(NOW, tick=False):
            with self.assertRaises(PermissionDenied):
                approve_report(report=self.report_b, user=self.office_supervisor)
            with self.assertRaises(PermissionDenied):
                save_final_wording(
                    report=self.report_b,
                    user=self.office_supervisor,
                    problems="เปลี่ยน",
                    obstacles="",
                    suggestions="",
                    approver_position="",
                )
            with self.assertRaises(PermissionDenied):
                publish_report_to_site(report=self.approved_b, user=self.operator)
        self.report_b.refresh_from_db()
        self.assertFalse(self.report_b.is_approved)
        self.assertEqual(self.report_b.problems, WORDING_B)
        self.approved_b.refresh_from_db()
        self.assertIsNone(self.approved_b.site_page_id)


class AdminTestCase(AdminClientMixin, TwoMunicipalitiesTestCase):
    def annual(self, name: str, *args, site=None) -> str:
        url = reverse(f"reports_annual:{name}", args=args)
        return f"{url}?site={site.pk}" if site is not None else url


class AdminPerMunicipalityTests(AdminTestCase):
    def test_as_staff_see_nothing_of_b_in_the_list_preview_and_downloads(self):
        for user in (self.operator, self.office_supervisor):
            with self.subTest(user=user.username):
                self.as_user(user)
                index = self.client.get(self.annual("index")).content.decode()
                self.assert_nothing_of_b(index)
                self.assertIn("ปีงบประมาณ พ.ศ. 2569", index)
                self.assertNotIn(f"ปีงบประมาณ พ.ศ. {B_ONLY_YEAR}", index)
                detail = self.client.get(self.annual("detail", FISCAL_YEAR)).content.decode()
                self.assert_nothing_of_b(detail)
                self.assertIn(f"?site={self.site.pk}", detail)
                preview = self.client.get(self.annual("preview", FISCAL_YEAR)).content.decode()
                self.assertIn(MUNICIPALITY, preview)
                self.assert_nothing_of_b(preview)
                pdf = self.client.get(self.annual("pdf", FISCAL_YEAR)).content
                text = "".join(pdf_pages(pdf))
                self.assertIn(skeleton(MUNICIPALITY), skeleton(text))
                self.assert_nothing_of_b(text)
                xlsx = load_workbook(
                    io.BytesIO(self.client.get(self.annual("xlsx", FISCAL_YEAR)).content)
                )
                cells = " ".join(
                    str(cell.value)
                    for sheet in xlsx.worksheets
                    for row in sheet.iter_rows()
                    for cell in row
                    if cell.value is not None
                )
                self.assertIn("เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ", cells)
                self.assert_nothing_of_b(cells)

    def test_asking_for_bs_report_by_its_id_is_not_found(self):
        for user in (self.operator, self.office_supervisor):
            self.as_user(user)
            for name, args in (
                ("index", ()),
                ("detail", (FISCAL_YEAR,)),
                ("preview", (FISCAL_YEAR,)),
                ("pdf", (2568,)),
                ("xlsx", (2568,)),
                ("detail", (B_ONLY_YEAR,)),
            ):
                with self.subTest(user=user.username, view=name, year=args):
                    response = self.client.get(self.annual(name, *args, site=self.site_b))
                    self.assertEqual(response.status_code, 404)
                    self.assert_nothing_of_b(response.content.decode())
            self.assertEqual(self.client.get(f"{self.annual('index')}?site=x").status_code, 404)

    def test_approving_wording_or_sending_bs_report_from_a_is_refused_and_changes_nothing(self):
        pages_before = DocumentPage.objects.count()
        self.as_user(self.office_supervisor)
        wording = {"problems": "เปลี่ยน", "obstacles": "", "suggestions": "", "approver_position": ""}
        responses = [
            self.client.post(self.annual("approve", FISCAL_YEAR, site=self.site_b)),
            self.client.post(self.annual("detail", FISCAL_YEAR, site=self.site_b), wording),
        ]
        self.as_user(self.operator)
        responses.append(self.client.post(self.annual("send_to_site", 2568, site=self.site_b)))
        # A has no approved report of 2568 of its own to send.
        responses.append(self.client.post(self.annual("send_to_site", 2568)))
        self.assertEqual([response.status_code for response in responses], [404] * 4)
        self.report_b.refresh_from_db()
        self.assertFalse(self.report_b.is_approved)
        self.assertEqual(self.report_b.problems, WORDING_B)
        self.approved_b.refresh_from_db()
        self.assertIsNone(self.approved_b.site_page_id)
        self.assertEqual(DocumentPage.objects.count(), pages_before)

        # What A's supervisor approves is A's own report only.
        self.as_user(self.office_supervisor)
        self.client.post(self.annual("approve", FISCAL_YEAR))
        self.assertTrue(
            AnnualReport.objects.get(site=self.site, fiscal_year=FISCAL_YEAR).is_approved
        )
        self.report_b.refresh_from_db()
        self.assertFalse(self.report_b.is_approved)

    def test_bs_staff_see_bs_report(self):
        self.as_user(self.operator_b)
        preview = self.client.get(self.annual("preview", FISCAL_YEAR)).content.decode()
        self.assertIn(MUNICIPALITY_B, preview)
        self.assertIn(WORDING_B, preview)
        self.assertNotIn(MUNICIPALITY, preview)
        index = self.client.get(self.annual("index")).content.decode()
        self.assertIn(f"ปีงบประมาณ พ.ศ. {B_ONLY_YEAR}", index)
        self.assertEqual(self.client.get(self.annual("index", site=self.site)).status_code, 404)

    def test_the_host_chooses_the_municipality(self):
        self.as_user(self.superuser)
        index = self.client.get(self.annual("index"))
        self.assertContains(index, f'<option value="{self.site.pk}" selected>')
        self.assertContains(index, f'<option value="{self.site_b.pk}">{self.site_b.hostname}')
        self.assertNotContains(index, f"ปีงบประมาณ พ.ศ. {B_ONLY_YEAR}")
        index_b = self.client.get(self.annual("index", site=self.site_b))
        self.assertContains(index_b, f'<option value="{self.site_b.pk}" selected>')
        self.assertContains(index_b, f"ปีงบประมาณ พ.ศ. {B_ONLY_YEAR}")
        self.assertContains(index_b, self.annual("detail", FISCAL_YEAR, site=self.site_b))
        detail_b = self.client.get(self.annual("detail", FISCAL_YEAR, site=self.site_b))
        self.assertContains(detail_b, f"ปีงบประมาณ พ.ศ. 2569 · {self.site_b.hostname}")
        self.assertContains(detail_b, self.annual("preview", FISCAL_YEAR, site=self.site_b))
        preview = self.client.get(self.annual("preview", FISCAL_YEAR, site=self.site_b))
        self.assertContains(preview, MUNICIPALITY_B)
        self.assertNotContains(preview, MUNICIPALITY)
        for unknown in ("999999", "99999999999999999999", "-1", ""):
            with self.subTest(site=unknown):
                response = self.client.get(f"{self.annual('index')}?site={unknown}")
                self.assertEqual(response.status_code, 404)


class RegisterPerMunicipalityTests(AdminTestCase):
    def test_the_listing_and_the_forms_offer_only_as_own(self):
        for user in (self.operator, self.preparer):
            with self.subTest(user=user.username):
                self.as_user(user)
                listing = self.client.get(reverse("problem_reports:index")).content.decode()
                self.assertIn("เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ", listing)
                self.assert_nothing_of_b(listing)
                self.assertNotIn(reverse("problem_reports:edit", args=[self.entry_b.pk]), listing)
                add = self.client.get(reverse("problem_reports:add")).content.decode()
                self.assertIn(f'<option value="{self.finance.pk}"', add)
                for division in (self.finance_b, self.office_b):
                    self.assertNotIn(f'<option value="{division.pk}"', listing)
                    self.assertNotIn(f'<option value="{division.pk}"', add)
                filtered = self.client.get(
                    reverse("problem_reports:index"), {"division": self.finance_b.pk}
                ).content.decode()
                self.assert_nothing_of_b(filtered)

    def test_bs_entry_by_its_id_is_not_found_and_stays_as_it_was(self):
        for user in (self.operator, self.preparer):
            self.as_user(user)
            pk = self.entry_b.pk
            for method, name, data in (
                ("get", "edit", None),
                (
                    "post",
                    "edit",
                    {
                        "division": self.finance.pk,
                        "date": "2026-03-01",
                        "kind": "problem",
                        "text": "เปลี่ยน",
                    },
                ),
                ("get", "delete", None),
                ("post", "delete", None),
                ("get", "history", None),
                ("get", "usage", None),
            ):
                with self.subTest(user=user.username, method=method, view=name):
                    url = reverse(f"problem_reports:{name}", args=[pk])
                    response = getattr(self.client, method)(url, data)
                    self.assertEqual(response.status_code, 404)
                    self.assert_nothing_of_b(response.content.decode())
        entry = ProblemReport.objects.get(pk=self.entry_b.pk)
        self.assertEqual(
            (entry.text, entry.division, entry.site),
            (f"ปัญหาของ{MARKER}", self.finance_b, self.site_b),
        )

    def test_a_new_entry_is_of_its_divisions_municipality_and_never_of_bs_from_a(self):
        self.as_user(self.operator)
        data = {"date": "2026-10-20", "kind": "obstacle", "text": "บันทึกใหม่ของ ก"}
        response = self.client.post(
            reverse("problem_reports:add"), {**data, "division": self.finance_b.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProblemReport.objects.filter(text="บันทึกใหม่ของ ก").exists())
        response = self.client.post(
            reverse("problem_reports:add"), {**data, "division": self.office.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProblemReport.objects.get(text="บันทึกใหม่ของ ก").site, self.site)

        # The host records for any municipality; the choices say whose division is whose.
        self.as_user(self.superuser)
        add = self.client.get(reverse("problem_reports:add"))
        self.assertContains(add, f"กองคลัง · {self.site_b.hostname}")
        response = self.client.post(
            reverse("problem_reports:add"),
            {**data, "text": "บันทึกของโฮสต์", "division": self.finance_b.pk},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProblemReport.objects.get(text="บันทึกของโฮสต์").site, self.site_b)
