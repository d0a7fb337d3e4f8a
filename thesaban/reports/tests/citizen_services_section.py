"""A stand-in for a module contributing its own section (the citizen services of a complaints
app that does not exist yet), written as `sections/__init__.py` tells such a module to.

Not registered on import: a test registers it for itself and takes it out again, so the other
tests see the report as shipped.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.models import Site

from thesaban.reports.sections import ReportPeriod

TITLE = "การให้บริการประชาชน"
TABLE_TITLE = "เรื่องร้องเรียนจำแนกตามสถานะ"


def citizen_services_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict | None:
    received, finished, on_time = 12, 9, 8
    return {
        "title": TITLE,
        "blocks": [
            {
                "type": "figures",
                "items": [
                    {"label": "เรื่องร้องเรียนที่ได้รับ", "value": received, "unit": _("เรื่อง")},
                    {"label": "ดำเนินการแล้วเสร็จตามกำหนด", "value": on_time, "unit": _("เรื่อง")},
                ],
            },
            {
                "type": "table",
                "title": TABLE_TITLE,
                "columns": ["สถานะ", "จำนวน (เรื่อง)"],
                "rows": [
                    ["ดำเนินการแล้วเสร็จ", finished],
                    ["อยู่ระหว่างดำเนินการ", received - finished],
                    ["รวม", received],
                ],
                "numeric": [False, True],
                "total_row": True,
            },
        ],
    }


def nothing_to_report(site: Site, fiscal_year: int, period: ReportPeriod) -> dict | None:
    return None


def empty_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict | None:
    return {"title": "หัวข้อที่ไม่มีเนื้อหา", "blocks": []}
