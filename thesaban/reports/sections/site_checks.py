"""What the daily site check (announcement 3.2, `monitoring`) found in the fiscal year.

- Runs: check runs started in the year.
- Found: findings first seen in the year, by kind and by the division they were routed to.
- Fixed: findings resolved in the year; the time to fix is `resolved_at − first_seen_at`.
- At year end, as of the period's end whatever happened since (a finding fixed in October
  still stood at the end of the year before), each finding first seen before the end and not
  resolved by then is either
  - accepted ("ยอมรับได้"): staff had decided before the end that it may stay, with a reason
    (`Finding.accepted_at`); reported apart, since nobody is expected to fix it; or
  - open: everything else, including a finding accepted only after the end, and one accepted
    before `accepted_at` was kept whose acceptance left no audit entry (migration 0003 of
    monitoring): with no time, it is not claimed as accepted.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail.models import Site

from thesaban.accounts.models import Division
from thesaban.monitoring.models import CheckRun, Finding

from . import DivisionNames, ReportPeriod, hours, median, register, rounded


@register("site_checks", order=300)
def site_checks_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict:
    start, end = period.start_moment, period.end_moment
    # The municipality's own check runs and findings (each carries its site).
    runs = CheckRun.objects.filter(site=site, started_at__gte=start, started_at__lt=end)
    run_count = runs.count()
    finished_runs = runs.filter(status=CheckRun.Status.FINISHED).count()

    # Every finding that was found, fixed or still open within the year.
    findings = (
        Finding.objects.filter(site=site, first_seen_at__lt=end)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=start))
        .values("kind", "division_id", "first_seen_at", "resolved_at", "accepted_at")
    )
    found: Counter[tuple[str, int | None]] = Counter()
    fixed: Counter[tuple[str, int | None]] = Counter()
    still_open: Counter[tuple[str, int | None]] = Counter()
    accepted: Counter[tuple[str, int | None]] = Counter()
    times_to_fix = []
    for finding in findings:
        key = (finding["kind"], finding["division_id"])
        resolved_at = finding["resolved_at"]
        if period.contains(finding["first_seen_at"]):
            found[key] += 1
        if period.contains(resolved_at):
            fixed[key] += 1
            times_to_fix.append(hours(resolved_at - finding["first_seen_at"]))
        if resolved_at is None or resolved_at >= end:
            accepted_at = finding["accepted_at"]
            if accepted_at is not None and accepted_at < end:
                accepted[key] += 1
            else:
                still_open[key] += 1

    def by(position: int, counter: Counter) -> Counter:
        totals: Counter = Counter()
        for key, count in counter.items():
            totals[key[position]] += count
        return totals

    kind_totals = [by(0, found), by(0, fixed), by(0, still_open), by(0, accepted)]
    kind_rows = [
        [str(label), *(totals[kind] for totals in kind_totals)]
        for kind, label in Finding.Kind.choices
        if any(totals[kind] for totals in kind_totals)
    ]
    division_totals = [by(1, found), by(1, fixed), by(1, still_open), by(1, accepted)]
    division_rows = [
        [division.name, *(totals[division.pk] for totals in division_totals)]
        for division in Division.objects.of_site(site)
        if division.is_active or any(totals[division.pk] for totals in division_totals)
    ]
    if any(totals[None] for totals in division_totals):
        division_rows.append(
            [DivisionNames.name(None), *(totals[None] for totals in division_totals)]
        )
    middle = median(times_to_fix)
    columns = [_("พบในปี"), _("แก้ไขแล้วในปี"), _("ยังไม่แก้ไข ณ สิ้นปี"), _("ยอมรับได้ ณ สิ้นปี")]
    blocks = [
        {
            "type": "paragraph",
            "text": _(
                "ระบบตรวจเว็บไซต์ประจำวันตรวจทุกหน้าที่เผยแพร่และลิงก์ในหน้า ความเป็นปัจจุบันของข้อมูล "
                "และรายการที่รอการพิจารณา ข้อบกพร่องที่พบแจ้งส่วนราชการที่รับผิดชอบจนกว่าจะแก้ไข "
                "ข้อบกพร่องที่ส่วนราชการพิจารณาแล้วว่ายอมรับได้พร้อมเหตุผล แสดงแยกจากข้อบกพร่องที่ยังไม่แก้ไข"
            ),
        },
        {
            "type": "figures",
            "items": [
                {"label": _("การตรวจเว็บไซต์"), "value": run_count, "unit": _("ครั้ง")},
                {"label": _("ตรวจครบทุกหน้า"), "value": finished_runs, "unit": _("ครั้ง")},
                {"label": _("ข้อบกพร่องที่พบ"), "value": found.total(), "unit": _("รายการ")},
                {"label": _("แก้ไขแล้ว"), "value": fixed.total(), "unit": _("รายการ")},
                {
                    "label": _("มัธยฐานของเวลาที่ใช้แก้ไข"),
                    "value": rounded(middle / 24 if middle is not None else None, 2),
                    "unit": _("วัน"),
                },
                {
                    "label": _("ยังไม่แก้ไข ณ สิ้นปีงบประมาณ"),
                    "value": still_open.total(),
                    "unit": _("รายการ"),
                },
                {
                    "label": _("ยอมรับได้ (ไม่ต้องแก้ไข) ณ สิ้นปีงบประมาณ"),
                    "value": accepted.total(),
                    "unit": _("รายการ"),
                },
            ],
        },
        _table(_("ข้อบกพร่องจำแนกตามประเภท"), _("ประเภท"), columns, kind_rows),
        _table(_("ข้อบกพร่องจำแนกตามส่วนราชการ"), _("ส่วนราชการ"), columns, division_rows),
    ]
    return {"title": _("ผลการตรวจเว็บไซต์ประจำวัน"), "blocks": blocks}


def _table(title: str, heading: str, columns: list[str], rows: list[list]) -> dict:
    totals = [sum(row[i] for row in rows) for i in range(1, len(columns) + 1)]
    return {
        "type": "table",
        "title": title,
        "columns": [heading, *columns],
        "rows": [*rows, [_("รวม"), *totals]],
        "numeric": [False, *([True] * len(columns))],
        "total_row": True,
    }
