"""The register of problems, obstacles and suggestions, and the annual report itself."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from thesaban.core.thai_dates import fiscal_year_bounds, local_date


class ProblemReportQuerySet(models.QuerySet):
    def of_site(self, site) -> ProblemReportQuerySet:
        """The register of one municipality (a `Site` or its id)."""
        return self.filter(site=site)

    def in_fiscal_year(self, fiscal_year: int) -> ProblemReportQuerySet:
        """Entries dated in `fiscal_year` (Buddhist Era)."""
        start, end = fiscal_year_bounds(fiscal_year)
        return self.filter(date__gte=start, date__lte=end)

    def for_divisions(self, divisions) -> ProblemReportQuerySet:
        return self.filter(division__in=divisions)


def _today() -> date:
    # The Bangkok date, whatever the server's timezone: the register is a Thai office's.
    return local_date(timezone.now())


class ProblemReport(models.Model):
    """One entry of the register (ปัญหา อุปสรรค และข้อเสนอแนะ) that staff keep during the year.

    Announcement 3.3 asks the annual report to state the problems, obstacles and suggestions of
    the disclosure measures: only people know them, so the people who meet them write them down
    when they meet them, and the supervisor words the report's final version from the register.
    """

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("ปัญหา")
        OBSTACLE = "obstacle", _("อุปสรรค")
        SUGGESTION = "suggestion", _("ข้อเสนอแนะ")

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    division = models.ForeignKey(
        "accounts.Division",
        verbose_name=_("ส่วนราชการ"),
        on_delete=models.PROTECT,
        related_name="problem_reports",
    )
    date = models.DateField(_("วันที่"), default=_today)
    kind = models.CharField(_("ประเภท"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("รายละเอียด"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้บันทึก"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("บันทึกเมื่อ"), auto_now_add=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("ปัญหา อุปสรรค และข้อเสนอแนะ")
        verbose_name_plural = _("ปัญหา อุปสรรค และข้อเสนอแนะ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean(self) -> None:
        # No database constraint can follow the division to its site: an entry filed under
        # another municipality's division would show in one register and count in another's
        # report. The form sets a new entry's site from its division before this runs.
        super().clean()
        known = self.division_id is not None and self.site_id is not None
        if known and self.division.site_id != self.site_id:
            raise ValidationError({"division": _("ส่วนราชการนี้ไม่ได้อยู่ในเทศบาลเดียวกับบันทึกนี้")})


class AnnualReportQuerySet(models.QuerySet):
    def of_site(self, site) -> AnnualReportQuerySet:
        """The reports of one municipality (a `Site` or its id)."""
        return self.filter(site=site)


class AnnualReport(models.Model):
    """The annual report of one fiscal year: a draft computed live, then approved and frozen.

    Approving stores the figures as they stand (`snapshot`) with the version of the template
    that prints them, and the PDF made from them; from then on the report is rendered from the
    snapshot only, so printing it again years later gives the same document.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("ฉบับร่าง")
        APPROVED = "approved", _("อนุมัติแล้ว")

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("เทศบาล"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    status = models.CharField(
        _("สถานะ"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The supervisor's final wording of announcement 3.3's three headings; one point a line.
    problems = models.TextField(
        _("ปัญหา"), blank=True, help_text=_("ถ้อยคำที่จะปรากฏในรายงาน บรรทัดละหนึ่งข้อ")
    )
    obstacles = models.TextField(
        _("อุปสรรค"), blank=True, help_text=_("ถ้อยคำที่จะปรากฏในรายงาน บรรทัดละหนึ่งข้อ")
    )
    suggestions = models.TextField(
        _("ข้อเสนอแนะ"), blank=True, help_text=_("ถ้อยคำที่จะปรากฏในรายงาน บรรทัดละหนึ่งข้อ")
    )
    approver_position = models.CharField(
        _("ตำแหน่งผู้อนุมัติ"),
        max_length=200,
        blank=True,
        help_text=_("ตำแหน่งที่พิมพ์ใต้ชื่อผู้อนุมัติ เช่น ปลัดเทศบาล"),
    )
    snapshot = models.JSONField(_("ข้อมูลของรายงานที่อนุมัติ"), null=True, blank=True, editable=False)
    template_version = models.CharField(
        _("รุ่นของแบบรายงาน"), max_length=20, blank=True, editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ผู้อนุมัติ"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("อนุมัติเมื่อ"), null=True, blank=True, editable=False)
    # The PDF made at approval. Losing it loses nothing: the snapshot renders the same bytes.
    pdf_document = models.ForeignKey(
        "core.SiteDocument",
        verbose_name=_("ไฟล์ PDF"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The draft DocumentPage made by "send to the site", which the three-step workflow publishes.
    site_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("หน้าบนเว็บไซต์"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("สร้างเมื่อ"), auto_now_add=True)
    updated_at = models.DateTimeField(_("แก้ไขล่าสุด"), auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("รายงานผลการดำเนินงานประจำปี")
        verbose_name_plural = _("รายงานผลการดำเนินงานประจำปี")
        constraints = [
            # An approved report without its frozen data could not be printed the same again.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False, approved_at__isnull=False),
                name="reports_approved_report_is_frozen",
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2400), name="reports_fiscal_year_is_buddhist_era"
            ),
            models.UniqueConstraint(
                fields=["site", "fiscal_year"], name="reports_one_report_per_site_and_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.fiscal_year}"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def final_wording(self) -> dict[str, list[str]]:
        """The supervisor's wording, one list of points per heading (kind of the register)."""
        return {
            ProblemReport.Kind.PROBLEM: _lines(self.problems),
            ProblemReport.Kind.OBSTACLE: _lines(self.obstacles),
            ProblemReport.Kind.SUGGESTION: _lines(self.suggestions),
        }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
