"""The annual report (R6) as HTML, PDF and XLSX, from its snapshot alone.

Everything printed comes from the snapshot (the JSON the report froze when it was approved;
its shape is `services`' business) and from the template of the snapshot's
`template_version`: no clock, no database, no request. So a frozen report renders to the same
HTML and the same PDF years later, as long as the template of its version is kept. Change the
look by adding a version (a new template and stylesheet next to the old ones, a new entry in
`_TEMPLATES`), not by editing a version that reports have been approved with.

Official style (ระเบียบงานสารบรรณ): A4, margins 2.5 cm top, 3 cm left, 2 cm right and bottom,
Sarabun 16 pt, Buddhist Era dates and Thai digits, page numbers "- ๒ -" at the top centre from
the second page. Thai is set left-aligned, never justified: justification stretches the gaps
between the few breaking points Thai has into holes. Table rows never split across pages and
table headers repeat on every page a table spans.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from thesaban.core.thai_dates import (
    fiscal_year_label,
    format_thai_date,
)

from .charts import chart_svg
from .formatting import format_number, is_number, thai_text

TEMPLATE_VERSION = "1"
_TEMPLATES = {"1": "reports/document.html"}
_STYLESHEETS = {"1": "reports/document-1.css"}
# The site's own emblem (the one in its header) when the snapshot has none.
DEFAULT_EMBLEM = "img/emblem.svg"
# The municipality's emblem as `services` freezes it: an image, base64-encoded, nothing else
# (the snapshot is data; it must not be able to put anything else into the page).
_EMBLEM_DATA_URI = re.compile(
    r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}"
)

REPORT_TITLE = gettext_noop("รายงานผลการดำเนินงานตามมาตรการเผยแพร่ข้อมูลต่อสาธารณะ")


class SnapshotError(ValueError):
    """The snapshot cannot be rendered (unknown template version, missing parts)."""


# --- Reading the snapshot ----------------------------------------------------------------------
def _template_version(snapshot: dict) -> str:
    version = str(snapshot.get("template_version") or TEMPLATE_VERSION)
    if version not in _TEMPLATES:
        # Rendering an approved report with another version's template would quietly change a
        # frozen document; better to refuse.
        raise SnapshotError(f"no template for report template version {version!r}")
    return version


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def report_title(fiscal_year: int, *, thai_digits: bool) -> tuple[str, str]:
    """The two lines of the report's title: what it is, and for which fiscal year."""
    return _(REPORT_TITLE), _("ประจำ%(year)s") % {
        "year": fiscal_year_label(fiscal_year, thai_digits=thai_digits)
    }


# --- Blocks for the template -------------------------------------------------------------------
def _cell(value: object, numeric: bool, thai_digits: bool) -> dict:
    return {
        "text": format_number(value, thai_digits=thai_digits)
        if numeric or is_number(value)
        else thai_text(value, thai_digits=thai_digits),
        "numeric": numeric,
    }


def _table(block: dict, thai_digits: bool) -> dict:
    columns = [str(c) for c in block.get("columns", ())]
    numeric = list(block.get("numeric") or ())
    numeric += [False] * (len(columns) - len(numeric))
    rows = [
        [
            _cell(value, numeric[i] if i < len(numeric) else False, thai_digits)
            for i, value in enumerate(row)
        ]
        for row in block.get("rows", ())
    ]
    total = rows.pop() if block.get("total_row") and rows else None
    return {
        "type": "table",
        "title": thai_text(block.get("title", ""), thai_digits=thai_digits),
        "columns": [
            {"text": thai_text(c, thai_digits=thai_digits), "numeric": numeric[i]}
            for i, c in enumerate(columns)
        ],
        "rows": rows,
        "total": total,
    }


def _chart(block: dict, chart_id: str, thai_digits: bool) -> dict:
    labels = [str(label) for label in block.get("labels", ())]
    series = list(block.get("series", ()))
    # The numbers behind the chart, for the preview (and anyone who cannot see the drawing).
    rows = [
        [{"text": thai_text(label, thai_digits=thai_digits), "numeric": False}]
        + [
            _cell(s["values"][i] if i < len(s.get("values", ())) else None, True, thai_digits)
            for s in series
        ]
        for i, label in enumerate(labels)
    ]
    return {
        "type": "chart",
        "title": thai_text(block.get("title", ""), thai_digits=thai_digits),
        # Built by ElementTree, which escapes every text and attribute taken from the snapshot.
        "svg": mark_safe(chart_svg(block, chart_id=chart_id, thai_digits=thai_digits)),
        "columns": [{"text": _("รายการ"), "numeric": False}]
        + [
            {"text": thai_text(s.get("name", ""), thai_digits=thai_digits), "numeric": True}
            for s in series
        ],
        "rows": rows,
        "id": chart_id,
    }


def _block(block: dict, *, chart_id: str, thai_digits: bool) -> dict:
    kind = block.get("type")
    if kind == "paragraph":
        return {
            "type": "paragraph",
            "text": thai_text(block.get("text", ""), thai_digits=thai_digits),
        }
    if kind == "list":
        return {
            "type": "list",
            "items": [thai_text(item, thai_digits=thai_digits) for item in block.get("items", ())],
        }
    if kind == "figures":
        return {
            "type": "figures",
            "items": [
                {
                    "label": thai_text(item.get("label", ""), thai_digits=thai_digits),
                    "value": format_number(item.get("value"), thai_digits=thai_digits),
                    "unit": thai_text(item.get("unit", ""), thai_digits=thai_digits),
                }
                for item in block.get("items", ())
            ],
        }
    if kind == "table":
        return _table(block, thai_digits)
    if kind == "chart":
        return _chart(block, chart_id, thai_digits)
    raise SnapshotError(f"unknown block type {kind!r}")


def _context(
    snapshot: dict, *, for_pdf: bool, thai_digits: bool, links: Sequence[tuple[str, str]]
) -> dict:
    version = _template_version(snapshot)
    try:
        fiscal_year = int(snapshot["fiscal_year"])
        period = snapshot["period"]
        start, end = _date(period["start"]), _date(period["end"])
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotError(f"the snapshot has no fiscal year or period: {error}") from error
    generated_at = _moment(snapshot.get("generated_at"))
    municipality = snapshot.get("municipality") or {}
    approved = snapshot.get("approved")
    approved_at = _moment(approved.get("at")) if approved else None

    sections = []
    chart_count = 0
    for number, section in enumerate(snapshot.get("sections", ()), start=1):
        blocks = []
        for block in section.get("blocks", ()):
            if block.get("type") == "chart":
                chart_count += 1
            blocks.append(_block(block, chart_id=f"chart-{chart_count}", thai_digits=thai_digits))
        sections.append(
            {
                "number": thai_text(number, thai_digits=thai_digits),
                "anchor": f"section-{number}",
                "title": thai_text(section.get("title", ""), thai_digits=thai_digits),
                "key": str(section.get("key", "")),
                "blocks": blocks,
            }
        )

    title, subtitle = report_title(fiscal_year, thai_digits=thai_digits)
    name = str(municipality.get("name") or "")
    date_style = "official" if thai_digits else "long"
    return {
        "for_pdf": for_pdf,
        "thai_digits": thai_digits,
        "links": list(links),
        "stylesheet": _STYLESHEETS[version],
        "template_version": version,
        "title": title,
        "subtitle": subtitle,
        "document_title": f"{title} {subtitle} {name}".strip(),
        "municipality": name,
        "emblem_url": _emblem_url(municipality.get("emblem")),
        "period_start": format_thai_date(start, style=date_style),
        "period_end": format_thai_date(end, style=date_style),
        "generated_on": format_thai_date(generated_at, style=date_style),
        # WeasyPrint writes these into the PDF's information dictionary; taken from the
        # snapshot (never the clock) so the same report gives the same file.
        "created_w3c": _w3c(generated_at),
        "modified_w3c": _w3c(approved_at or generated_at),
        "approved": approved
        and {
            "by": thai_text(approved.get("by", ""), thai_digits=thai_digits),
            "position": thai_text(approved.get("position", ""), thai_digits=thai_digits),
            "on": format_thai_date(approved_at, style=date_style),
        },
        "sections": sections,
    }


def _emblem_url(emblem: str | None) -> str:
    """The cover's emblem: the municipality's own, frozen in the snapshot as a `data:` URI,
    or the site's static emblem."""
    if emblem and _EMBLEM_DATA_URI.fullmatch(emblem):
        return emblem
    if emblem and emblem.startswith("data:"):
        emblem = None
    # A frozen snapshot may name a file a later release no longer ships; the manifest storage
    # refuses unknown names, and the report must still render.
    try:
        return static(emblem or DEFAULT_EMBLEM)
    except ValueError:
        return static(DEFAULT_EMBLEM)


def _w3c(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.replace(microsecond=0).isoformat()


# --- The three outputs -------------------------------------------------------------------------
def render_html(
    snapshot: dict,
    *,
    for_pdf: bool = False,
    thai_digits: bool | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """The report as one HTML document.

    `for_pdf` leaves out what only a screen needs (the toolbar of `links`, given as
    (label, URL) pairs, and the charts' data tables). `thai_digits` (default: only for the
    PDF) writes every number and date with Thai digits, as the official style does; the
    preview uses Arabic digits unless asked, which staff check more easily.
    """
    if thai_digits is None:
        thai_digits = for_pdf
    # The document is Thai whatever language the admin user reads it in.
    with translation.override("th"):
        context = _context(snapshot, for_pdf=for_pdf, thai_digits=thai_digits, links=links)
        return render_to_string(_TEMPLATES[context["template_version"]], context)


def render_pdf(snapshot: dict) -> bytes:
    """The report in the official style as a PDF (fonts embedded; same snapshot, same bytes)."""
    # Imported here: the PDF engine costs every web worker memory, and few requests print.
    from thesaban.core.pdf import html_to_pdf

    return html_to_pdf(render_html(snapshot, for_pdf=True))


# --- XLSX --------------------------------------------------------------------------------------
_SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """An Excel sheet name for `title`: no []:*?/\\, at most 31 characters, not starting or
    ending with an apostrophe, unique (case-insensitively, as Excel compares) among `taken`,
    which it joins."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'").strip() or _("ตาราง")
    # "History" is reserved by Excel.
    if base.casefold() == "history":
        base = f"{base} 1"
    name = base[:_SHEET_NAME_MAX].strip()
    number = 1
    while name.casefold() in {t.casefold() for t in taken}:
        number += 1
        suffix = f" ({number})"
        name = base[: _SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    taken.add(name)
    return name


def _display_width(text: str) -> int:
    # Thai vowel and tone marks above and below a consonant take no width of their own.
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def _number_format(value: object) -> str:
    return "#,##0" if isinstance(value, int) else "#,##0.00"


def render_xlsx(snapshot: dict) -> bytes:
    """The report's tables as a workbook: a cover sheet (municipality, fiscal year, dates,
    and which sheet holds which table), the headline figures, then one sheet per table, with
    numbers kept as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    with translation.override("th"):
        context = _context(snapshot, for_pdf=True, thai_digits=False, links=())
        workbook = Workbook()
        cover = workbook.active
        cover.title = sheet_name(_("รายงาน"), taken := set())
        generated_at = _moment(snapshot.get("generated_at"))
        approved = context["approved"]
        cover_rows = [
            (_("หน่วยงาน"), context["municipality"]),
            (_("รายงาน"), context["title"]),
            (_("ปีงบประมาณ"), int(snapshot["fiscal_year"])),
            (
                _("ระยะเวลา"),
                _("%(start)s ถึง %(end)s")
                % {"start": context["period_start"], "end": context["period_end"]},
            ),
            (_("วันที่จัดทำ"), format_thai_date(generated_at, style="long")),
            (
                _("สถานะ"),
                _("อนุมัติแล้ว โดย %(by)s %(position)s เมื่อ %(on)s") % approved
                if approved
                else _("ฉบับร่าง"),
            ),
        ]
        cover.append([context["document_title"]])
        cover["A1"].font = Font(bold=True, size=14)
        cover.append([])
        for label, value in cover_rows:
            cover.append([label, value])
            cover.cell(cover.max_row, 1).font = bold
        cover.append([])
        index_header = cover.max_row + 1
        cover.append([_("แผ่นงาน"), _("หัวข้อ"), _("ตาราง")])
        for cell in cover[index_header]:
            cell.font = bold

        figures = [
            (section["title"], item)
            for section in snapshot.get("sections", ())
            for block in section.get("blocks", ())
            if block.get("type") == "figures"
            for item in block.get("items", ())
        ]
        if figures:
            sheet = workbook.create_sheet(sheet_name(_("ตัวเลขสำคัญ"), taken))
            cover.append([sheet.title, "", _("ตัวเลขสำคัญ")])
            sheet.append([_("หัวข้อ"), _("รายการ"), _("จำนวน"), _("หน่วย")])
            for section_title, item in figures:
                value = item.get("value")
                sheet.append([section_title, item.get("label", ""), value, item.get("unit", "")])
                if is_number(value):
                    sheet.cell(sheet.max_row, 3).number_format = _number_format(value)
            _finish_sheet(sheet, bold, numeric=[False, False, True, False])

        for section in snapshot.get("sections", ()):
            for block in section.get("blocks", ()):
                if block.get("type") != "table":
                    continue
                title = str(block.get("title") or section.get("title") or "")
                sheet = workbook.create_sheet(sheet_name(title, taken))
                cover.append([sheet.title, section.get("title", ""), title])
                columns = list(block.get("columns", ()))
                sheet.append(columns)
                for row in block.get("rows", ()):
                    sheet.append(list(row))
                    for column, value in enumerate(row, start=1):
                        if is_number(value):
                            sheet.cell(sheet.max_row, column).number_format = _number_format(value)
                if block.get("total_row") and block.get("rows"):
                    for cell in sheet[sheet.max_row]:
                        cell.font = bold
                numeric = list(block.get("numeric") or ()) + [False] * len(columns)
                _finish_sheet(sheet, bold, numeric=numeric[: len(columns)])
        _finish_sheet(cover, bold, numeric=[], header=False)
        cover["A1"].alignment = Alignment(wrap_text=False)

        # The file's own dates are the report's, not the moment it was downloaded.
        if generated_at is not None:
            workbook.properties.created = generated_at.replace(tzinfo=None)
        workbook.properties.title = context["document_title"]
        workbook.properties.creator = context["municipality"]
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()


def _finish_sheet(sheet, bold, *, numeric: Sequence[bool], header: bool = True) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    if header and sheet.max_row >= 1:
        for index, cell in enumerate(sheet[1]):
            cell.font = bold
            cell.alignment = Alignment(
                horizontal="right" if index < len(numeric) and numeric[index] else "left",
                vertical="top",
                wrap_text=True,
            )
        sheet.freeze_panes = "A2"
    for column_cells in sheet.iter_cols(min_row=2 if header else 3):
        widths = [_display_width(format_number(c.value, thai_digits=False)) for c in column_cells]
        head = sheet.cell(1, column_cells[0].column).value if header else None
        if head is not None:
            # A long header wraps; it need not set the width on its own.
            widths.append(min(_display_width(str(head)), 24))
        width = max(widths, default=8)
        letter = get_column_letter(column_cells[0].column)
        sheet.column_dimensions[letter].width = max(8, min(width + 2, 60))
