"""Building, approving and publishing the annual report (R6), and who may do what with it.

The snapshot is the report's data as plain JSON, the contract between the figures
(`sections`) and the printing (`rendering`):

    {"schema": 1, "template_version": "1", "fiscal_year": 2569,
     "period": {"start": "2025-10-01", "end": "2026-09-30"},
     "generated_at": "<ISO datetime>",
     "municipality": {"name": "...", "emblem": "data:image/png;base64,..." | null},
     "approved": {"by": "...", "position": "...", "at": "<ISO datetime>"} | null,
     "sections": [{"key": "publishing", "title": "...", "blocks": [...]}, ...]}

A draft is computed afresh each time it is shown. Approving freezes it: the snapshot, the
template version and the PDF are stored, and from then on every rendering (preview, PDF, XLSX,
the copy sent to the site) is made from the stored snapshot, so it is the same document.

Every report is one municipality's (a Wagtail `Site`): its figures count only that site's
pages, check runs, findings, register entries and divisions, and its name and emblem come from
that site's settings (`MunicipalitySettings.for_site`, Settings → ข้อมูลหน่วยงาน). The
emblem is stored in the snapshot itself, as a `data:` URI of the image scaled to at most
`EMBLEM_MAX_PIXELS` (a 3 cm cover emblem needs no more): a later upload, change or deletion of
the emblem, or a lost media file, leaves an approved report as it was, and the PDF engine
embeds it without reading a file or the network (`core.pdf`). No emblem set, or one that
cannot be read: null, and the cover shows the site's own emblem.

Who may do what (a decision; see also docs/architecture.md), always in one municipality: the
person's own, or any for the host's superusers (`accounts.access`):

- See the report, preview and download it: superusers, web operators and the supervisors of
  any division of the municipality, the people who answer for what is published.
- Word the problems, obstacles and suggestions, and approve: superusers and the supervisors of
  the division answerable for the site's annual-report section ("reports/annual-performance",
  usually สำนักปลัด, found by `Division.objects.owning` among the site's divisions).
  Announcement 3.3 has the report go to the superior; web operators compile the figures but
  do not approve a report on their own work (maker–checker).
- Send the approved report to the site: superusers, web operators, and the preparers and
  supervisors of that division. Sending only makes a draft page: it goes public through the
  three-step workflow like any other item.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Site

from thesaban.accounts import access as staff_access
from thesaban.accounts.models import Division
from thesaban.accounts.services import site_collection
from thesaban.core.models import MunicipalitySettings, SiteDocument, SiteImage
from thesaban.core.thai_dates import (
    BANGKOK,
    current_fiscal_year,
    fiscal_year_label,
    local_date,
)
from thesaban.pages.models import Attachment, DocumentIndexPage, DocumentPage

from . import rendering
from .models import AnnualReport
from .sections import ReportPeriod, build_sections

SCHEMA = 1
# Where the annual report lives on the site (pages.information_architecture).
ANNUAL_REPORT_SECTION = "reports/annual-performance"
APPROVE_ACTION = "thesaban.annual_report.approve"
SEND_ACTION = "thesaban.annual_report.send_to_site"
# The first fiscal year the admin offers: the system did not exist before.
FIRST_FISCAL_YEAR = 2568
# The emblem is printed 3 cm wide: about 430 pixels at 360 dpi.
EMBLEM_MAX_PIXELS = 512

logger = logging.getLogger(__name__)


# --- The snapshot ------------------------------------------------------------------------------
def template_version() -> str:
    return str(getattr(rendering, "TEMPLATE_VERSION", "1"))


def emblem_data_uri(image: SiteImage) -> str | None:
    """The emblem as a `data:` URI to freeze in the snapshot: a raster image scaled down to
    `EMBLEM_MAX_PIXELS` (PNG if it has transparency, else JPEG), an SVG as it is; None if the
    file is missing, unreadable or too large."""
    from PIL import Image, ImageOps

    from thesaban.core.pdf import DATA_URI_MAX_BYTES

    try:
        with image.open_file() as file:
            data = file.read(DATA_URI_MAX_BYTES + 1) if image.is_svg() else file.read()
        if image.is_svg():
            if len(data) > DATA_URI_MAX_BYTES:
                raise ValueError("SVG emblem too large")
            media_type, body = "image/svg+xml", data
        else:
            with Image.open(io.BytesIO(data)) as picture:
                picture = ImageOps.exif_transpose(picture)
                has_alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
                picture = picture.convert("RGBA" if has_alpha else "RGB")
                picture.thumbnail((EMBLEM_MAX_PIXELS, EMBLEM_MAX_PIXELS), Image.Resampling.LANCZOS)
                output = io.BytesIO()
                if has_alpha:
                    media_type = "image/png"
                    picture.save(output, format="PNG", optimize=True)
                else:
                    media_type = "image/jpeg"
                    picture.save(output, format="JPEG", quality=90)
                body = output.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        # The report still prints, with the site's own emblem on its cover.
        logger.warning("The municipality's emblem %s cannot be used: %s", image.pk, error)
        return None
    return f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}"


def _municipality(site: Site) -> dict:
    settings = MunicipalitySettings.for_site(site)
    emblem = None
    if settings.emblem_id is not None:
        image = SiteImage.objects.filter(pk=settings.emblem_id).first()
        emblem = emblem_data_uri(image) if image is not None else None
    return {"name": settings.name or site.site_name or "", "emblem": emblem}


def build_snapshot(*, site: Site, fiscal_year: int) -> dict:
    """The report of municipality `site` for `fiscal_year` (Buddhist Era) as it stands now,
    not approved."""
    period = ReportPeriod.of(fiscal_year)
    # The report is a Thai document whatever language the person asking reads the admin in.
    with translation.override("th"):
        snapshot = {
            "schema": SCHEMA,
            "template_version": template_version(),
            "fiscal_year": fiscal_year,
            "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "generated_at": timezone.now().astimezone(BANGKOK).isoformat(),
            "municipality": _municipality(site),
            "approved": None,
            "sections": build_sections(site, fiscal_year, period),
        }
    # Exactly what a JSONField gives back: a draft previews as its approved copy will print,
    # and anything that is not plain JSON fails here rather than at approval.
    return json.loads(json.dumps(snapshot, ensure_ascii=False))


def report_snapshot(report: AnnualReport) -> dict:
    """What to render: the frozen snapshot once approved, the live figures before."""
    if report.is_approved:
        return report.snapshot
    return build_snapshot(site=report.site, fiscal_year=report.fiscal_year)


def municipality_label(site: Site) -> str:
    """How the admin names a municipality to the host, who sees them all."""
    return site.site_name or site.hostname


# --- Who may do what ---------------------------------------------------------------------------
def annual_report_section(site: Site) -> DocumentIndexPage | None:
    """The municipality's "รายงานผลการปฏิบัติงานประจำปี" page, where the report is sent."""
    home = site.root_page
    page = Page.objects.filter(
        path__startswith=home.path, url_path=f"{home.url_path}{ANNUAL_REPORT_SECTION}/"
    ).first()
    page = page.specific if page is not None else None
    return page if isinstance(page, DocumentIndexPage) else None


def responsible_division(site: Site) -> Division | None:
    """The division answerable for the report: the one of `site` owning its section."""
    section = annual_report_section(site)
    return Division.objects.of_site(site).owning(section) if section is not None else None


def can_view_annual_reports(user: AbstractBaseUser | None, site: Site) -> bool:
    """Those who oversee the municipality, and the supervisors of its divisions (a staff
    account belongs to one municipality: its divisions are that one's)."""
    if not staff_access.may_see_site(user, site):
        return False
    return staff_access.oversees(user, site) or staff_access.supervises_any(user)


def can_approve_annual_report(user: AbstractBaseUser | None, site: Site) -> bool:
    """Also who words the problems, obstacles and suggestions."""
    if not staff_access.may_see_site(user, site):
        return False
    return user.is_superuser or staff_access.is_supervisor_of(user, responsible_division(site))


def can_send_annual_report_to_site(user: AbstractBaseUser | None, site: Site) -> bool:
    if not staff_access.may_see_site(user, site):
        return False
    return staff_access.oversees(user, site) or staff_access.works_in(
        user, responsible_division(site)
    )


def offered_fiscal_years(site: Site, *, now: datetime | None = None) -> list[int]:
    """The years the admin lists for `site`, newest first: from the first year of the system
    to now, and any year a report of that municipality was made for."""
    current = current_fiscal_year(now)
    years = set(range(FIRST_FISCAL_YEAR, current + 1))
    years.update(AnnualReport.objects.of_site(site).values_list("fiscal_year", flat=True))
    return sorted(years, reverse=True)


# --- State changes -----------------------------------------------------------------------------
def get_or_create_report(*, site: Site, fiscal_year: int) -> AnnualReport:
    if not FIRST_FISCAL_YEAR <= fiscal_year <= current_fiscal_year():
        raise ValidationError(_("ไม่มีรายงานของปีงบประมาณนี้"))
    report, _created = AnnualReport.objects.get_or_create(site=site, fiscal_year=fiscal_year)
    return report


@transaction.atomic
def save_final_wording(
    *,
    report: AnnualReport,
    user: AbstractBaseUser,
    problems: str,
    obstacles: str,
    suggestions: str,
    approver_position: str,
) -> AnnualReport:
    """The supervisor's final wording of announcement 3.3's three headings; refused once
    approved (the approved text is part of the frozen report)."""
    if not can_approve_annual_report(user, report.site):
        raise PermissionDenied(_("เฉพาะผู้บังคับบัญชาของส่วนราชการที่รับผิดชอบรายงานเท่านั้นที่แก้ไขถ้อยคำได้"))
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.is_approved:
        raise ValidationError(_("รายงานนี้อนุมัติแล้ว แก้ไขไม่ได้"))
    report.problems = problems.strip()
    report.obstacles = obstacles.strip()
    report.suggestions = suggestions.strip()
    report.approver_position = approver_position.strip()
    report.save(
        update_fields=["problems", "obstacles", "suggestions", "approver_position", "updated_at"]
    )
    return report


def display_name(user: AbstractBaseUser) -> str:
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return name or user.get_username()


def _default_position(user: AbstractBaseUser, site: Site) -> str:
    division = responsible_division(site)
    if division is not None and staff_access.is_supervisor_of(user, division):
        return _("ผู้บังคับบัญชา %(division)s") % {"division": division.name}
    return ""


def _pdf_document(report: AnnualReport, pdf: bytes) -> SiteDocument:
    label = fiscal_year_label(report.fiscal_year)
    document = SiteDocument(
        title=f"{rendering.REPORT_TITLE} {label}",
        description=_("รายงานผลการดำเนินงานตามมาตรการเผยแพร่ข้อมูลต่อสาธารณะ %(year)s")
        % {"year": label},
        file=ContentFile(pdf, name=f"annual-report-{report.fiscal_year}.pdf"),
        # In the municipality's own collection: another's staff never see it in their choosers.
        collection=site_collection(report.site),
    )
    document.save()
    return document


@transaction.atomic
def approve_report(*, report: AnnualReport, user: AbstractBaseUser) -> AnnualReport:
    """Approve and freeze the report: its figures as they stand now, the template version, and
    the PDF. Refused for a year that has not ended, and a second time."""
    if not can_approve_annual_report(user, report.site):
        raise PermissionDenied(_("เฉพาะผู้บังคับบัญชาของส่วนราชการที่รับผิดชอบรายงานเท่านั้นที่อนุมัติได้"))
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.is_approved:
        raise ValidationError(_("รายงานนี้อนุมัติแล้ว"))
    period = ReportPeriod.of(report.fiscal_year)
    now = timezone.now()
    if now < period.end_moment:
        raise ValidationError(
            _("อนุมัติได้เมื่อสิ้น%(year)sแล้ว") % {"year": fiscal_year_label(report.fiscal_year)}
        )
    snapshot = build_snapshot(site=report.site, fiscal_year=report.fiscal_year)
    snapshot["approved"] = {
        "by": display_name(user),
        "position": report.approver_position or _default_position(user, report.site),
        "at": now.astimezone(BANGKOK).isoformat(),
    }
    report.snapshot = snapshot
    report.template_version = snapshot["template_version"]
    report.pdf_document = _pdf_document(report, rendering.render_pdf(snapshot))
    report.status = AnnualReport.Status.APPROVED
    report.approved_by = user
    report.approved_at = now
    report.save()
    log(instance=report, action=APPROVE_ACTION, user=user)
    return report


def _unique_slug(parent: Page, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


@transaction.atomic
def publish_report_to_site(*, report: AnnualReport, user: AbstractBaseUser) -> DocumentPage:
    """A draft DocumentPage of the approved report, its PDF attached, under the site's
    annual-report section. It goes public only through the three-step workflow: a preparer of
    the owning division submits it, a supervisor and a web operator approve it."""
    if not can_send_annual_report_to_site(user, report.site):
        raise PermissionDenied(_("คุณไม่มีสิทธิ์ส่งรายงานไปยังเว็บไซต์"))
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_approved:
        raise ValidationError(_("ต้องอนุมัติรายงานก่อนจึงส่งไปยังเว็บไซต์ได้"))
    if report.site_page_id is not None and Page.objects.filter(pk=report.site_page_id).exists():
        raise ValidationError(_("ส่งรายงานนี้ไปยังเว็บไซต์แล้ว"))
    parent = annual_report_section(report.site)
    if parent is None:
        raise ValidationError(_("ไม่พบหน้า “รายงานผลการปฏิบัติงานประจำปี” ในหมวดรายงานของเว็บไซต์"))
    document = report.pdf_document
    if document is None:
        # Deleted from the documents library: the snapshot makes the same file again.
        document = report.pdf_document = _pdf_document(
            report, rendering.render_pdf(report.snapshot)
        )
    label = fiscal_year_label(report.fiscal_year)
    title = f"{rendering.REPORT_TITLE} {label}"
    page = DocumentPage(
        title=title,
        slug=_unique_slug(parent, f"annual-report-{report.fiscal_year}"),
        fiscal_year=report.fiscal_year,
        date=local_date(report.approved_at),
        summary=_(
            "รายงานผลการดำเนินงานตามมาตรการเผยแพร่ข้อมูลต่อสาธารณะของเทศบาล %(year)s "
            "พร้อมปัญหา อุปสรรค และข้อเสนอแนะ"
        )
        % {"year": label},
        owner=user,
        live=False,
        attachments=[Attachment(document=document, title=title)],
    )
    parent.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    report.site_page = page
    report.save(update_fields=["site_page", "pdf_document", "updated_at"])
    log(instance=report, action=SEND_ACTION, user=user, data={"page_id": page.pk})
    return page
