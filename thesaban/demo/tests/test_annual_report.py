"""The annual report of the demo municipality (`manage.py load_demo`): last year's report, the
one staff would approve now, builds and prints from the demo's data."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import Site

from thesaban.accounts.testing import log_in
from thesaban.core.thai_dates import current_fiscal_year
from thesaban.demo.problem_register import DEMO_REGISTER
from thesaban.demo.services import MUNICIPALITY_NAME
from thesaban.publishing.tests.test_records import forget_cached_sites
from thesaban.reports import rendering
from thesaban.reports.models import ProblemReport
from thesaban.reports.services import (
    build_snapshot,
    can_approve_annual_report,
    responsible_division,
)
from thesaban.reports.tests.test_rendering import pdf_pages, skeleton
from thesaban.reports.tests.test_sections import blocks_of, table


class DemoReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        forget_cached_sites()
        call_command("load_demo", stdout=io.StringIO())
        cls.fiscal_year = current_fiscal_year() - 1
        cls.site = Site.objects.get(is_default_site=True)
        cls.snapshot = build_snapshot(site=cls.site, fiscal_year=cls.fiscal_year)

    def setUp(self):
        self.addCleanup(forget_cached_sites)

    def test_the_register_has_entries_of_last_year_once(self):
        entries = ProblemReport.objects.in_fiscal_year(self.fiscal_year)
        self.assertEqual(entries.count(), len(DEMO_REGISTER))
        call_command("load_demo", stdout=io.StringIO())
        self.assertEqual(ProblemReport.objects.count(), len(DEMO_REGISTER))

    def test_last_years_report_has_the_demo_municipality_its_emblem_and_register(self):
        municipality = self.snapshot["municipality"]
        self.assertEqual(municipality["name"], MUNICIPALITY_NAME)
        self.assertTrue(municipality["emblem"].startswith("data:image/png;base64,"))
        register = table(
            blocks_of(self.snapshot, "problems"), "บันทึกปัญหา อุปสรรค และข้อเสนอแนะของส่วนราชการ"
        )
        self.assertEqual(len(register["rows"]), len(DEMO_REGISTER))
        self.assertEqual(responsible_division(self.site).code, "strategy")

    def test_it_renders_as_html_pdf_and_xlsx(self):
        html = rendering.render_html(self.snapshot)
        self.assertIn(MUNICIPALITY_NAME, html)
        self.assertIn('<img class="emblem" src="data:image/png;base64,', html)
        pdf = rendering.render_pdf(self.snapshot)
        pages = pdf_pages(pdf)
        self.assertIn(skeleton(MUNICIPALITY_NAME), skeleton(pages[0]))
        self.assertIn(skeleton("ควรจัดอบรมการใช้ระบบเผยแพร่ข้อมูล"), skeleton("".join(pages)))
        workbook = load_workbook(io.BytesIO(rendering.render_xlsx(self.snapshot)))
        self.assertTrue(any(name.startswith("บันทึกปัญหา") for name in workbook.sheetnames))

    def test_the_admin_lists_the_years_with_their_register(self):
        operator = get_user_model().objects.get(username="operator")
        log_in(self.client, operator)
        response = self.client.get(reverse("reports_annual:index"))
        self.assertContains(response, f"ปีงบประมาณ พ.ศ. {self.fiscal_year}")
        self.assertContains(response, "รออนุมัติ")
        detail = self.client.get(reverse("reports_annual:preview", args=[self.fiscal_year]))
        self.assertContains(detail, MUNICIPALITY_NAME)

    def test_the_demo_supervisor_may_approve_and_the_preparer_may_not(self):
        users = get_user_model().objects
        self.assertTrue(can_approve_annual_report(users.get(username="supervisor"), self.site))
        self.assertFalse(can_approve_annual_report(users.get(username="preparer"), self.site))
