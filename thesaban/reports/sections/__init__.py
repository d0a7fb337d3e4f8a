"""The parts of the annual report, each contributed by the part of the system it describes.

A section is a function `(site, fiscal_year, period) -> dict | None` registered with
`@register`: it returns one section of the report of municipality `site` (a Wagtail `Site`;
`{"title", "blocks"}`; `build_sections` adds the `key`; block types in `services`' docstring)
or None to leave itself out. `build_sections` calls them in `order`. Every figure is counted
in the fiscal year in which its event happened (a publication by the moment it went live, an
approval by the moment it was given), and every "at year end" figure is computed as of the
first moment after the period (1 October 00:00 Bangkok), not as of today: a report of last
year reads the same whenever it is built. Every figure is the municipality's own: pages below
its home page (`site.root_page`), records whose `site` is it, its divisions; another
municipality on the same install never shows.

How a module contributes its section (the citizen services of the issue: complaints received,
finished, in progress, finished on time, once a complaints app exists):

1. Add `sections/<module>.py` here with one function:

       @register("complaints", order=400)
       def complaints_section(site: Site, fiscal_year: int, period: ReportPeriod) -> dict | None:
           if not <the module has anything to report for site>:
               return None
           return {"title": _("การให้บริการประชาชน"), "blocks": [...]}

   It reads the module's models (reports may import from any app; nothing imports reports), so
   the module itself needs to know nothing of the report.
2. Import it at the bottom of this module (importing registers it).
3. Use only the existing block types (paragraph, list, figures, table, chart) and plain JSON
   values: the snapshot is frozen as JSON when a report is approved. A new block type needs a
   new template version (`rendering`), never a change to one reports were approved with.
   Thai text goes through gettext; `services.build_snapshot` already builds in Thai.

Orders in use: 100 publishing, 200 the workflow, 300 the site check, 400 citizen services
(reserved), 900 problems, obstacles and suggestions (always last, as announcement 3.3 asks).
A section that returns None, or no blocks, is left out altogether: no heading, no number,
no line in the contents, no sheet in the XLSX. So until a complaints app exists the report has
no citizen-services section at all, rather than an empty one. Approved reports are rendered from
their snapshot, so a section added later never changes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext
from wagtail.models import Page, Site

from thesaban.accounts.models import Division
from thesaban.core.thai_dates import (
    BANGKOK,
    BUDDHIST_ERA_OFFSET,
    fiscal_year_bounds,
    local_date,
    thai_month_name,
)


@dataclass(frozen=True)
class ReportPeriod:
    """A fiscal year as the report counts it: Bangkok dates, and the moments that bound them."""

    fiscal_year: int
    start: date
    end: date  # the last day, inclusive

    @classmethod
    def of(cls, fiscal_year: int) -> ReportPeriod:
        start, end = fiscal_year_bounds(fiscal_year)
        return cls(fiscal_year=fiscal_year, start=start, end=end)

    @property
    def start_moment(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=BANGKOK)

    @property
    def end_moment(self) -> datetime:
        """The first moment after the period (exclusive bound): "at year end" means just before."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=BANGKOK)

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_moment <= moment < self.end_moment

    def months(self) -> list[tuple[int, int]]:
        """The twelve (Gregorian year, month) pairs of the period, October first."""
        return [
            (
                self.start.year + (self.start.month + i - 1) // 12,
                (self.start.month + i - 1) % 12 + 1,
            )
            for i in range(12)
        ]

    def month_labels(self) -> list[str]:
        """Chart labels in the Thai way: ``ต.ค. 68`` (abbreviated month, short Buddhist year)."""
        return [
            f"{thai_month_name(month, abbreviated=True)} {(year + BUDDHIST_ERA_OFFSET) % 100:02d}"
            for year, month in self.months()
        ]

    def month_index(self, moment: datetime) -> int:
        """0 for October … 11 for September, of a moment inside the period (Bangkok date)."""
        day = local_date(moment)
        return (day.year - self.start.year) * 12 + day.month - self.start.month


SectionBuilder = Callable[[Site, int, ReportPeriod], "dict | None"]


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    build: SectionBuilder


_registry: dict[str, Section] = {}


def register(key: str, *, order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Register a section builder under `key`; sections print in ascending `order`."""

    def decorator(build: SectionBuilder) -> SectionBuilder:
        _registry[key] = Section(key=key, order=order, build=build)
        return build

    return decorator


def unregister(key: str) -> None:
    """Take a section out of the report (a test's own section, a module switched off)."""
    _registry.pop(key, None)


def registered() -> list[Section]:
    return sorted(_registry.values(), key=lambda section: (section.order, section.key))


def build_sections(site: Site, fiscal_year: int, period: ReportPeriod | None = None) -> list[dict]:
    """The sections of `site`'s report in order, leaving out those with nothing to say."""
    period = period or ReportPeriod.of(fiscal_year)
    sections = []
    for section in registered():
        built = section.build(site, fiscal_year, period)
        if built is not None and built.get("blocks"):
            sections.append({"key": section.key, **built})
    return sections


# --- Figures ---------------------------------------------------------------------------------
def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` quantile of `values` by linear interpolation between the closest ranks
    (the "inclusive" method of `statistics.quantiles`, numpy's default); None when empty.

    Written out rather than taken from `statistics`, whose `quantiles` refuses a single value
    before Python 3.13; a year with one request for changes still has a median.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    below, above = math.floor(position), math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)


def hours(duration: timedelta) -> float:
    return duration.total_seconds() / 3600


def rounded(value: float | None, digits: int) -> float | str:
    """A figure for the snapshot: rounded, or "-" when there is nothing to measure."""
    return "-" if value is None else round(value, digits)


class DivisionNames:
    """The division of `site` that owns each page, looked up in bulk.

    `Division.objects.owners_of` decides it as `owning` does (the nearest owned
    ancestor-or-self), for all the pages a section names in two queries: a year's report
    touches hundreds of pages, and one query per page would make it as slow as the year was
    busy. `load` the pages first; a page not loaded is looked up on its own.
    """

    def __init__(self, site: Site) -> None:
        self._divisions = Division.objects.of_site(site)
        self._by_page: dict[int, Division | None] = {}

    def load(self, page_ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in page_ids if pk is not None and pk not in self._by_page}
        if not wanted:
            return
        owners = self._divisions.owners_of(Page.objects.filter(pk__in=wanted).only("path"))
        for pk in wanted:
            # A page deleted since has no owner.
            self._by_page[pk] = owners.get(pk)

    def of_page(self, page_id: int | None) -> Division | None:
        if page_id is None:
            return None
        if page_id not in self._by_page:
            self.load([page_id])
        return self._by_page[page_id]

    @staticmethod
    def name(division: Division | None) -> str:
        return division.name if division else gettext("ไม่มีส่วนราชการรับผิดชอบ")


# Importing the section modules registers them.
from . import problems, publishing, site_checks, workflow  # noqa: E402, F401
