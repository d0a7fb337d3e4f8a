"""Working days (วันทำการ): Monday to Friday in Bangkok, less the holidays in `Holiday`.

Used wherever a rule is counted in working days, such as how long an item may wait in the
publication workflow (the daily site check).
"""

from datetime import date, datetime, timedelta

from .models import Holiday
from .thai_dates import local_date


def holidays_between(start: date | datetime, end: date | datetime) -> set[date]:
    """The holidays from `start` to `end` (Bangkok dates, both included), in one query."""
    return set(
        Holiday.objects.filter(date__range=(local_date(start), local_date(end))).values_list(
            "date", flat=True
        )
    )


def is_working_day(day: date, *, holidays: set[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_days_between(
    start: date | datetime, end: date | datetime, *, holidays: set[date] | None = None
) -> int:
    """How many working days have passed from `start` to `end`, as Bangkok dates.

    The day of `start` itself is not counted and the day of `end` is: something submitted on a
    Friday and looked at on the next Monday has waited one working day. Zero when `end` is not
    after `start`. `holidays` may be given to save the query when counting many spans.
    """
    first, last = local_date(start), local_date(end)
    if last <= first:
        return 0
    if holidays is None:
        holidays = holidays_between(first, last)
    count = 0
    day = first + timedelta(days=1)
    while day <= last:
        count += is_working_day(day, holidays=holidays)
        day += timedelta(days=1)
    return count
