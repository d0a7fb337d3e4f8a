"""Template filters for Thai dates and fiscal years: `{% load thai_dates %}`.

Use these instead of Django's `date` filter, which prints Gregorian years. Like Django's own
filters they print "" for a missing or unusable value rather than break the page; a page with
an empty date is better than a server error in front of an assessor.
"""

from datetime import date

from django import template

from thesaban.core import thai_dates

register = template.Library()


def _is_missing(value: object) -> bool:
    return value is None or value == ""


def _as_year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


@register.filter
def thai_date(value: date | None) -> str:
    """``29 มี.ค. 2564``"""
    if not isinstance(value, date):
        return ""
    return thai_dates.format_thai_date(value, style="short")


@register.filter
def thai_date_long(value: date | None) -> str:
    """``29 มีนาคม 2564``"""
    if not isinstance(value, date):
        return ""
    return thai_dates.format_thai_date(value, style="long")


@register.filter
def thai_date_official(value: date | None) -> str:
    """``๒๙ มีนาคม ๒๕๖๔``"""
    if not isinstance(value, date):
        return ""
    return thai_dates.format_thai_date(value, style="official")


# Not `expects_localtime`: that would convert to the request's timezone, and Thesaban's times
# are Bangkok times whatever the request's timezone is; `format_thai_datetime` converts.
@register.filter
def thai_datetime(value: date | None) -> str:
    """``29 มี.ค. 2564 14:05 น.`` in Bangkok time."""
    if not isinstance(value, date):
        return ""
    return thai_dates.format_thai_datetime(value)


@register.filter(is_safe=True)
def thai_digits(value: object) -> str:
    """Arabic digits → Thai digits, e.g. ``2569`` → ``๒๕๖๙``."""
    if _is_missing(value):
        return ""
    return thai_dates.to_thai_digits(value)


@register.filter
def buddhist_year(value: date | int | None) -> int | str:
    """The Buddhist Era year of a date, or of a Gregorian year number."""
    if isinstance(value, date):
        return thai_dates.buddhist_year(value)
    year = _as_year(value)
    return "" if year is None else thai_dates.buddhist_year(year)


@register.filter
def fiscal_year(value: date | None) -> int | str:
    """The fiscal year (Buddhist Era) of a date, e.g. 1 Oct 2025 → 2569."""
    if not isinstance(value, date):
        return ""
    return thai_dates.fiscal_year_of(value)


@register.filter
def fiscal_year_label(value: date | int | None) -> str:
    """``ปีงบประมาณ พ.ศ. 2569`` from a fiscal year number, or from a date in that year."""
    if isinstance(value, date):
        return thai_dates.fiscal_year_label(thai_dates.fiscal_year_of(value))
    year = _as_year(value)
    return "" if year is None else thai_dates.fiscal_year_label(year)
