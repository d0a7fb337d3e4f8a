"""The rights of each role: every app contributes its own (`core.setup`), accounts grants them."""

from django.contrib.auth.models import Group
from django.test import TestCase
from wagtail.models import Site

from thesaban.accounts.models import Division
from thesaban.accounts.tests.factories import role_groups


def model_rights(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


class RoleGroupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.groups = role_groups()
        cls.division = Division.objects.create(
            site=Site.objects.get(is_default_site=True), code="finance", name="กองคลัง"
        )

    def test_the_web_operator_gets_what_core_pages_and_monitoring_contribute(self):
        """The municipality's settings and holidays (core), everyone's people (pages), the
        findings' history and the freshness rules (monitoring); never a publish right."""
        crud = ("add", "change", "delete", "view")
        self.assertEqual(
            model_rights(self.groups["web_operator"]),
            {
                "wagtailadmin.access_admin",
                "core.change_municipalitysettings",
                *(f"core.{action}_holiday" for action in crud),
                "pages.add_person",
                "pages.change_person",
                "monitoring.view_finding",
                *(f"monitoring.{action}_freshnessrule" for action in crud),
            },
        )

    def test_the_it_administrator_manages_accounts_and_divisions_only(self):
        self.assertEqual(
            model_rights(self.groups["it_administrator"]),
            {
                "wagtailadmin.access_admin",
                "auth.add_user",
                "auth.change_user",
                "auth.view_user",
                "auth.view_group",
                "accounts.add_division",
                "accounts.change_division",
                "accounts.view_division",
            },
        )

    def test_a_division_s_two_groups_keep_their_people_up_to_date(self):
        for group in (self.division.preparers, self.division.supervisors):
            self.assertEqual(
                model_rights(group),
                {"wagtailadmin.access_admin", "pages.add_person", "pages.change_person"},
            )
