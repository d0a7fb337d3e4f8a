"""`make demo` loads a demo municipality that fills every item, any number of times."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import TestCase, override_settings
from wagtail.models import Page, Site

from thesaban.accounts import roles
from thesaban.accounts.services import site_label
from thesaban.accounts.testing import log_in
from thesaban.core.models import SiteDocument, SiteImage
from thesaban.demo.services import DEMO_ACCOUNTS
from thesaban.pages.models import DocumentIndexPage, NewsIndexPage, Person


class DemoLoaderTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("load_demo", stdout=cls.output)

    def test_prints_each_demo_account_once(self):
        text = self.output.getvalue()
        for username, _role, password, *_rest in DEMO_ACCOUNTS:
            self.assertIn(username, text)
            self.assertIn(password, text)
        again = StringIO()
        call_command("load_demo", stdout=again)
        self.assertNotIn("demo-", again.getvalue())

    def test_loading_twice_duplicates_nothing(self):
        counts = (
            Page.objects.count(),
            Person.objects.count(),
            SiteDocument.objects.count(),
            SiteImage.objects.count(),
        )
        call_command("load_demo", stdout=StringIO())
        self.assertEqual(
            (
                Page.objects.count(),
                Person.objects.count(),
                SiteDocument.objects.count(),
                SiteImage.objects.count(),
            ),
            counts,
        )

    def test_every_listing_has_content(self):
        for index in (*NewsIndexPage.objects.all(), *DocumentIndexPage.objects.all()):
            self.assertTrue(index.get_children().live().exists(), index.title)

    # The demo runs with the dev settings, where TOTP is off; tests keep it on.
    @override_settings(THESABAN_REQUIRE_TOTP=False)
    def test_one_account_per_role_can_sign_in_to_the_admin(self):
        user_model = get_user_model()
        site = f"({site_label(Site.objects.get(is_default_site=True))})"
        expected_groups = {
            "preparer": [f"กองคลัง · {roles.PREPARER} {site}"],
            "supervisor": [
                f"กองคลัง · {roles.SUPERVISOR} {site}",
                f"กองยุทธศาสตร์และงบประมาณ · {roles.SUPERVISOR} {site}",
            ],
            "operator": [f"{roles.WEB_OPERATOR} {site}"],
            "itadmin": [f"{roles.IT_ADMINISTRATOR} {site}"],
            "clerk": [f"{roles.GRANT_CONFIRMER} {site}"],
        }
        for username, _role, password, *_rest in DEMO_ACCOUNTS:
            user = user_model.objects.get(username=username)
            self.assertFalse(user.is_superuser)
            self.assertEqual(
                sorted(group.name for group in user.groups.all()), expected_groups[username]
            )
            response = self.client.post(
                "/admin/login/", {"username": username, "password": password}
            )
            self.assertRedirects(response, "/admin/")
            self.client.logout()

    def test_it_administrator_cannot_edit_pages(self):
        log_in(self.client, get_user_model().objects.get(username="itadmin"))
        page = Page.objects.get(url_path="/home/general/about/")
        self.assertNotEqual(self.client.get(f"/admin/pages/{page.pk}/edit/").status_code, 200)

    def test_demo_home_page_renders_with_content(self):
        response = self.client.get("/")
        self.assertContains(response, "เทศบาลเมืองสุขใจ")
        self.assertContains(response, "สารจากผู้บริหาร")

    def test_web_operator_can_edit_people_and_contact_details(self):
        log_in(self.client, get_user_model().objects.get(username="operator"))
        self.assertEqual(self.client.get("/admin/snippets/pages/person/add/").status_code, 200)
        site_id = Page.objects.get(url_path="/home/").get_site().pk
        settings_url = f"/admin/settings/core/municipalitysettings/{site_id}/"
        self.assertEqual(self.client.get(settings_url).status_code, 200)

    def test_it_administrator_manages_accounts(self):
        log_in(self.client, get_user_model().objects.get(username="itadmin"))
        self.assertEqual(self.client.get("/admin/users/").status_code, 200)
        self.assertEqual(self.client.get("/admin/users/new/").status_code, 200)

    def test_the_clerk_confirms_what_the_it_administrator_asks(self):
        """README's demo of separation of duties: itadmin asks, clerk confirms."""
        itadmin = get_user_model().objects.get(username="itadmin")
        log_in(self.client, itadmin)
        operators = Group.objects.get(site_role__role="web_operator")
        self.client.post(
            "/admin/users/new/",
            {
                "username": "somying",
                "email": "somying@example.go.th",
                "first_name": "สมหญิง",
                "last_name": "ใจงาม",
                "password1": "รหัสชั่วคราว-2569",
                "password2": "รหัสชั่วคราว-2569",
                "groups": [operators.pk],
            },
        )
        account = get_user_model().objects.get(username="somying")
        self.assertFalse(account.groups.exists())
        log_in(self.client, get_user_model().objects.get(username="clerk"))
        listing = self.client.get("/admin/role-grants/")
        self.assertContains(listing, "somying")
        grant = account.role_grants.get()
        self.client.post(f"/admin/role-grants/{grant.pk}/confirm/")
        self.assertEqual(list(account.groups.all()), [operators])
