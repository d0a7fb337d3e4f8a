"""Sections contributed by other modules (the citizen services of issue #5), a section with
nothing to say, and a year with no activity at all."""

from __future__ import annotations

import io
import re

import time_machine
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Site

from thesaban.accounts.testing import log_in
from thesaban.reports import rendering
from thesaban.reports.sections import register, unregister
from thesaban.reports.services import build_snapshot

from . import citizen_services_section as module
from .factories import bangkok
from .test_rendering import pdf_pages, skeleton

SHIPPED = ["publishing", "workflow", "site_checks", "problems"]
LATER = bangkok(2026, 11, 20, 9)


def section_headings(html: str) -> list[str]:
    return re.findall(r'<section class="report-section"[^>]*>\s*<h2>([^<]*)</h2>', html)


class ContributedSectionTests(TestCase):
    """An empty database: Wagtail's own root and welcome page, no activity."""

    def register(self, key: str, order: int, build) -> None:
        register(key, order=order)(build)
        self.addCleanup(unregister, key)

    def snapshot(self, fiscal_year: int = 2569) -> dict:
        with time_machine.travel(LATER, tick=False):
            return build_snapshot(
                site=Site.objects.get(is_default_site=True), fiscal_year=fiscal_year
            )

    def test_no_citizen_services_section_until_a_module_contributes_one(self):
        snapshot = self.snapshot()
        self.assertEqual([section["key"] for section in snapshot["sections"]], SHIPPED)
        html = rendering.render_html(snapshot)
        self.assertNotIn(module.TITLE, html)
        self.assertEqual(len(section_headings(html)), len(SHIPPED))

    def test_a_contributed_section_appears_in_its_order_everywhere(self):
        self.register("citizen_services", 400, module.citizen_services_section)
        snapshot = self.snapshot()
        self.assertEqual(
            [section["key"] for section in snapshot["sections"]],
            ["publishing", "workflow", "site_checks", "citizen_services", "problems"],
        )
        section = snapshot["sections"][3]
        self.assertEqual(section["title"], module.TITLE)
        self.assertEqual(section["blocks"][1]["rows"][-1], ["รวม", 12])

        html = rendering.render_html(snapshot)
        self.assertEqual(section_headings(html)[3], f"4. {module.TITLE}")
        self.assertIn(f'href="#section-4">4. {module.TITLE}</a>', html)
        self.assertEqual(section_headings(html)[4], "5. ปัญหา อุปสรรค และข้อเสนอแนะ")

        workbook = load_workbook(io.BytesIO(rendering.render_xlsx(snapshot)))
        self.assertIn(module.TABLE_TITLE, workbook.sheetnames)
        self.assertEqual(
            workbook[module.TABLE_TITLE]["B4"].value, 12, "numbers stay numbers in the XLSX"
        )

    def test_a_section_with_nothing_to_say_leaves_no_heading_and_no_gap(self):
        self.register("citizen_services", 400, module.nothing_to_report)
        self.register("empty", 150, module.empty_section)
        snapshot = self.snapshot()
        self.assertEqual([section["key"] for section in snapshot["sections"]], SHIPPED)
        html = rendering.render_html(snapshot)
        self.assertNotIn("หัวข้อที่ไม่มีเนื้อหา", html)
        self.assertEqual(
            [heading.split(".")[0] for heading in section_headings(html)], ["1", "2", "3", "4"]
        )

    def test_a_year_with_no_activity_renders_as_html_pdf_and_xlsx(self):
        """FY 2568, before anything happened: zeros and "ไม่มี", never an error."""
        snapshot = self.snapshot(2568)
        html = rendering.render_html(snapshot)
        self.assertIn("ไม่มีการขอให้แก้ไขในปีงบประมาณนี้", html)
        self.assertIn("ไม่มีรายการที่รอการพิจารณา ณ สิ้นปีงบประมาณ", html)
        pages = pdf_pages(rendering.render_pdf(snapshot))
        self.assertGreaterEqual(len(pages), 3)
        self.assertIn(skeleton("ประจำปีงบประมาณ พ.ศ. ๒๕๖๘"), skeleton(pages[0]))
        workbook = load_workbook(io.BytesIO(rendering.render_xlsx(snapshot)))
        self.assertIn("ตัวเลขสำคัญ", workbook.sheetnames)

    def test_the_admin_preview_of_a_year_with_no_activity(self):
        superuser = get_user_model().objects.create_superuser("root", "root@example.go.th", "x")
        log_in(self.client, superuser)
        with time_machine.travel(LATER, tick=False):
            for name in ("detail", "preview", "pdf", "xlsx"):
                with self.subTest(view=name):
                    response = self.client.get(reverse(f"reports_annual:{name}", args=[2568]))
                    self.assertEqual(response.status_code, 200)
            index = self.client.get(reverse("reports_annual:index"))
        self.assertContains(index, "ปีงบประมาณ พ.ศ. 2568")
