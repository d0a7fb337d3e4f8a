"""Approving freezes the report; sending it to the site makes a draft for the workflow."""

from __future__ import annotations

import base64
import io

import pypdf
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.images import ImageFile
from PIL import Image
from wagtail.models import Page, PageLogEntry

from thesaban.core.models import MunicipalitySettings, SiteImage
from thesaban.monitoring.models import Finding
from thesaban.pages.models import DocumentPage
from thesaban.publishing.tests.test_records import publish_directly
from thesaban.reports import rendering
from thesaban.reports.models import AnnualReport, ProblemReport
from thesaban.reports.services import (
    approve_report,
    build_snapshot,
    get_or_create_report,
    publish_report_to_site,
    report_snapshot,
    save_final_wording,
)

from .factories import FISCAL_YEAR, SeededYearTestCase, act, bangkok, submit
from .test_sections import blocks_of, figures

APPROVAL_DAY = bangkok(2026, 10, 20, 14)


def emblem_image(title: str, size: tuple[int, int], *, transparent: bool = False) -> SiteImage:
    picture = Image.new(
        "RGBA" if transparent else "RGB", size, (173, 20, 87, 0 if transparent else 255)
    )
    output = io.BytesIO()
    picture.save(output, format="PNG")
    image = SiteImage(
        title=title,
        description=f"ตราสัญลักษณ์ {title}",
        file=ImageFile(io.BytesIO(output.getvalue()), name="emblem.png"),
    )
    image.save()
    return image


def decoded(data_uri: str) -> tuple[str, Image.Image]:
    header, payload = data_uri.split(",", 1)
    return header, Image.open(io.BytesIO(base64.b64decode(payload)))


def cover_images(pdf: bytes) -> list[tuple[int, int]]:
    return [image.image.size for image in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images]


class ApprovalTests(SeededYearTestCase):
    def approve(self, user=None, at=APPROVAL_DAY) -> AnnualReport:
        with time_machine.travel(at, tick=False):
            report = get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR)
            return approve_report(report=report, user=user or self.office_supervisor)

    def test_approval_freezes_the_figures_the_wording_and_the_document(self):
        """Changing the data afterwards changes the live figures, never the approved report."""
        report = get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR)
        save_final_wording(
            report=report,
            user=self.office_supervisor,
            problems="ปัญหาที่สรุปแล้ว",
            obstacles="",
            suggestions="",
            approver_position="ปลัดเทศบาล",
        )
        report = self.approve()
        self.assertEqual(report.status, AnnualReport.Status.APPROVED)
        self.assertEqual(report.template_version, rendering.TEMPLATE_VERSION)
        self.assertEqual(
            report.snapshot["approved"],
            {"by": "office-supervisor", "position": "ปลัดเทศบาล", "at": "2026-10-20T14:00:00+07:00"},
        )
        html_before = rendering.render_html(report_snapshot(report))
        pdf = report.pdf_document.file.read()
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertGreaterEqual(len(pypdf.PdfReader(io.BytesIO(pdf)).pages), 2)

        # A publication back-dated into the year, a renamed municipality, a fixed finding and
        # a new register entry: all change the live figures.
        publish_directly(
            DocumentPage.objects.get(title="แผนการดำเนินงาน ประจำปี 2569"),
            self.superuser,
            at=bangkok(2026, 6, 1, 10),
        )
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.name = "เทศบาลนครชุมแสง"
        settings.save()
        self.finding_open.status = Finding.Status.RESOLVED
        self.finding_open.resolved_at = bangkok(2026, 7, 1)
        self.finding_open.save()
        ProblemReport.objects.create(
            site=self.site,
            division=self.finance,
            date=bangkok(2026, 5, 5).date(),
            kind="problem",
            text="ใหม่",
        )
        with time_machine.travel(bangkok(2027, 1, 5), tick=False):
            live = build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)
            report = AnnualReport.objects.get(pk=report.pk)
            frozen = report_snapshot(report)
            html_after = rendering.render_html(report_snapshot(report))
        self.assertEqual(figures(blocks_of(live, "publishing"))["การเผยแพร่ข้อมูล"], 6)
        self.assertEqual(live["municipality"]["name"], "เทศบาลนครชุมแสง")
        self.assertEqual(figures(blocks_of(frozen, "publishing"))["การเผยแพร่ข้อมูล"], 5)
        self.assertEqual(frozen["municipality"]["name"], "เทศบาลเมืองชุมแสง")
        self.assertEqual(frozen, report.snapshot)
        self.assertEqual(html_after, html_before)
        self.assertEqual(rendering.render_pdf(frozen), pdf)

    def set_emblem(self, image: SiteImage | None) -> None:
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.emblem = image
        settings.save()

    def test_the_municipalitys_emblem_is_frozen_into_the_report(self):
        """Scaled into the snapshot, printed on the cover, and kept when the emblem is later
        replaced and its file deleted."""
        emblem = emblem_image("ตราเทศบาล", (1024, 800))
        self.addCleanup(emblem.file.delete, save=False)
        self.set_emblem(emblem)
        with time_machine.travel(APPROVAL_DAY, tick=False):
            header, picture = decoded(
                build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)["municipality"]["emblem"]
            )
        self.assertEqual(header, "data:image/jpeg;base64")
        self.assertEqual(picture.size, (512, 400))

        report = self.approve()
        pdf = report.pdf_document.file.read()
        self.assertEqual(cover_images(pdf), [(512, 400)])
        html = rendering.render_html(report_snapshot(report))
        self.assertIn('<img class="emblem" src="data:image/jpeg;base64,', html)
        frozen_emblem = report.snapshot["municipality"]["emblem"]

        replacement = emblem_image("ตราใหม่", (300, 300), transparent=True)
        self.addCleanup(replacement.file.delete, save=False)
        self.set_emblem(replacement)
        emblem.file.delete(save=False)
        emblem.delete()
        with time_machine.travel(bangkok(2027, 1, 5), tick=False):
            header, picture = decoded(
                build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)["municipality"]["emblem"]
            )
            report = AnnualReport.objects.get(pk=report.pk)
            self.assertEqual(rendering.render_html(report_snapshot(report)), html)
            self.assertEqual(rendering.render_pdf(report_snapshot(report)), pdf)
        self.assertEqual((header, picture.size), ("data:image/png;base64", (300, 300)))
        self.assertEqual(report.snapshot["municipality"]["emblem"], frozen_emblem)

    def test_an_emblem_that_cannot_be_read_leaves_the_sites_own_on_the_cover(self):
        emblem = emblem_image("ตราที่ไฟล์หาย", (100, 100))
        emblem.file.delete(save=False)
        self.set_emblem(emblem)
        with self.assertLogs("thesaban.reports.services", "WARNING"):
            snapshot = build_snapshot(site=self.site, fiscal_year=FISCAL_YEAR)
        self.assertIsNone(snapshot["municipality"]["emblem"])
        self.assertIn('src="/static/img/emblem.svg"', rendering.render_html(snapshot))

    def test_a_report_is_approved_once(self):
        self.approve()
        with self.assertRaisesMessage(ValidationError, "อนุมัติแล้ว"):
            self.approve(at=bangkok(2026, 10, 21))
        report = AnnualReport.objects.get(fiscal_year=FISCAL_YEAR)
        self.assertEqual(report.approved_at, APPROVAL_DAY)
        with self.assertRaises(ValidationError):
            save_final_wording(
                report=report,
                user=self.office_supervisor,
                problems="เปลี่ยน",
                obstacles="",
                suggestions="",
                approver_position="",
            )

    def test_a_year_is_approved_only_after_it_ended(self):
        with self.assertRaisesMessage(ValidationError, "อนุมัติได้เมื่อสิ้น"):
            self.approve(at=bangkok(2026, 9, 30, 23, 59))
        self.assertFalse(AnnualReport.objects.get(fiscal_year=FISCAL_YEAR).is_approved)

    def test_only_the_supervisors_of_the_answerable_division_and_superusers_approve(self):
        """สำนักปลัดเทศบาล owns the annual-report section; web operators compile, not approve."""
        for user in (self.operator, self.supervisor, self.office_preparer, self.it_administrator):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.approve(user=user)
        self.assertEqual(self.approve(user=self.superuser).approved_by, self.superuser)


class SendToSiteTests(SeededYearTestCase):
    def test_sending_makes_a_draft_document_page_with_the_pdf_attached(self):
        with time_machine.travel(APPROVAL_DAY, tick=False):
            report = approve_report(
                report=get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR),
                user=self.office_supervisor,
            )
            page = publish_report_to_site(report=report, user=self.operator)
        page = DocumentPage.objects.get(pk=page.pk)
        section = Page.objects.get(url_path=f"{self.home.url_path}reports/annual-performance/")
        self.assertEqual(page.get_parent().pk, section.pk)
        self.assertFalse(page.live)
        self.assertTrue(page.has_unpublished_changes)
        self.assertEqual(page.fiscal_year, FISCAL_YEAR)
        self.assertEqual(page.date, APPROVAL_DAY.date())
        self.assertEqual(
            [attachment.document_id for attachment in page.attachments.all()],
            [report.pdf_document_id],
        )
        self.assertIsNotNone(page.get_latest_revision())
        self.assertFalse(
            PageLogEntry.objects.filter(
                page=page, action__in=("wagtail.publish", "wagtail.publish.scheduled")
            ).exists()
        )
        # Not public: only the three-step workflow publishes it.
        self.assertEqual(
            self.client.get(f"/reports/annual-performance/{page.slug}/").status_code, 404
        )
        report.refresh_from_db()
        self.assertEqual(report.site_page_id, page.pk)
        with self.assertRaisesMessage(ValidationError, "ส่งรายงานนี้ไปยังเว็บไซต์แล้ว"):
            publish_report_to_site(report=report, user=self.operator)

    def test_the_sent_page_goes_public_only_through_the_three_steps(self):
        """The preparer of the answerable division submits it, its supervisor and then a web
        operator approve; only the last step publishes, with the report's PDF attached."""
        with time_machine.travel(APPROVAL_DAY, tick=False):
            report = approve_report(
                report=get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR),
                user=self.office_supervisor,
            )
            page = publish_report_to_site(report=report, user=self.operator)
        page = DocumentPage.objects.get(pk=page.pk)
        state = submit(page, self.office_preparer, at=bangkok(2026, 10, 21, 9))
        act(state, self.office_supervisor, "approve", at=bangkok(2026, 10, 21, 10))
        page.refresh_from_db()
        self.assertFalse(page.live, "the supervisor's approval does not publish")
        act(state, self.operator, "approve", at=bangkok(2026, 10, 21, 11))
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(page.first_published_at, bangkok(2026, 10, 21, 11))
        response = self.client.get(page.url)
        self.assertContains(response, f"annual-report-{FISCAL_YEAR}")
        self.assertEqual(
            [attachment.document_id for attachment in page.attachments.all()],
            [report.pdf_document_id],
        )

    def test_a_draft_report_is_not_sent(self):
        report = get_or_create_report(site=self.site, fiscal_year=FISCAL_YEAR)
        with self.assertRaisesMessage(ValidationError, "ต้องอนุมัติรายงานก่อน"):
            publish_report_to_site(report=report, user=self.operator)
        with self.assertRaises(PermissionDenied):
            publish_report_to_site(report=report, user=self.preparer)
