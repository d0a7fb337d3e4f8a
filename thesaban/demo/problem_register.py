"""The demo municipality's register of problems, obstacles and suggestions (made up).

Called by `services.load_demo`. The
entries are dated in the previous fiscal year, so that the demo's annual report of that year,
the one staff would approve now, has something of its own to say. Like the rest of the demo,
loading again adds only what is missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from thesaban.accounts.models import Division
from thesaban.core.thai_dates import current_fiscal_year, fiscal_year_bounds
from thesaban.reports.models import ProblemReport

# (division code, days after the start of the fiscal year, kind, text)
DEMO_REGISTER = (
    (
        "office",
        20,
        ProblemReport.Kind.PROBLEM,
        "ผู้จัดทำข้อมูลบางส่วนยังไม่คุ้นเคยกับขั้นตอนการขออนุญาตเผยแพร่ 3 ขั้นตอน ทำให้ส่งเรื่องล่าช้าในช่วงแรก",
    ),
    (
        "finance",
        75,
        ProblemReport.Kind.OBSTACLE,
        "ประกาศจัดซื้อจัดจ้างจากระบบ e-GP ต้องดาวน์โหลดและจัดทำไฟล์ซ้ำเพื่อเผยแพร่บนเว็บไซต์",
    ),
    (
        "engineering",
        140,
        ProblemReport.Kind.PROBLEM,
        "เว็บไซต์ของหน่วยงานภายนอกเปลี่ยนที่อยู่บ่อย ระบบตรวจเว็บไซต์จึงพบลิงก์เสียในหน้าเดิมซ้ำ",
    ),
    (
        "health",
        200,
        ProblemReport.Kind.SUGGESTION,
        "ควรกำหนดผู้จัดทำข้อมูลสำรองในแต่ละกอง เพื่อให้เผยแพร่ข้อมูลได้ในช่วงที่ผู้รับผิดชอบลาพักผ่อน",
    ),
    (
        "strategy",
        300,
        ProblemReport.Kind.SUGGESTION,
        "ควรจัดอบรมการใช้ระบบเผยแพร่ข้อมูลให้ผู้จัดทำข้อมูลของทุกกองปีละ 2 ครั้ง",
    ),
)


def ensure_demo_register(divisions: dict[str, Division]) -> int:
    """Add the demo register entries that are missing; returns how many were added."""
    start, end = fiscal_year_bounds(current_fiscal_year(timezone.now()) - 1)
    added = 0
    for code, days, kind, text in DEMO_REGISTER:
        division = divisions.get(code)
        if division is None:
            continue
        _entry, created = ProblemReport.objects.get_or_create(
            division=division,
            kind=kind,
            text=text,
            defaults={"date": min(start + timedelta(days=days), end), "site": division.site},
        )
        added += created
    return added
