"""What was published in the fiscal year, and what was taken down in an emergency.

A publication is a revision of a page going live: the first "wagtail.publish" (or the
scheduler's "wagtail.publish.scheduled") entry of that revision, as the publication record
counts it (`publishing.records.publications`), in the fiscal year of that moment. A page
edited and published three times counts three publications and one page.

A municipality's publications are those of the pages below its home page. Wagtail's audit
entry names the page only, not its site, so a page deleted since can no longer be placed in a
municipality and is left out of every report, as the publication record's listing leaves it
out (approving soon after the year ends keeps what was deleted later in the frozen copy).

The category of a page is the top-level section under the site's home page it sits in
(the eight categories of the announcement, and the home page's own items); the division is
the municipality's division that owns the page (`Division.objects.owning`).
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from wagtail.models import Page, PageLogEntry, Site

from thesaban.accounts.models import Division
from thesaban.core.thai_dates import format_thai_date, format_thai_datetime
from thesaban.publishing.records import publications
from thesaban.publishing.services import TAKEDOWN_ACTION

from . import DivisionNames, ReportPeriod, register

# Wagtail's tree paths grow by four characters a level (treebeard's `steplen`).
_STEP = Page.steplen


class _Categories:
    """The top-level section under the municipality's home of each page path, and its title."""

    def __init__(self, home: Page) -> None:
        self.home = home
        self.titles: dict[str, str] = dict(home.get_children().values_list("path", "title"))

    def of_path(self, path: str | None) -> str:
        """A key for the category: a tree path, "home", or "" when it is not known."""
        if path is None or not path.startswith(self.home.path):
            return ""
        if path == self.home.path:
            return "home"
        return path[: len(self.home.path) + _STEP]

    def title(self, key: str) -> str:
        if key == "home":
            return _("หน้าหลัก")
        return self.titles.get(key) or _("ไม่ทราบหมวด (หน้าถูกลบหรือย้ายออกจากเว็บไซต์)")


@register("publishing", order=100)
def publishing_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict:
    home = site.root_page
    entries = list(
        publications()
        .filter(
            page__path__startswith=home.path,
            timestamp__gte=period.start_moment,
            timestamp__lt=period.end_moment,
        )
        .order_by("timestamp", "pk")
        .values("page_id", "timestamp", "page__path")
    )
    paths = {entry["page_id"]: entry["page__path"] for entry in entries}
    page_ids = set(paths)
    categories = _Categories(home)
    owners = DivisionNames(site)
    owners.load(paths)

    per_category: Counter[str] = Counter()
    per_division: Counter[int | None] = Counter()
    per_month = [0] * 12
    for entry in entries:
        per_category[categories.of_path(paths.get(entry["page_id"]))] += 1
        division = owners.of_page(entry["page_id"]) if entry["page_id"] in paths else None
        per_division[division.pk if division else None] += 1
        per_month[period.month_index(entry["timestamp"])] += 1
    total = len(entries)

    # Tree order is the order of the site's menu; "home" first, the unknown last.
    category_rows = [
        [categories.title(key), per_category[key]]
        for key in sorted(per_category, key=lambda k: (k == "", k != "home", k))
    ]
    divisions = list(Division.objects.of_site(site))
    division_rows = [
        [division.name, per_division[division.pk]]
        for division in divisions
        if division.is_active or per_division[division.pk]
    ]
    if per_division[None]:
        division_rows.append([DivisionNames.name(None), per_division[None]])

    takedowns = _takedowns(home, period, owners)
    blocks: list[dict] = [
        {
            "type": "paragraph",
            "text": " ".join(
                (
                    _("ในปีงบประมาณ พ.ศ. %(year)s (%(start)s ถึง %(end)s)")
                    % {
                        "year": fiscal_year,
                        "start": format_thai_date(period.start, style="long"),
                        "end": format_thai_date(period.end, style="long"),
                    },
                    _("มีการเผยแพร่ข้อมูลผ่านเว็บไซต์ %(total)s ครั้ง ใน %(pages)s หน้า")
                    % {"total": f"{total:,}", "pages": f"{len(page_ids):,}"},
                    _("และถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน %(count)s รายการ")
                    % {"count": f"{len(takedowns):,}"},
                )
            ),
        },
        {
            "type": "figures",
            "items": [
                {"label": _("การเผยแพร่ข้อมูล"), "value": total, "unit": _("ครั้ง")},
                {"label": _("หน้าที่เผยแพร่"), "value": len(page_ids), "unit": _("หน้า")},
                {
                    "label": _("การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน"),
                    "value": len(takedowns),
                    "unit": _("รายการ"),
                },
            ],
        },
        {
            "type": "chart",
            "kind": "bar",
            "title": _("จำนวนครั้งที่เผยแพร่ข้อมูลรายเดือน"),
            "labels": period.month_labels(),
            "series": [{"name": _("การเผยแพร่ข้อมูล"), "values": per_month}],
        },
        _count_table(
            _("การเผยแพร่ข้อมูลรายเดือน"),
            _("เดือน"),
            [[label, count] for label, count in zip(period.month_labels(), per_month, strict=True)],
        ),
        _count_table(_("การเผยแพร่ข้อมูลจำแนกตามหมวดหมู่"), _("หมวดหมู่"), category_rows),
        _count_table(_("การเผยแพร่ข้อมูลจำแนกตามส่วนราชการ"), _("ส่วนราชการ"), division_rows),
    ]
    if takedowns:
        blocks.append(
            {
                "type": "table",
                "title": _("การถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วน"),
                "columns": [_("วันที่"), _("เรื่อง"), _("ส่วนราชการ"), _("เหตุผล")],
                "rows": takedowns,
                "numeric": [False, False, False, False],
                "total_row": False,
            }
        )
    else:
        blocks.append(
            {"type": "paragraph", "text": _("ไม่มีการถอดข้อมูลออกจากเว็บไซต์กรณีเร่งด่วนในปีงบประมาณนี้")}
        )
    return {"title": _("การเผยแพร่ข้อมูลผ่านเว็บไซต์"), "blocks": blocks}


def _count_table(title: str, heading: str, rows: list[list]) -> dict:
    return {
        "type": "table",
        "title": title,
        "columns": [heading, _("จำนวน (ครั้ง)")],
        "rows": [*rows, [_("รวม"), sum(row[1] for row in rows)]],
        "numeric": [False, True],
        "total_row": True,
    }


def _takedowns(home: Page, period: ReportPeriod, owners: DivisionNames) -> list[list]:
    """Emergency takedowns of the municipality's pages in the year (`publishing.services.
    take_down`'s audit entries)."""
    entries = list(
        PageLogEntry.objects.filter(
            action=TAKEDOWN_ACTION,
            page__path__startswith=home.path,
            timestamp__gte=period.start_moment,
            timestamp__lt=period.end_moment,
        ).order_by("timestamp", "pk")
    )
    owners.load(entry.page_id for entry in entries)
    return [
        [
            format_thai_datetime(entry.timestamp),
            entry.label,
            DivisionNames.name(owners.of_page(entry.page_id)),
            (entry.data or {}).get("reason", ""),
        ]
        for entry in entries
    ]
