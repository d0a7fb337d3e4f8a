"""Setup registry: steps run in the order registered, once each; role rights are collected."""

from django.test import SimpleTestCase

from thesaban.core.setup import SetupRegistry, role_permissions


def first_step(*, home, site):
    pass


def second_step(*, home, site):
    pass


class SetupRegistryTests(SimpleTestCase):
    def test_steps_keep_their_order_and_run_once_however_often_registered(self):
        registry = SetupRegistry()
        registry.register_step(second_step)
        registry.register_step(first_step)
        registry.register_step(second_step)
        self.assertEqual(list(registry.steps()), [second_step, first_step])

    def test_role_permissions_are_collected_per_role_without_duplicates(self):
        registry = SetupRegistry()
        registry.register_permissions("web_operator", "pages.add_person", "core.view_holiday")
        registry.register_permissions("preparer", "pages.add_person")
        registry.register_permissions("web_operator", "pages.add_person")
        self.assertEqual(
            registry.permissions("web_operator"),
            [("pages", "add_person"), ("core", "view_holiday")],
        )
        self.assertEqual(registry.permissions("preparer"), [("pages", "add_person")])
        self.assertEqual(registry.permissions("supervisor"), [])
        self.assertEqual(registry.roles(), ["web_operator", "preparer"])

    def test_a_permission_must_name_its_app(self):
        with self.assertRaisesMessage(ValueError, "app_label.codename"):
            SetupRegistry().register_permissions("web_operator", "view_finding")

    def test_the_installed_apps_give_the_web_operator_their_rights(self):
        """Named by string: core imports none of the apps that contribute."""
        rights = role_permissions("web_operator")
        for expected in (
            ("core", "change_municipalitysettings"),
            ("pages", "change_person"),
            ("monitoring", "view_finding"),
        ):
            self.assertIn(expected, rights)
