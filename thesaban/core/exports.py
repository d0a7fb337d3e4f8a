"""The admin's CSV and XLSX exports (Wagtail's `SpreadsheetExportMixin`) in Thai time.

Wagtail writes a moment to a spreadsheet as it is stored: UTC, with a Gregorian year (CSV as
text, XLSX as a date cell without a time zone). Staff read every other time in Bangkok with a
Buddhist Era year, so an export says a moment as the admin's screens do.
"""

from __future__ import annotations

from collections.abc import Callable

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from .thai_dates import format_thai_datetime


def thai_datetime_fields(*fields: str, seconds: bool = False) -> dict[str, dict[str, Callable]]:
    """`custom_field_preprocess` entries exporting `fields` as `format_thai_datetime` says them.

    e.g. ``attempt_time`` of 29 March 2021 07:05:09 UTC becomes "29 มี.ค. 2564 14:05:09 น.".
    """

    def thai_moment(value) -> str:
        return format_thai_datetime(value, seconds=seconds)

    formats = SpreadsheetExportMixin.FORMATS
    return {field: dict.fromkeys(formats, thai_moment) for field in fields}
