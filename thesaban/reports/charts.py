"""The annual report's charts as inline SVG, drawn here in Python.

No JavaScript and no image files: the same SVG element shows in the admin's HTML preview and
is drawn by WeasyPrint into the PDF as vectors, in the document's own Sarabun font. Reports are
printed and photocopied in black and white, so series differ by shade, hatching, dash pattern
and marker shape, never by colour alone, and every bar or point carries its value. Each chart
has a `<title>` and a `<desc>` (read out by screen readers through `aria-labelledby`); the
HTML preview also shows the numbers as a table.

The output depends only on the arguments (no randomness, no clock), so a frozen report's charts
re-render byte for byte.
"""

from __future__ import annotations

import math
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .formatting import format_number, thai_text

SVG_NS = "http://www.w3.org/2000/svg"

# The drawing's own units; the page scales it to the text width (16 cm on A4 with the official
# margins), so one unit is about 0.27 mm and 13 units of text print at about 10 pt.
WIDTH = 600
HEIGHT = 300
_FONT_SIZE = 13
# The report stylesheet's two halves of Sarabun (see its @font-face rules for why two names).
# No space after the commas: WeasyPrint 70's SVG text strips the quotes of each name but not
# the spaces, so " 'Sarabun Thai'" named no font and Thai labels fell back to any Sarabun
# installed on the machine.
FONT_FAMILY = "'Sarabun Latin','Sarabun Thai',sans-serif"
_MARGIN_LEFT = 64
_MARGIN_RIGHT = 16
_MARGIN_TOP = 16
_LEGEND_HEIGHT = 26
_AXIS_LABEL_HEIGHT = 40
_AXIS_LABEL_HEIGHT_ROTATED = 56
# More categories than this and the x-axis labels are turned to fit.
_MAX_UPRIGHT_LABELS = 14
# More bars or points than this and the values are left to the axis and the data table.
_MAX_VALUE_LABELS = 26

# Told apart in greyscale: solid black, mid grey, diagonal hatching, light grey, then again.
_BAR_FILLS = ("#1a1a1a", "#8a8a8a", "hatch", "#d9d9d9")
_LINE_DASHES = ("", "7 4", "2 3", "9 3 2 3")
_MARKERS = ("circle", "square", "triangle", "diamond")
_GRID = "#bfbfbf"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


def _series(raw: Sequence[dict | Series]) -> list[Series]:
    series = []
    for item in raw:
        if isinstance(item, Series):
            series.append(item)
        else:
            values = tuple(float(v) if v is not None else 0.0 for v in item.get("values", ()))
            series.append(Series(str(item.get("name", "")), values))
    return series


def nice_ticks(maximum: float, minimum: float = 0.0, *, count: int = 5) -> list[float]:
    """Round axis ticks from `minimum` (at most 0) up to at least `maximum`: 1, 2 or 5 times a
    power of ten apart, whole numbers when the data are small whole numbers."""
    low = min(0.0, minimum)
    high = max(maximum, low)
    if high == low:
        high = low + count
    raw_step = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    if step < 1 and high - low >= count:
        step = 1.0
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value < high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high - 1e-9:
        ticks.append(round(value, 10))
    return ticks


def _number(value: float, thai_digits: bool) -> str:
    # Whole numbers print without a decimal point (the snapshot's ints arrive here as floats).
    shown: float | int = int(value) if float(value).is_integer() else value
    return format_number(shown, thai_digits=thai_digits)


def _element(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    child = ET.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()}
    )
    if text is not None:
        child.text = text
    return child


def _tooltip(parent: ET.Element, text: str) -> None:
    _element(parent, "title", text)


class _Frame:
    """The drawing area, the y scale and the category slots shared by both kinds of chart."""

    def __init__(self, labels: Sequence[str], series: list[Series]) -> None:
        values = [v for s in series for v in s.values] or [0.0]
        self.ticks = nice_ticks(max(values), min(values))
        self.rotated = len(labels) > _MAX_UPRIGHT_LABELS
        axis_height = _AXIS_LABEL_HEIGHT_ROTATED if self.rotated else _AXIS_LABEL_HEIGHT
        self.left = _MARGIN_LEFT
        self.right = WIDTH - _MARGIN_RIGHT
        self.top = _MARGIN_TOP + _LEGEND_HEIGHT
        self.bottom = HEIGHT - axis_height
        self.slot = (self.right - self.left) / max(len(labels), 1)

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def x_center(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)


def _svg_root(chart_id: str, title: str, description: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": str(WIDTH),
            "height": str(HEIGHT),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "class": "chart",
            "id": chart_id,
            "font-family": FONT_FAMILY,
            "font-size": str(_FONT_SIZE),
        },
    )
    _element(root, "title", title, id=f"{chart_id}-title")
    _element(root, "desc", description, id=f"{chart_id}-desc")
    return root


def _axes(root: ET.Element, frame: _Frame, labels: Sequence[str], thai_digits: bool) -> None:
    axes = _element(root, "g", class_="axes")
    for tick in frame.ticks:
        y = round(frame.y(tick), 2)
        if tick != frame.ticks[0]:
            _element(
                axes,
                "line",
                x1=frame.left,
                y1=y,
                x2=frame.right,
                y2=y,
                stroke=_GRID,
                stroke_width="0.6",
                stroke_dasharray="3 3",
            )
        _element(
            axes,
            "text",
            _number(tick, thai_digits),
            x=frame.left - 6,
            y=round(y + 4, 2),
            text_anchor="end",
        )
    # The zero line (or the lowest tick) and the y axis, solid.
    base = round(frame.y(max(frame.ticks[0], 0.0)), 2)
    _element(
        axes,
        "line",
        x1=frame.left,
        y1=base,
        x2=frame.right,
        y2=base,
        stroke="#000",
        stroke_width="1",
    )
    _element(
        axes,
        "line",
        x1=frame.left,
        y1=frame.top,
        x2=frame.left,
        y2=frame.bottom,
        stroke="#000",
        stroke_width="1",
    )
    for index, label in enumerate(labels):
        x = round(frame.x_center(index), 2)
        text = thai_text(label, thai_digits=thai_digits)
        if frame.rotated:
            y = frame.bottom + 10
            _element(
                axes,
                "text",
                text,
                x=x,
                y=y,
                text_anchor="end",
                transform=f"rotate(-45 {x} {y})",
                class_="x-label",
            )
        elif _text_width(text) > frame.slot - 4 and " " in text:
            # "ต.ค. 68" under a twelfth of the width: the month above, the year below.
            two_lines = _element(
                axes, "text", x=x, y=frame.bottom + 17, text_anchor="middle", class_="x-label"
            )
            first, second = text.rsplit(" ", 1)
            _element(two_lines, "tspan", first, x=x)
            _element(two_lines, "tspan", second, x=x, dy=_FONT_SIZE + 2)
        else:
            _element(
                axes, "text", text, x=x, y=frame.bottom + 17, text_anchor="middle", class_="x-label"
            )


def _text_width(text: str) -> float:
    # Roughly, in drawing units: vowel and tone marks above and below take no width.
    return 0.6 * _FONT_SIZE * sum(1 for ch in text if unicodedata.category(ch) != "Mn")


def _legend(root: ET.Element, series: list[Series], kind: str, chart_id: str) -> None:
    legend = _element(root, "g", class_="legend")
    x, y = float(_MARGIN_LEFT), _MARGIN_TOP
    for index, item in enumerate(series):
        if kind == "bar":
            _element(
                legend,
                "rect",
                x=x,
                y=y - 10,
                width=14,
                height=12,
                fill=_bar_fill(index, chart_id),
                stroke="#000",
                stroke_width="0.6",
            )
        else:
            _element(
                legend,
                "line",
                x1=x,
                y1=y - 4,
                x2=x + 22,
                y2=y - 4,
                stroke="#000",
                stroke_width="1.6",
                stroke_dasharray=_LINE_DASHES[index % 4] or "none",
            )
            _marker(legend, index, x + 11, y - 4, css_class="legend-point")
        label_x = x + (20 if kind == "bar" else 28)
        _element(legend, "text", item.name, x=label_x, y=y)
        x = label_x + _text_width(item.name) + 24
        if x > WIDTH - 120:
            x, y = float(_MARGIN_LEFT), y + 16


def _bar_fill(index: int, chart_id: str) -> str:
    fill = _BAR_FILLS[index % len(_BAR_FILLS)]
    return f"url(#{chart_id}-hatch)" if fill == "hatch" else fill


def _marker(
    parent: ET.Element, index: int, x: float, y: float, css_class: str = "point"
) -> ET.Element:
    shape = _MARKERS[index % len(_MARKERS)]
    # Black and white in turn as well as four shapes, so neighbouring series read apart on paper.
    fill = "#000" if index % 2 == 0 else "#fff"
    x, y = round(x, 2), round(y, 2)
    common = {"fill": fill, "stroke": "#000", "stroke_width": "1.2", "class_": css_class}
    if shape == "circle":
        return _element(parent, "circle", cx=x, cy=y, r="3.5", **common)
    if shape == "square":
        return _element(parent, "rect", x=x - 3.5, y=y - 3.5, width=7, height=7, **common)
    if shape == "triangle":
        points = f"{x},{y - 4.5} {x + 4.5},{y + 3.5} {x - 4.5},{y + 3.5}"
    else:
        points = f"{x},{y - 5} {x + 5},{y} {x},{y + 5} {x - 5},{y}"
    return _element(parent, "polygon", points=points, **common)


def _description(kind: str, labels: Sequence[str], series: list[Series], thai_digits: bool) -> str:
    kind_name = _("แผนภูมิแท่ง") if kind == "bar" else _("แผนภูมิเส้น")
    if not labels or not series:
        return _("%(kind)s ไม่มีข้อมูล") % {"kind": kind_name}
    parts = []
    for item in series:
        values = list(item.values) or [0.0]
        top = max(range(len(values)), key=values.__getitem__)
        parts.append(
            _("%(name)s รวม %(total)s สูงสุด %(max)s (%(label)s)")
            % {
                "name": item.name,
                "total": _number(sum(values), thai_digits),
                "max": _number(values[top], thai_digits),
                "label": thai_text(
                    labels[top] if top < len(labels) else "", thai_digits=thai_digits
                ),
            }
        )
    return _("%(kind)s %(first)s ถึง %(last)s: %(series)s") % {
        "kind": kind_name,
        "first": thai_text(labels[0], thai_digits=thai_digits),
        "last": thai_text(labels[-1], thai_digits=thai_digits),
        "series": "; ".join(parts),
    }


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[dict | Series],
    *,
    chart_id: str = "chart",
    thai_digits: bool = False,
) -> str:
    """Grouped vertical bars: one group per label, one bar per series, the value above each."""
    return _chart("bar", title, labels, series, chart_id=chart_id, thai_digits=thai_digits)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[dict | Series],
    *,
    chart_id: str = "chart",
    thai_digits: bool = False,
) -> str:
    """One line per series across the labels, with a marker and (when few) the value at each."""
    return _chart("line", title, labels, series, chart_id=chart_id, thai_digits=thai_digits)


def chart_svg(block: dict, *, chart_id: str, thai_digits: bool = False) -> str:
    """The SVG of a snapshot's chart block (`kind` "bar" or "line")."""
    kind = block.get("kind", "bar")
    if kind not in ("bar", "line"):
        raise ValueError(f"unknown chart kind {kind!r}")
    return _chart(
        kind,
        str(block.get("title", "")),
        [str(label) for label in block.get("labels", ())],
        block.get("series", ()),
        chart_id=chart_id,
        thai_digits=thai_digits,
    )


def _chart(
    kind: str,
    title: str,
    labels: Sequence[str],
    raw_series: Sequence[dict | Series],
    *,
    chart_id: str,
    thai_digits: bool,
) -> str:
    series = [
        Series(thai_text(s.name, thai_digits=thai_digits), s.values) for s in _series(raw_series)
    ]
    labels = [thai_text(label, thai_digits=thai_digits) for label in labels]
    root = _svg_root(chart_id, title, _description(kind, labels, series, thai_digits))
    if kind == "bar" and any(
        _BAR_FILLS[i % len(_BAR_FILLS)] == "hatch" for i in range(len(series))
    ):
        defs = _element(root, "defs")
        pattern = _element(
            defs,
            "pattern",
            id=f"{chart_id}-hatch",
            width="6",
            height="6",
            patternUnits="userSpaceOnUse",
            patternTransform="rotate(45)",
        )
        _element(pattern, "rect", width="6", height="6", fill="#fff")
        _element(pattern, "line", x1="0", y1="0", x2="0", y2="6", stroke="#000", stroke_width="2")
    frame = _Frame(labels, series)
    _axes(root, frame, labels, thai_digits)
    points_total = len(labels) * len(series)
    show_values = points_total <= _MAX_VALUE_LABELS
    plot = _element(root, "g", class_="plot")
    if kind == "bar":
        _bars(plot, frame, labels, series, chart_id, thai_digits, show_values)
    else:
        _lines(plot, frame, labels, series, thai_digits, show_values)
    if series:
        _legend(root, series, kind, chart_id)
    return ET.tostring(root, encoding="unicode")


def _bars(plot, frame, labels, series, chart_id, thai_digits, show_values) -> None:
    group = frame.slot * 0.72
    width = group / max(len(series), 1)
    base = frame.y(max(frame.ticks[0], 0.0))
    for s_index, item in enumerate(series):
        bars = _element(plot, "g", class_="series", data_series=item.name)
        for index, label in enumerate(labels):
            value = item.values[index] if index < len(item.values) else 0.0
            x = frame.x_center(index) - group / 2 + width * s_index
            top = frame.y(value)
            y, height = (top, base - top) if value >= 0 else (base, top - base)
            bar = _element(
                bars,
                "rect",
                x=round(x, 2),
                y=round(y, 2),
                width=round(width, 2),
                height=round(height, 2),
                fill=_bar_fill(s_index, chart_id),
                stroke="#000",
                stroke_width="0.6",
                class_="bar",
                data_value=_number(value, False),
            )
            _tooltip(
                bar,
                f"{item.name} {thai_text(label, thai_digits=thai_digits)}: "
                f"{_number(value, thai_digits)}",
            )
            if show_values:
                _element(
                    bars,
                    "text",
                    _number(value, thai_digits),
                    x=round(x + width / 2, 2),
                    y=round(min(y, base) - 4, 2),
                    text_anchor="middle",
                    font_size="11",
                    class_="value",
                )


def _lines(plot, frame, labels, series, thai_digits, show_values) -> None:
    for s_index, item in enumerate(series):
        group = _element(plot, "g", class_="series", data_series=item.name)
        points = []
        for index in range(len(labels)):
            value = item.values[index] if index < len(item.values) else 0.0
            points.append((frame.x_center(index), frame.y(value), value))
        _element(
            group,
            "polyline",
            points=" ".join(f"{round(x, 2)},{round(y, 2)}" for x, y, _v in points),
            fill="none",
            stroke="#000",
            stroke_width="1.6",
            stroke_dasharray=_LINE_DASHES[s_index % len(_LINE_DASHES)] or "none",
        )
        for index, (x, y, value) in enumerate(points):
            marker = _marker(group, s_index, x, y)
            _tooltip(
                marker,
                f"{item.name} {thai_text(labels[index], thai_digits=thai_digits)}: "
                f"{_number(value, thai_digits)}",
            )
            if show_values:
                # Above the point where this line is the highest there, below where another
                # line runs above it: the number then sits clear of both lines.
                others = [
                    other.values[index]
                    for other in series
                    if other is not item and index < len(other.values)
                ]
                dy = -8 if not others or value >= max(others) else 18
                _element(
                    group,
                    "text",
                    _number(value, thai_digits),
                    x=round(x, 2),
                    y=round(y + dy, 2),
                    text_anchor="middle",
                    font_size="11",
                    class_="value",
                )
