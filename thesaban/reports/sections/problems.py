"""Problems, obstacles and suggestions (announcement 3.3): the supervisor's final wording,
and the register entries of the year by division.

Where the supervisor has not worded a heading, the report lists the register's entries of that
kind as they were written, so that a report is never silent about what staff recorded.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.models import Site

from thesaban.core.thai_dates import format_thai_date

from ..models import AnnualReport, ProblemReport
from . import ReportPeriod, register


@register("problems", order=900)
def problems_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict:
    report = AnnualReport.objects.of_site(site).filter(fiscal_year=fiscal_year).first()
    wording = report.final_wording() if report else {}
    entries = list(
        ProblemReport.objects.of_site(site)
        .in_fiscal_year(fiscal_year)
        .select_related("division")
        .order_by("division__sort_order", "division__name", "date", "pk")
    )
    blocks: list[dict] = []
    for number, (kind, label) in enumerate(ProblemReport.Kind.choices, start=1):
        blocks.append({"type": "paragraph", "text": f"{number}. {label}"})
        points = wording.get(kind) or [
            f"{entry.text.strip()} ({entry.division.name})"
            for entry in entries
            if entry.kind == kind
        ]
        if points:
            blocks.append({"type": "list", "items": points})
        else:
            blocks.append({"type": "list", "items": [_("ไม่มี")]})
    if entries:
        blocks.append(
            {
                "type": "table",
                "title": _("บันทึกปัญหา อุปสรรค และข้อเสนอแนะของส่วนราชการ"),
                "columns": [_("ส่วนราชการ"), _("วันที่"), _("ประเภท"), _("รายละเอียด")],
                "rows": [
                    [
                        entry.division.name,
                        format_thai_date(entry.date),
                        entry.get_kind_display(),
                        entry.text.strip(),
                    ]
                    for entry in entries
                ],
                "numeric": [False] * 4,
                "total_row": False,
            }
        )
    return {"title": _("ปัญหา อุปสรรค และข้อเสนอแนะ"), "blocks": blocks}
