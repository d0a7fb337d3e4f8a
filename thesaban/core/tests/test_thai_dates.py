"""Thai dates and the Thai fiscal year (thesaban.core.thai_dates and its template filters)."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import timezone as django_timezone

from thesaban.core.thai_dates import (
    BANGKOK,
    buddhist_year,
    current_fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    fiscal_year_of,
    format_thai_date,
    format_thai_datetime,
    local_date,
    thai_month_name,
    to_thai_digits,
)

MARCH_29_2021 = date(2021, 3, 29)


def bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)


def render(source: str, **context: object) -> str:
    return Template("{% load thai_dates %}" + source).render(Context(context))


# --- Digits, years and months -------------------------------------------------------------


def test_thai_digits_replaces_every_arabic_digit_and_keeps_the_rest():
    """Arabic digits become ๐-๙ in strings and numbers; other characters are untouched."""
    assert to_thai_digits("โทร. 0 2123 4567") == "โทร. ๐ ๒๑๒๓ ๔๕๖๗"
    assert to_thai_digits(2569) == "๒๕๖๙"
    assert to_thai_digits("ไม่มีตัวเลข") == "ไม่มีตัวเลข"


def test_buddhist_year_is_gregorian_plus_543_for_dates_datetimes_and_year_numbers():
    """The Buddhist Era year is CE + 543, whatever the input is."""
    assert buddhist_year(MARCH_29_2021) == 2564
    assert buddhist_year(bangkok(2026, 1, 1, 8, 0)) == 2569
    assert buddhist_year(2026) == 2569


def test_buddhist_year_of_an_aware_datetime_is_taken_in_bangkok():
    """31 Dec 2025 20:00 UTC is already 1 Jan 2026 in Bangkok, so the year is 2569."""
    assert buddhist_year(datetime(2025, 12, 31, 20, 0, tzinfo=UTC)) == 2569


def test_month_names_full_and_abbreviated():
    """Months are named in Thai; the abbreviations are the standard ones with dots."""
    assert thai_month_name(1) == "มกราคม"
    assert thai_month_name(2) == "กุมภาพันธ์"
    assert thai_month_name(12) == "ธันวาคม"
    assert thai_month_name(3, abbreviated=True) == "มี.ค."
    assert thai_month_name(4, abbreviated=True) == "เม.ย."
    assert thai_month_name(11, abbreviated=True) == "พ.ย."


@pytest.mark.parametrize("month", [0, 13])
def test_month_outside_one_to_twelve_is_an_error(month):
    """A month number outside 1-12 raises ValueError rather than naming a wrong month."""
    with pytest.raises(ValueError):
        thai_month_name(month)


# --- Local date -----------------------------------------------------------------------------


def test_local_date_keeps_a_date():
    """A plain date is already a calendar date and is returned as it is."""
    assert local_date(MARCH_29_2021) == MARCH_29_2021


def test_local_date_converts_an_aware_datetime_to_bangkok():
    """17:30 UTC on 28 March is 00:30 on 29 March in Bangkok (UTC+7)."""
    assert local_date(datetime(2021, 3, 28, 17, 30, tzinfo=UTC)) == MARCH_29_2021


def test_local_date_treats_a_naive_datetime_as_bangkok_time():
    """A naive datetime is not shifted: 23:59 on 28 March stays 28 March."""
    assert local_date(datetime(2021, 3, 28, 23, 59)) == date(2021, 3, 28)


@override_settings(TIME_ZONE="America/New_York")
def test_local_date_ignores_djangos_current_timezone():
    """Bangkok dates do not depend on the active timezone of the request or the server."""
    with django_timezone.override(ZoneInfo("America/New_York")):
        assert local_date(datetime(2021, 3, 28, 17, 30, tzinfo=UTC)) == MARCH_29_2021


# --- Formatting -------------------------------------------------------------------------------


def test_short_style():
    """Short style: day, abbreviated month, Buddhist year: 29 มี.ค. 2564."""
    assert format_thai_date(MARCH_29_2021) == "29 มี.ค. 2564"
    assert format_thai_date(MARCH_29_2021, style="short") == "29 มี.ค. 2564"


def test_long_style():
    """Long style: day, full month name, Buddhist year: 29 มีนาคม 2564."""
    assert format_thai_date(MARCH_29_2021, style="long") == "29 มีนาคม 2564"


def test_official_style_always_uses_thai_digits():
    """Official style (government documents) is written in Thai digits: ๒๙ มีนาคม ๒๕๖๔."""
    assert format_thai_date(MARCH_29_2021, style="official") == "๒๙ มีนาคม ๒๕๖๔"
    assert format_thai_date(MARCH_29_2021, style="official", thai_digits=False) == "๒๙ มีนาคม ๒๕๖๔"


def test_thai_digits_option_for_short_and_long():
    """Any style can be asked for in Thai digits."""
    assert format_thai_date(MARCH_29_2021, thai_digits=True) == "๒๙ มี.ค. ๒๕๖๔"
    assert format_thai_date(MARCH_29_2021, style="long", thai_digits=True) == "๒๙ มีนาคม ๒๕๖๔"


def test_single_digit_days_have_no_leading_zero():
    """Thai dates write the day without a leading zero: 1 ม.ค. 2569."""
    assert format_thai_date(date(2026, 1, 1)) == "1 ม.ค. 2569"


def test_leap_day():
    """29 February 2024 exists and is 29 ก.พ. 2567."""
    assert format_thai_date(date(2024, 2, 29)) == "29 ก.พ. 2567"
    assert format_thai_date(date(2024, 2, 29), style="long") == "29 กุมภาพันธ์ 2567"


def test_formatting_an_aware_datetime_uses_the_bangkok_date():
    """A datetime late in the UTC day is formatted as the next day, its Bangkok date."""
    assert format_thai_date(datetime(2021, 3, 28, 17, 30, tzinfo=UTC)) == "29 มี.ค. 2564"


def test_none_formats_as_empty():
    """A missing date prints nothing rather than "None"."""
    assert format_thai_date(None) == ""
    assert format_thai_date(None, style="official") == ""
    assert format_thai_datetime(None) == ""


def test_unknown_style_is_an_error():
    """A misspelt style raises ValueError instead of silently picking one."""
    with pytest.raises(ValueError):
        format_thai_date(MARCH_29_2021, style="medium")  # type: ignore[arg-type]


def test_datetime_in_bangkok_time():
    """A moment prints as its Bangkok date and 24-hour time with น.: 29 มี.ค. 2564 14:05 น."""
    assert format_thai_datetime(datetime(2021, 3, 29, 7, 5, tzinfo=UTC)) == "29 มี.ค. 2564 14:05 น."
    assert format_thai_datetime(bangkok(2021, 3, 29, 14, 5)) == "29 มี.ค. 2564 14:05 น."


def test_datetime_from_another_offset_is_converted():
    """A time given in another offset is shown as Bangkok time."""
    tokyo = timezone(timedelta(hours=9))
    assert (
        format_thai_datetime(datetime(2021, 3, 29, 16, 5, tzinfo=tokyo)) == "29 มี.ค. 2564 14:05 น."
    )


def test_naive_datetime_is_bangkok_time():
    """A naive datetime is shown as it is: it is already Bangkok time."""
    assert format_thai_datetime(datetime(2021, 3, 29, 9, 0)) == "29 มี.ค. 2564 09:00 น."


def test_datetime_in_thai_digits():
    """The date and the time can both be written in Thai digits."""
    moment = bangkok(2021, 3, 29, 14, 5)
    assert format_thai_datetime(moment, thai_digits=True) == "๒๙ มี.ค. ๒๕๖๔ ๑๔:๐๕ น."


def test_datetime_with_seconds():
    """A log's moments keep their seconds: 29 มี.ค. 2564 14:05:09 น."""
    moment = datetime(2021, 3, 29, 7, 5, 9, tzinfo=UTC)
    assert format_thai_datetime(moment, seconds=True) == "29 มี.ค. 2564 14:05:09 น."


def test_datetime_of_a_plain_date_is_the_short_date():
    """A date without a time prints as a short date, with no invented midnight."""
    assert format_thai_datetime(MARCH_29_2021) == "29 มี.ค. 2564"


# --- Fiscal year ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
        (date(2026, 1, 1), 2569),
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
        (date(2024, 2, 29), 2567),
    ],
)
def test_fiscal_year_runs_october_to_september_named_by_its_end(day, fiscal_year):
    """The fiscal year runs 1 Oct - 30 Sep and takes the Buddhist year it ends in."""
    assert fiscal_year_of(day) == fiscal_year


def test_fiscal_year_boundary_at_midnight_bangkok():
    """30 Sep 23:59 Bangkok is the old fiscal year; 1 Oct 00:00 Bangkok is the new one."""
    assert fiscal_year_of(bangkok(2026, 9, 30, 23, 59)) == 2569
    assert fiscal_year_of(bangkok(2026, 10, 1, 0, 0)) == 2570


def test_fiscal_year_is_computed_in_bangkok_not_utc():
    """30 Sep 2026 20:00 UTC is 1 Oct 03:00 in Bangkok, so it is already fiscal year 2570."""
    assert fiscal_year_of(datetime(2026, 9, 30, 20, 0, tzinfo=UTC)) == 2570
    assert fiscal_year_of(datetime(2026, 9, 30, 16, 59, tzinfo=UTC)) == 2569
    assert fiscal_year_of(datetime(2026, 9, 30, 17, 0, tzinfo=UTC)) == 2570


def test_fiscal_year_of_a_naive_datetime_is_bangkok_time():
    """A naive 30 Sep 23:59 is Bangkok time and still in the old fiscal year."""
    assert fiscal_year_of(datetime(2026, 9, 30, 23, 59)) == 2569


def test_fiscal_year_bounds():
    """Fiscal year 2569 is 1 Oct 2025 to 30 Sep 2026, both days included."""
    assert fiscal_year_bounds(2569) == (date(2025, 10, 1), date(2026, 9, 30))
    first, last = fiscal_year_bounds(2570)
    assert fiscal_year_of(first) == fiscal_year_of(last) == 2570
    assert fiscal_year_of(first - timedelta(days=1)) == 2569


def test_fiscal_year_bounds_reject_a_gregorian_year():
    """Passing 2026 (CE) instead of 2569 (BE) is an error, not a date 543 years off."""
    with pytest.raises(ValueError):
        fiscal_year_bounds(2026)


def test_current_fiscal_year_uses_bangkok_time():
    """On 30 Sep 2026 at 20:00 UTC it is already fiscal year 2570 in Bangkok."""
    assert current_fiscal_year(datetime(2026, 9, 30, 20, 0, tzinfo=UTC)) == 2570


def test_current_fiscal_year_defaults_to_now():
    """Without an argument, the fiscal year is that of django.utils.timezone.now()."""
    assert current_fiscal_year() == fiscal_year_of(django_timezone.now())


def test_fiscal_year_label():
    """Documents name a fiscal year as ปีงบประมาณ พ.ศ. 2569, optionally in Thai digits."""
    assert fiscal_year_label(2569) == "ปีงบประมาณ พ.ศ. 2569"
    assert fiscal_year_label(2569, thai_digits=True) == "ปีงบประมาณ พ.ศ. ๒๕๖๙"


# --- Template filters -------------------------------------------------------------------------


def test_date_filters_render_through_a_template():
    """{% load thai_dates %} gives the short, long and official date filters."""
    assert render("{{ d|thai_date }}", d=MARCH_29_2021) == "29 มี.ค. 2564"
    assert render("{{ d|thai_date_long }}", d=MARCH_29_2021) == "29 มีนาคม 2564"
    assert render("{{ d|thai_date_official }}", d=MARCH_29_2021) == "๒๙ มีนาคม ๒๕๖๔"


def test_datetime_filter_renders_bangkok_time_whatever_the_active_timezone():
    """thai_datetime shows Bangkok time even when another timezone is active."""
    moment = datetime(2021, 3, 29, 7, 5, tzinfo=UTC)
    with django_timezone.override(ZoneInfo("Europe/London")):
        assert render("{{ m|thai_datetime }}", m=moment) == "29 มี.ค. 2564 14:05 น."


def test_number_filters_render_through_a_template():
    """thai_digits, buddhist_year, fiscal_year and fiscal_year_label work in templates."""
    assert render("{{ n|thai_digits }}", n=2569) == "๒๕๖๙"
    assert render("{{ d|buddhist_year }}", d=MARCH_29_2021) == "2564"
    assert render("{{ y|buddhist_year }}", y=2026) == "2569"
    assert render("{{ d|fiscal_year }}", d=date(2025, 10, 1)) == "2569"
    assert render("{{ y|fiscal_year_label }}", y=2569) == "ปีงบประมาณ พ.ศ. 2569"
    assert render("{{ d|fiscal_year_label }}", d=date(2026, 10, 1)) == "ปีงบประมาณ พ.ศ. 2570"


def test_fiscal_year_filter_gives_a_number_to_compare_with():
    """fiscal_year returns an int, so templates can compare it with a year number."""
    source = "{% if d|fiscal_year == 2570 %}ใหม่{% else %}เก่า{% endif %}"
    assert render(source, d=datetime(2026, 9, 30, 20, 0, tzinfo=UTC)) == "ใหม่"


def test_thai_digits_filter_escapes_unsafe_text():
    """thai_digits keeps Django's autoescaping of the text it is given."""
    assert render("{{ s|thai_digits }}", s="<b>1</b>") == "&lt;b&gt;๑&lt;/b&gt;"


@pytest.mark.parametrize(
    "name",
    [
        "thai_date",
        "thai_date_long",
        "thai_date_official",
        "thai_datetime",
        "thai_digits",
        "buddhist_year",
        "fiscal_year",
        "fiscal_year_label",
    ],
)
@pytest.mark.parametrize("missing", [None, ""])
def test_every_filter_renders_nothing_for_a_missing_value(name, missing):
    """Each filter prints "" for None or "" instead of "None" or an error."""
    assert render(f"{{{{ v|{name} }}}}", v=missing) == ""
