"""The annual report and the register in the Wagtail admin: who sees, words, approves, sends
and records what."""

from __future__ import annotations

from django.urls import reverse

from thesaban.reports.models import AnnualReport, ProblemReport
from thesaban.reports.views import XLSX_TYPE

from .factories import FISCAL_YEAR, AdminClientMixin, SeededYearTestCase

# Wagtail's admin answers a refusal with a redirect to the dashboard and a message.
REFUSED = (302, 403)


class AdminTestCase(AdminClientMixin, SeededYearTestCase):
    pass


class AnnualReportAdminTests(AdminTestCase):
    def test_supervisors_and_web_operators_see_the_report_preparers_do_not(self):
        index = reverse("reports_annual:index")
        for user, status in (
            (self.operator, 200),
            (self.supervisor, 200),
            (self.office_supervisor, 200),
            (self.superuser, 200),
            (self.preparer, REFUSED),
            (self.it_administrator, REFUSED),
        ):
            with self.subTest(user=user.username):
                self.as_user(user)
                expected = status if isinstance(status, tuple) else (status,)
                self.assertIn(self.client.get(index).status_code, expected)
                detail = self.client.get(reverse("reports_annual:detail", args=[FISCAL_YEAR]))
                self.assertIn(detail.status_code, expected)
                preview = self.client.get(reverse("reports_annual:preview", args=[FISCAL_YEAR]))
                self.assertIn(preview.status_code, expected)

    def test_the_reports_menu_names_the_annual_report(self):
        self.as_user(self.operator)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertContains(response, f'"url": "{reverse("reports_annual:index")}"')
        self.as_user(self.preparer)
        response = self.client.get(reverse("wagtailadmin_home"))
        self.assertNotContains(response, reverse("reports_annual:index"))

    def test_the_preview_and_downloads_of_a_draft(self):
        self.as_user(self.operator)
        preview = self.client.get(reverse("reports_annual:preview", args=[FISCAL_YEAR]))
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, "เทศบาลเมืองชุมแสง")
        self.assertContains(preview, "ภาพมีข้อมูลส่วนบุคคล")
        self.assertEqual(preview["X-Frame-Options"], "SAMEORIGIN")
        pdf = self.client.get(reverse("reports_annual:pdf", args=[FISCAL_YEAR]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        self.assertIn("annual-report-2569-draft.pdf", pdf["Content-Disposition"])
        self.assertTrue(pdf.content.startswith(b"%PDF-"))
        xlsx = self.client.get(reverse("reports_annual:xlsx", args=[FISCAL_YEAR]))
        self.assertEqual(xlsx["Content-Type"], XLSX_TYPE)
        self.assertTrue(xlsx.content.startswith(b"PK"))
        # Nothing is stored by looking.
        self.assertFalse(AnnualReport.objects.exists())

    def test_the_web_operator_cannot_word_or_approve(self):
        self.as_user(self.operator)
        detail = self.client.get(reverse("reports_annual:detail", args=[FISCAL_YEAR]))
        self.assertNotContains(detail, reverse("reports_annual:approve", args=[FISCAL_YEAR]))
        self.assertNotContains(detail, 'name="problems"')
        response = self.client.post(reverse("reports_annual:approve", args=[FISCAL_YEAR]))
        self.assertIn(response.status_code, REFUSED)
        response = self.client.post(
            reverse("reports_annual:detail", args=[FISCAL_YEAR]), {"problems": "x"}
        )
        self.assertIn(response.status_code, REFUSED)
        self.assertFalse(AnnualReport.objects.exists())

    def test_the_supervisor_words_approves_and_then_the_operator_sends_it(self):
        self.as_user(self.office_supervisor)
        # The screens name the municipality in their links.
        detail_url = f"{reverse('reports_annual:detail', args=[FISCAL_YEAR])}?site={self.site.pk}"
        response = self.client.post(
            detail_url,
            {
                "problems": "ปัญหาสรุป",
                "obstacles": "",
                "suggestions": "ข้อเสนอสรุป",
                "approver_position": "ปลัดเทศบาล",
            },
        )
        self.assertRedirects(response, detail_url)
        preview = self.client.get(reverse("reports_annual:preview", args=[FISCAL_YEAR]))
        self.assertContains(preview, "ปัญหาสรุป")
        response = self.client.post(reverse("reports_annual:approve", args=[FISCAL_YEAR]))
        self.assertRedirects(response, detail_url)
        report = AnnualReport.objects.get(fiscal_year=FISCAL_YEAR)
        self.assertTrue(report.is_approved)
        detail = self.client.get(detail_url)
        self.assertContains(detail, "อนุมัติแล้วโดย")
        self.assertNotContains(detail, 'name="problems"')
        pdf = self.client.get(reverse("reports_annual:pdf", args=[FISCAL_YEAR]))
        self.assertIn("annual-report-2569.pdf", pdf["Content-Disposition"])

        self.as_user(self.operator)
        response = self.client.post(reverse("reports_annual:send_to_site", args=[FISCAL_YEAR]))
        report.refresh_from_db()
        self.assertRedirects(
            response,
            reverse("wagtailadmin_pages:edit", args=[report.site_page_id]),
            fetch_redirect_response=False,
        )
        self.assertFalse(report.site_page.live)

    def test_a_year_not_offered_is_not_found(self):
        self.as_user(self.operator)
        response = self.client.get(reverse("reports_annual:detail", args=[2400]))
        self.assertEqual(response.status_code, 404)


class ProblemRegisterAdminTests(AdminTestCase):
    def test_a_preparer_records_for_their_own_division_only(self):
        self.as_user(self.preparer)
        add_url = reverse("problem_reports:add")
        data = {"division": self.finance.pk, "date": "2026-10-20", "kind": "obstacle", "text": "x"}
        response = self.client.post(add_url, data)
        self.assertEqual(response.status_code, 302)
        entry = ProblemReport.objects.get(text="x")
        self.assertEqual(entry.recorded_by, self.preparer)
        self.assertEqual(entry.division, self.finance)
        response = self.client.post(add_url, {**data, "division": self.office.pk, "text": "y"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ProblemReport.objects.filter(text="y").exists())

    def test_the_listing_and_forms_keep_to_the_persons_divisions(self):
        office_entry = ProblemReport.objects.get(text="ควรจัดอบรมการใช้ระบบปีละ 2 ครั้ง")
        self.as_user(self.preparer)
        listing = self.client.get(reverse("problem_reports:index"))
        self.assertContains(listing, "เจ้าหน้าที่ยังไม่คุ้นเคยกับขั้นตอนอนุมัติ")
        self.assertNotContains(listing, office_entry.text)
        edit = self.client.get(reverse("problem_reports:edit", args=[office_entry.pk]))
        self.assertEqual(edit.status_code, 404)
        delete = self.client.post(reverse("problem_reports:delete", args=[office_entry.pk]))
        self.assertEqual(delete.status_code, 404)
        self.assertTrue(ProblemReport.objects.filter(pk=office_entry.pk).exists())

        self.as_user(self.operator)
        listing = self.client.get(reverse("problem_reports:index"))
        self.assertContains(listing, office_entry.text)
        edit = self.client.get(reverse("problem_reports:edit", args=[office_entry.pk]))
        self.assertEqual(edit.status_code, 200)

    def test_people_without_a_division_role_cannot_record(self):
        self.as_user(self.it_administrator)
        self.assertIn(self.client.get(reverse("problem_reports:index")).status_code, REFUSED)
        response = self.client.post(
            reverse("problem_reports:add"),
            {"division": self.finance.pk, "date": "2026-10-20", "kind": "problem", "text": "z"},
        )
        self.assertIn(response.status_code, REFUSED)
        self.assertFalse(ProblemReport.objects.filter(text="z").exists())
