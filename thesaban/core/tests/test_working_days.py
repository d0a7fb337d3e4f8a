"""Working days: weekends and the holidays in `Holiday` do not count, dates are Bangkok's."""

from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.models import Site

from thesaban.accounts.services import ensure_role_groups, role_group
from thesaban.accounts.testing import log_in
from thesaban.core.models import Holiday
from thesaban.core.thai_dates import BANGKOK
from thesaban.core.working_days import holidays_between, working_days_between


class WorkingDaysTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # Makha Bucha 2569 follows the moon: staff add it, it is not shipped.
        Holiday.objects.create(date=date(2026, 3, 3), name="วันมาฆบูชา")

    def test_the_start_day_is_not_counted_and_the_end_day_is(self):
        # Monday to Wednesday of an ordinary week.
        self.assertEqual(working_days_between(date(2026, 2, 16), date(2026, 2, 18)), 2)
        self.assertEqual(working_days_between(date(2026, 2, 16), date(2026, 2, 16)), 0)
        self.assertEqual(working_days_between(date(2026, 2, 18), date(2026, 2, 16)), 0)

    def test_weekends_and_holidays_are_skipped(self):
        # Friday 27 Feb → Friday 6 Mar: the weekend and Tuesday's holiday leave four days.
        self.assertEqual(working_days_between(date(2026, 2, 27), date(2026, 3, 6)), 4)
        self.assertEqual(working_days_between(date(2026, 2, 27), date(2026, 3, 3)), 1)

    def test_moments_are_taken_as_bangkok_dates(self):
        # 20:00 UTC on Friday is already Saturday in Bangkok, so Monday is the first day.
        friday_evening_utc = datetime(2026, 2, 20, 20, 0, tzinfo=UTC)
        monday = datetime(2026, 2, 23, 9, 0, tzinfo=BANGKOK)
        self.assertEqual(working_days_between(friday_evening_utc, monday), 1)
        thursday_evening_utc = datetime(2026, 2, 19, 16, 0, tzinfo=UTC)  # 23:00 Thu
        self.assertEqual(working_days_between(thursday_evening_utc, monday), 2)

    def test_given_holidays_save_the_query(self):
        holidays = holidays_between(date(2026, 2, 27), date(2026, 3, 6))
        self.assertEqual(holidays, {date(2026, 3, 3)})
        with self.assertNumQueries(0):
            working_days_between(date(2026, 2, 27), date(2026, 3, 6), holidays=holidays)


class ShippedHolidayTests(TestCase):
    def test_fixed_date_holidays_of_2569_and_2570_and_their_substitutes_ship(self):
        shipped = dict(Holiday.objects.values_list("date", "name"))
        for day in (date(2026, 1, 1), date(2026, 4, 13), date(2026, 12, 10), date(2027, 12, 31)):
            self.assertIn(day, shipped)
        # 5 December 2569 is a Saturday: Monday 7 December is its substitute day.
        self.assertTrue(shipped[date(2026, 12, 7)].startswith("วันหยุดชดเชย"))
        self.assertEqual(working_days_between(date(2026, 12, 4), date(2026, 12, 8)), 1)


class HolidayAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_role_groups(site=Site.objects.get(is_default_site=True))
        cls.operator = get_user_model().objects.create_user("operator", password="x")
        cls.operator.groups.add(role_group(Site.objects.get(is_default_site=True), "web_operator"))
        cls.preparer = get_user_model().objects.create_user("preparer", password="x")

    def test_web_operators_add_holidays_in_the_admin(self):
        log_in(self.client, self.operator)
        self.assertEqual(self.client.get("/admin/holidays/").status_code, 200)
        response = self.client.post(
            "/admin/holidays/new/", {"date": "2026-03-03", "name": "วันมาฆบูชา"}
        )
        self.assertRedirects(response, "/admin/holidays/")
        self.assertEqual(Holiday.objects.get(date=date(2026, 3, 3)).name, "วันมาฆบูชา")

    def test_other_staff_cannot(self):
        log_in(self.client, self.preparer)
        response = self.client.post(
            "/admin/holidays/new/", {"date": "2026-03-03", "name": "วันมาฆบูชา"}
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(Holiday.objects.filter(date=date(2026, 3, 3)).exists())
