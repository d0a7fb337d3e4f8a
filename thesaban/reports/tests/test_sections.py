"""The report's figures for fiscal year 2569, from the seeded year (`factories.seed_year`),
against figures worked out by hand. Every event is counted in the year in which it happened,
and "at year end" is as of 1 October 2026 00:00 Bangkok, whatever happened after."""

from __future__ import annotations

import json

import time_machine
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from thesaban.core.page_cache import clear_page_cache
from thesaban.monitoring.models import Finding
from thesaban.publishing.services import take_down
from thesaban.publishing.tests.test_records import draft, publish_directly
from thesaban.reports.models import AnnualReport
from thesaban.reports.sections import ReportPeriod, median, percentile
from thesaban.reports.services import build_snapshot

from .factories import FISCAL_YEAR, SeededYearTestCase, act, bangkok, submit

# Built well after the year, as a report of last year is: later events must not leak in.
LATER = bangkok(2026, 11, 20, 9)


def blocks_of(snapshot: dict, key: str) -> list[dict]:
    return next(section for section in snapshot["sections"] if section["key"] == key)["blocks"]


def table(blocks: list[dict], title: str) -> dict:
    return next(block for block in blocks if block.get("title") == title)


def figures(blocks: list[dict]) -> dict:
    block = next(block for block in blocks if block["type"] == "figures")
    return {item["label"]: item["value"] for item in block["items"]}


class StatisticsTests(SimpleTestCase):
    def test_median_and_percentile_interpolate_between_ranks(self):
        self.assertEqual(median([12, 1, 48, 1]), 6.5)
        self.assertAlmostEqual(percentile([1, 1, 12, 48], 0.9), 37.2)
        self.assertEqual(percentile([5], 0.9), 5)
        self.assertIsNone(median([]))

    def test_the_period_is_bangkok_midnight_to_midnight(self):
        period = ReportPeriod.of(2569)
        self.assertEqual(period.start_moment, bangkok(2025, 10, 1))
        self.assertEqual(period.end_moment, bangkok(2026, 10, 1))
        self.assertEqual(period.month_labels()[0], "ต.ค. 68")
        self.assertEqual(period.month_labels()[-1], "ก.ย. 69")
        self.assertEqual(period.month_index(bangkok(2026, 9, 30, 23, 59)), 11)


class SnapshotTests(SeededYearTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with time_machine.travel(LATER, tick=False):
            cls.snapshot = build_snapshot(site=cls.site, fiscal_year=FISCAL_YEAR)

    def test_the_snapshot_has_the_agreed_shape_and_is_plain_json(self):
        snapshot = self.snapshot
        self.assertEqual(json.loads(json.dumps(snapshot)), snapshot)
        self.assertEqual(snapshot["schema"], 1)
        self.assertEqual(snapshot["fiscal_year"], 2569)
        self.assertEqual(snapshot["period"], {"start": "2025-10-01", "end": "2026-09-30"})
        self.assertEqual(snapshot["generated_at"], "2026-11-20T09:00:00+07:00")
        self.assertEqual(snapshot["municipality"]["name"], "เทศบาลเมืองชุมแสง")
        self.assertIsNone(snapshot["approved"])
        self.assertEqual(
            [section["key"] for section in snapshot["sections"]],
            ["publishing", "workflow", "site_checks", "problems"],
        )
        allowed = {"paragraph", "figures", "table", "chart", "list"}
        for section in snapshot["sections"]:
            self.assertTrue(section["title"])
            for block in section["blocks"]:
                self.assertIn(block["type"], allowed)
                if block["type"] == "table":
                    self.assertEqual(len(block["numeric"]), len(block["columns"]))
                    for row in block["rows"]:
                        self.assertEqual(len(row), len(block["columns"]))

    def test_publications_are_counted_in_the_year_they_went_live(self):
        """A (1 Oct 2025, submitted the day before), the plan (Dec), G (Jan), C (Mar) and H
        (30 Sep 2026 23:59); not B (Sep 2025) nor D and I (1 Oct 2026)."""
        blocks = blocks_of(self.snapshot, "publishing")
        self.assertEqual(
            figures(blocks),
            {
                "การเผยแพร่ข้อมูล": 5,
                "หน้าที่เผยแพร่": 5,
                "การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน": 1,
            },
        )
        chart = next(block for block in blocks if block["type"] == "chart")
        self.assertEqual(chart["kind"], "bar")
        self.assertEqual(chart["series"][0]["values"], [1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1])
        self.assertEqual(len(chart["labels"]), 12)
        self.assertEqual(
            table(blocks, "การเผยแพร่ข้อมูลจำแนกตามหมวดหมู่")["rows"],
            [["ข่าวสาร", 4], ["แผน", 1], ["รวม", 5]],
        )
        self.assertEqual(
            table(blocks, "การเผยแพร่ข้อมูลจำแนกตามส่วนราชการ")["rows"],
            [["กองคลัง", 3], ["สำนักปลัดเทศบาล", 2], ["รวม", 5]],
        )
        months = table(blocks, "การเผยแพร่ข้อมูลรายเดือน")
        self.assertEqual(months["rows"][0], ["ต.ค. 68", 1])
        self.assertEqual(months["rows"][-1], ["รวม", 5])
        self.assertTrue(months["total_row"])

    def test_emergency_takedowns_are_listed_with_their_reason(self):
        blocks = blocks_of(self.snapshot, "publishing")
        self.assertEqual(
            table(blocks, "การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน")["rows"],
            [["5 ต.ค. 2568 10:00 น.", "ข่าว ข", "สำนักปลัดเทศบาล", "ภาพมีข้อมูลส่วนบุคคล"]],
        )

    def test_workflow_times_count_each_approval_in_its_own_year(self):
        """Supervisor approvals in FY 2569: A (12 h, submitted in FY 2568), C (48 h, first
        submission to approval), D (1 h) and F (1 h): median 6.5 h, 90th percentile 37.2 h.
        Publications approved in FY 2569: A (14 h) and C (60 h): median 37 h, 90th 55.4 h."""
        blocks = blocks_of(self.snapshot, "workflow")
        self.assertEqual(
            figures(blocks),
            {
                "ส่งขออนุญาตเผยแพร่": 4,  # C, D, E, F
                "ผู้บังคับบัญชาให้ความเห็นชอบ": 4,
                "ผู้ปฏิบัติงานเผยแพร่ข้อมูลอนุมัติเผยแพร่": 2,
                "ขอให้แก้ไข": 2,
                "รอการพิจารณา ณ สิ้นปีงบประมาณ": 2,
            },
        )
        self.assertEqual(
            table(blocks, "ระยะเวลาดำเนินการ")["rows"],
            [
                ["ตั้งแต่ส่งขออนุญาตจนผู้บังคับบัญชาให้ความเห็นชอบ", 4, 6.5, 37.2, 0.27, 1.55],
                ["ตั้งแต่ส่งขออนุญาตจนอนุมัติเผยแพร่", 2, 37.0, 55.4, 1.54, 2.31],
            ],
        )

    def test_requests_for_changes_come_with_their_reasons(self):
        blocks = blocks_of(self.snapshot, "workflow")
        self.assertEqual(
            table(blocks, "การขอให้แก้ไขและเหตุผล")["rows"],
            [
                ["10 มี.ค. 2569 13:00 น.", "ประกาศ ค", "กองคลัง", "ผู้บังคับบัญชา", "แก้เลขที่ประกาศ"],
                [
                    "1 พ.ค. 2569 11:00 น.",
                    "ข่าว ฉ",
                    "สำนักปลัดเทศบาล",
                    "ผู้ปฏิบัติงานเผยแพร่ข้อมูล",
                    "รูปภาพไม่มีคำอธิบาย",
                ],
            ],
        )

    def test_items_waiting_at_year_end_include_those_approved_just_after_it(self):
        """E waits for its supervisor since 20 Sep; D for the web operator, who approved it an
        hour after the year ended."""
        blocks = blocks_of(self.snapshot, "workflow")
        self.assertEqual(
            table(blocks, "รายการที่รอการพิจารณา ณ สิ้นปีงบประมาณ (30 ก.ย. 2569)")["rows"],
            [
                ["ประกาศ จ", "กองคลัง", "ผู้บังคับบัญชา", "20 ก.ย. 2569", 10],
                ["ข่าว ง", "สำนักปลัดเทศบาล", "ผู้ปฏิบัติงานเผยแพร่ข้อมูล", "30 ก.ย. 2569", 0],
            ],
        )

    def test_site_checks_count_findings_open_as_of_year_end(self):
        """Runs: 1 Oct 2025, 1 Apr 2026 (abandoned), 30 Sep 2026. Found in the year: f2, f3,
        f4, f5, f8; fixed in the year: f1 (13 days), f2 (2 days), f3 (half a day), median 2
        days; open at year end: f4 (fixed in October), f5 (never), f8 (accepted in October);
        accepted at year end: f7 (accepted in FY 2568), counted apart from the open ones."""
        blocks = blocks_of(self.snapshot, "site_checks")
        self.assertEqual(
            figures(blocks),
            {
                "การตรวจเว็บไซต์": 3,
                "ตรวจครบทุกหน้า": 2,
                "ข้อบกพร่องที่พบ": 5,
                "แก้ไขแล้ว": 3,
                "มัธยฐานของเวลาที่ใช้แก้ไข": 2.0,
                "ยังไม่แก้ไข ณ สิ้นปีงบประมาณ": 3,
                "ยอมรับได้ (ไม่ต้องแก้ไข) ณ สิ้นปีงบประมาณ": 1,
            },
        )
        by_kind = table(blocks, "ข้อบกพร่องจำแนกตามประเภท")
        self.assertEqual(
            by_kind["columns"],
            ["ประเภท", "พบในปี", "แก้ไขแล้วในปี", "ยังไม่แก้ไข ณ สิ้นปี", "ยอมรับได้ ณ สิ้นปี"],
        )
        self.assertEqual(
            by_kind["rows"],
            [
                ["หน้าเว็บแสดงผลไม่ได้", 1, 1, 0, 0],
                ["ลิงก์เสีย", 1, 2, 0, 0],
                ["ติดต่อปลายทางของลิงก์ไม่ได้", 1, 0, 1, 0],
                ["ลิงก์ถูกเปลี่ยนเส้นทาง", 0, 0, 0, 1],
                ["ข้อมูลไม่เป็นปัจจุบัน", 1, 0, 1, 0],
                ["รูปภาพไม่มีข้อความแทนภาพ", 1, 0, 1, 0],
                ["รวม", 5, 3, 3, 1],
            ],
        )
        self.assertEqual(
            table(blocks, "ข้อบกพร่องจำแนกตามส่วนราชการ")["rows"],
            [
                ["กองคลัง", 2, 2, 1, 0],
                ["สำนักปลัดเทศบาล", 2, 1, 1, 1],
                ["ไม่มีส่วนราชการรับผิดชอบ", 1, 0, 1, 0],
                ["รวม", 5, 3, 3, 1],
            ],
        )

    def test_a_finding_accepted_before_the_time_was_kept_counts_as_open(self):
        """No acceptance time (accepted before monitoring's migration 0003, no audit entry):
        not claimed as accepted."""
        Finding.objects.filter(target_url="f7").update(accepted_at=None)
        with time_machine.travel(LATER, tick=False):
            blocks = blocks_of(
                build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR), "site_checks"
            )
        self.assertEqual(figures(blocks)["ยังไม่แก้ไข ณ สิ้นปีงบประมาณ"], 4)
        self.assertEqual(figures(blocks)["ยอมรับได้ (ไม่ต้องแก้ไข) ณ สิ้นปีงบประมาณ"], 0)

    def test_the_year_an_accepted_finding_was_found_sees_it_open_until_accepted(self):
        """f8 was found in FY 2569 and accepted in FY 2570: accepted at the end of FY 2570."""
        with time_machine.travel(bangkok(2027, 11, 1), tick=False):
            blocks = blocks_of(build_snapshot(site=self.site, fiscal_year=2570), "site_checks")
        accepted_column = [row[-1] for row in table(blocks, "ข้อบกพร่องจำแนกตามประเภท")["rows"]]
        self.assertEqual(figures(blocks)["ยอมรับได้ (ไม่ต้องแก้ไข) ณ สิ้นปีงบประมาณ"], 2)
        self.assertEqual(accepted_column[-1], 2)

    def test_problems_list_the_register_of_the_year_by_division(self):
        blocks = blocks_of(self.snapshot, "problems")
        lists = [block["items"] for block in blocks if block["type"] == "list"]
        self.assertEqual(
            lists,
            [
                ["เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ (กองคลัง)"],
                ["ไม่มี"],
                ["ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง (สำนักปลัดเทศบาล)"],
            ],
        )
        self.assertEqual(
            table(blocks, "บันทึกปัญหา อุปสรรค และข้อเสนอแนะของส่วนราชการ")["rows"],
            [
                ["กองคลัง", "1 ต.ค. 2568", "ปัญหา", "เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ"],
                ["สำนักปลัดเทศบาล", "30 ก.ย. 2569", "ข้อเสนอแนะ", "ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง"],
            ],
        )

    def test_the_supervisors_wording_replaces_the_register_where_given(self):
        AnnualReport.objects.create(
            site=self.site,
            fiscal_year=FISCAL_YEAR,
            problems="ปัญหาข้อหนึ่ง\n\nปัญหาข้อสอง ",
            obstacles="",
        )
        with time_machine.travel(LATER, tick=False):
            blocks = blocks_of(build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR), "problems")
        lists = [block["items"] for block in blocks if block["type"] == "list"]
        self.assertEqual(lists[0], ["ปัญหาข้อหนึ่ง", "ปัญหาข้อสอง"])
        self.assertEqual(lists[1], ["ไม่มี"])
        self.assertEqual(lists[2], ["ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง (สำนักปลัดเทศบาล)"])

    def test_the_year_before_sees_its_own_events(self):
        """FY 2568 has B's publication (30 Sep 2025) and A's submission, not A's approvals."""
        with time_machine.travel(LATER, tick=False):
            snapshot = build_snapshot(site=self.site, fiscal_year=2568)
        publishing = figures(blocks_of(snapshot, "publishing"))
        self.assertEqual(publishing["การเผยแพร่ข้อมูล"], 1)
        self.assertEqual(publishing["การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน"], 0)
        workflow = figures(blocks_of(snapshot, "workflow"))
        self.assertEqual(workflow["ส่งขออนุญาตเผยแพร่"], 2)  # A and B
        self.assertEqual(workflow["ผู้บังคับบัญชาให้ความเห็นชอบ"], 1)  # B
        self.assertEqual(workflow["รอการพิจารณา ณ สิ้นปีงบประมาณ"], 1)  # A, with its supervisor


class OwnerLookupTests(SeededYearTestCase):
    def queries_to_build(self) -> int:
        # Publishing clears the cached municipality details; start each count without them.
        clear_page_cache()
        with time_machine.travel(LATER, tick=False), CaptureQueriesContext(connection) as queries:
            build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)
        return len(queries)

    def test_a_busier_year_asks_the_database_no_more_often(self):
        """Which division owns each page is looked up in bulk, not once per page: more pages
        published, taken down, sent back and waiting cost no more queries."""
        self.queries_to_build()  # caches (content types, sites) warm
        before = self.queries_to_build()
        for day in range(1, 4):
            page = draft(self.procurement, self.preparer, f"ประกาศเพิ่ม {day}")
            publish_directly(page, self.superuser, at=bangkok(2026, 2, day, 10))
            publish_directly(
                draft(self.activities, self.office_preparer, f"ข่าวเพิ่ม {day}"),
                self.superuser,
                at=bangkok(2026, 2, day, 11),
            )
            with time_machine.travel(bangkok(2026, 2, day, 12), tick=False):
                take_down(page, self.operator, f"เหตุผล {day}")
            state = submit(
                draft(self.procurement, self.preparer, f"ประกาศแก้ไข {day}"),
                self.preparer,
                at=bangkok(2026, 4, day, 9),
            )
            act(state, self.supervisor, "reject", at=bangkok(2026, 4, day, 10), comment="แก้")
            submit(
                draft(self.activities, self.office_preparer, f"ข่าวรอ {day}"),
                self.office_preparer,
                at=bangkok(2026, 9, day, 9),
            )
        self.assertEqual(self.queries_to_build(), before)
        with time_machine.travel(LATER, tick=False):
            snapshot = build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)
        self.assertEqual(
            table(blocks_of(snapshot, "publishing"), "การเผยแพร่ข้อมูลจำแนกตามส่วนราชการ")["rows"],
            [["กองคลัง", 6], ["สำนักปลัดเทศบาล", 5], ["รวม", 11]],
        )
