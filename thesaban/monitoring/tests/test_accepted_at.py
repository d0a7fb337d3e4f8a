"""When a finding was accepted is kept (the annual report counts what stood accepted at year
end), and findings accepted before the field existed get it from their audit entry."""

from datetime import UTC, datetime
from importlib import import_module

import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.log_actions import log

from thesaban.monitoring import history, services
from thesaban.monitoring.models import Finding

from .factories import FindingFactory

ACCEPTED_ON = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
migration = import_module("thesaban.monitoring.migrations.0003_finding_accepted_at")


class AcceptedAtTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user(username="staff", password="x")

    def test_accepting_records_when(self):
        finding = FindingFactory(page=None)
        with time_machine.travel(ACCEPTED_ON, tick=False):
            services.accept_finding(finding=finding, user=self.staff, reason="ปลายทางปิดชั่วคราว")
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.ACCEPTED)
        self.assertEqual(finding.accepted_at, ACCEPTED_ON)

    def test_the_time_is_kept_when_the_problem_later_goes_away(self):
        finding = FindingFactory(page=None)
        with time_machine.travel(ACCEPTED_ON, tick=False):
            services.accept_finding(finding=finding, user=self.staff, reason="ชั่วคราว")
        # The content checks no longer see a page-less finding: resolved.
        self.assertTrue(services.mark_fixed(finding=finding, user=self.staff))
        finding.refresh_from_db()
        self.assertEqual(finding.status, Finding.Status.RESOLVED)
        self.assertEqual(finding.accepted_at, ACCEPTED_ON)

    def test_the_migration_dates_earlier_acceptances_by_their_latest_audit_entry(self):
        logged, twice, unlogged, never = (FindingFactory(page=None) for _ in range(4))
        for finding, moments in (
            (logged, [ACCEPTED_ON]),
            (twice, [datetime(2025, 1, 1, tzinfo=UTC), ACCEPTED_ON]),
        ):
            for moment in moments:
                with time_machine.travel(moment, tick=False):
                    log(instance=finding, action=history.ACCEPTED, user=self.staff)
        Finding.objects.filter(pk__in=[logged.pk, twice.pk, unlogged.pk]).update(
            status=Finding.Status.ACCEPTED, accepted_by=self.staff
        )

        migration.backfill_accepted_at(apps, None)

        accepted_at = dict(Finding.objects.values_list("pk", "accepted_at"))
        self.assertEqual(accepted_at[logged.pk], ACCEPTED_ON)
        self.assertEqual(accepted_at[twice.pk], ACCEPTED_ON)
        self.assertIsNone(accepted_at[unlogged.pk])
        self.assertIsNone(accepted_at[never.pk])
