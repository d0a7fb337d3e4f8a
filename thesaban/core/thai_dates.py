"""Thai dates and the Thai government fiscal year, in one place.

Every date a reader sees is written the Thai way: Buddhist Era year (CE + 543), Thai month
names, and, in official documents, Thai digits. Django's `date` filter and Babel print
Gregorian years, so nothing in Thesaban formats a date for people except through this module.

Dates are always taken in Asia/Bangkok, not in Django's current timezone: a municipality's
dates and fiscal years are Bangkok dates wherever the server or the request thinks it is, and
an announcement published at 01:00 on 1 October belongs to the new fiscal year.
"""

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils import timezone

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543
# Below this a "fiscal year" is almost certainly a Gregorian year passed by mistake (2569 BE
# is 2026 CE); date arithmetic on it would be silently wrong by 543 years.
_MIN_BUDDHIST_YEAR = 2400

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBREVIATED = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)

_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

DateStyle = Literal["short", "long", "official"]


def to_thai_digits(value: object) -> str:
    """Write every Arabic digit in `value` as a Thai digit; everything else is kept."""
    return str(value).translate(_THAI_DIGITS)


def local_date(value: date | datetime) -> date:
    """The calendar date of `value` in Bangkok.

    An aware datetime is converted to Bangkok first; a naive one is taken to be Bangkok time
    already (that is what a naive time means anywhere in this project).
    """
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(BANGKOK)
        return value.date()
    return value


def _local_datetime(value: datetime) -> datetime:
    return value.astimezone(BANGKOK) if timezone.is_aware(value) else value


def buddhist_year(value: date | datetime | int) -> int:
    """The Buddhist Era year of a date, a datetime (in Bangkok) or a Gregorian year."""
    if isinstance(value, bool):
        raise TypeError("buddhist_year() needs a date, a datetime or a Gregorian year")
    if isinstance(value, int):
        return value + BUDDHIST_ERA_OFFSET
    return local_date(value).year + BUDDHIST_ERA_OFFSET


def thai_month_name(month: int, *, abbreviated: bool = False) -> str:
    """The Thai name of `month` (1 = มกราคม), or its abbreviation (1 = ม.ค.)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1 to 12, not {month!r}")
    names = THAI_MONTHS_ABBREVIATED if abbreviated else THAI_MONTHS
    return names[month - 1]


def format_thai_date(
    value: date | datetime | None,
    *,
    style: DateStyle = "short",
    thai_digits: bool = False,
) -> str:
    """A date the Thai way, e.g. for 29 March 2021.

    - "short": ``29 มี.ค. 2564`` (listings, where space is short)
    - "long": ``29 มีนาคม 2564`` (the date of a page or a document)
    - "official": ``๒๙ มีนาคม ๒๕๖๔`` (the style of government documents; always Thai digits)

    Returns "" for None, so a missing date prints nothing.
    """
    if value is None:
        return ""
    if style not in ("short", "long", "official"):
        raise ValueError(f"unknown Thai date style {style!r}")
    day = local_date(value)
    month = thai_month_name(day.month, abbreviated=style == "short")
    text = f"{day.day} {month} {day.year + BUDDHIST_ERA_OFFSET}"
    if thai_digits or style == "official":
        return to_thai_digits(text)
    return text


def format_thai_datetime(
    value: date | datetime | None, *, thai_digits: bool = False, seconds: bool = False
) -> str:
    """A moment the Thai way in Bangkok time, e.g. ``29 มี.ค. 2564 14:05 น.``.

    With `seconds`, ``29 มี.ค. 2564 14:05:09 น.`` (a log, where seconds tell events apart).
    A plain date (no time) prints as a short date; None prints "".
    """
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return format_thai_date(value, thai_digits=thai_digits)
    moment = _local_datetime(value)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    text = f"{format_thai_date(moment)} {clock} น."
    return to_thai_digits(text) if thai_digits else text


def fiscal_year_of(value: date | datetime) -> int:
    """The Thai fiscal year (Buddhist Era) that `value` falls in, taken in Bangkok.

    The fiscal year runs 1 October to 30 September and is named by the year it ends in:
    1 October 2025 and 30 September 2026 are both in fiscal year 2569.
    """
    day = local_date(value)
    ends_in = day.year + 1 if day.month >= 10 else day.year
    return ends_in + BUDDHIST_ERA_OFFSET


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """The first and last day of a fiscal year given in Buddhist Era, e.g. 2569 →
    (1 October 2025, 30 September 2026)."""
    if fiscal_year < _MIN_BUDDHIST_YEAR:
        raise ValueError(
            f"fiscal year must be a Buddhist Era year (e.g. 2569), not {fiscal_year!r}"
        )
    ends_in = fiscal_year - BUDDHIST_ERA_OFFSET
    return date(ends_in - 1, 10, 1), date(ends_in, 9, 30)


def current_fiscal_year(now: datetime | None = None) -> int:
    """The fiscal year (Buddhist Era) it is now in Bangkok."""
    return fiscal_year_of(now if now is not None else timezone.now())


def fiscal_year_label(fiscal_year: int, *, thai_digits: bool = False) -> str:
    """How a fiscal year is named in documents: ``ปีงบประมาณ พ.ศ. 2569``."""
    text = f"ปีงบประมาณ พ.ศ. {fiscal_year}"
    return to_thai_digits(text) if thai_digits else text
