"""The user screens, one municipality at a time: an IT administrator sees, edits and gives roles
of their own municipality only; a new account belongs to it and is mailed a first-login link."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from thesaban.accounts import services
from thesaban.accounts.models import Division, StaffMembership
from thesaban.accounts.testing import log_in

from .factories import NEW_USER, TOTPDeviceFactory, UserFactory, municipality, role_groups


class TwoMunicipalitiesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = municipality()
        cls.other_site = municipality("b.example.go.th")
        cls.groups = role_groups(cls.site)
        cls.other_groups = role_groups(cls.other_site)
        cls.finance = Division.objects.create(site=cls.site, name="กองคลัง", code="finance")
        cls.other_finance = Division.objects.create(
            site=cls.other_site, name="กองคลัง", code="finance"
        )
        cls.itadmin = UserFactory(username="itadmin", groups=[cls.groups["it_administrator"]])
        cls.colleague = UserFactory(username="somsri", groups=[cls.finance.preparers])
        # The other municipality's people have the same names; only their usernames differ.
        cls.stranger = UserFactory(
            username="stranger-b",
            last_name="คนของเทศบาลบี",
            email="stranger@b.example.go.th",
            groups=[cls.other_finance.preparers],
        )
        cls.host = UserFactory(username="host-root", is_superuser=True)

    def setUp(self):
        log_in(self.client, self.itadmin)

    def test_only_the_host_chooses_a_municipality(self):
        self.assertNotContains(self.client.get(reverse("wagtailusers_users:add")), "id_site_picker")
        # Asking for another municipality's form changes nothing: the account is of its own.
        url = reverse("wagtailusers_users:add") + f"?site={self.other_site.pk}"
        self.assertNotContains(self.client.get(url), f'value="{self.other_finance.preparers.pk}"')
        self.client.post(url, NEW_USER)
        user = get_user_model().objects.get(username="somying")
        self.assertEqual(user.staff_membership.site, self.site)

    def test_lists_the_accounts_of_its_own_municipality_only(self):
        listing = self.client.get(reverse("wagtailusers_users:index"))
        self.assertContains(listing, "somsri")
        self.assertNotContains(listing, "stranger-b")
        self.assertNotContains(listing, "คนของเทศบาลบี")
        self.assertNotContains(listing, "host-root")
        searched = self.client.get(reverse("wagtailusers_users:index"), {"q": "stranger"})
        self.assertNotContains(searched, "stranger-b")
        # Nor does the group filter name another municipality's groups.
        self.assertNotContains(listing, "b.example.go.th")

    def test_opens_its_own_municipality_s_accounts(self):
        for name in ("edit", "history"):
            url = reverse(f"wagtailusers_users:{name}", args=[self.colleague.pk])
            self.assertEqual(self.client.get(url).status_code, 200, name)

    def test_cannot_open_or_change_another_municipality_s_account(self):
        TOTPDeviceFactory(user=self.stranger)
        for name in ("edit", "delete", "history", "remove_totp"):
            url = reverse(f"wagtailusers_users:{name}", args=[self.stranger.pk])
            self.assertEqual(self.client.get(url).status_code, 404, name)
        # Nor copied: a copy would start from the other person's e-mail and roles.
        self.assertEqual(self.client.get(f"/admin/users/copy/{self.stranger.pk}/").status_code, 404)
        self.client.post(
            reverse("wagtailusers_users:edit", args=[self.stranger.pk]),
            {
                **NEW_USER,
                "username": "stranger-b",
                "password1": "",
                "password2": "",
                "groups": [self.groups["web_operator"].pk],
            },
        )
        self.client.post(reverse("wagtailusers_users:remove_totp", args=[self.stranger.pk]))
        self.stranger.refresh_from_db()
        self.assertEqual(self.stranger.last_name, "คนของเทศบาลบี")
        self.assertEqual(list(self.stranger.groups.all()), [self.other_finance.preparers])
        self.assertTrue(TOTPDevice.objects.filter(user=self.stranger).exists())

    def test_bulk_actions_neither_act_on_nor_name_another_municipality_s_account(self):
        for action, data in (
            ("set_active_state", {"mark_as_active": ""}),
            ("assign_role", {"role": self.other_finance.supervisors.pk}),
            ("delete", {}),
        ):
            url = (
                reverse("wagtail_bulk_action", args=["auth", "user", action])
                + f"?id={self.stranger.pk}&id={self.colleague.pk}"
            )
            confirmation = self.client.get(url)
            self.assertNotContains(confirmation, "stranger-b")
            self.assertNotContains(confirmation, "คนของเทศบาลบี")
            self.client.post(url, data)
            self.stranger.refresh_from_db()
            self.assertTrue(self.stranger.is_active, action)
            self.assertEqual(list(self.stranger.groups.all()), [self.other_finance.preparers])
        everyone = reverse("wagtail_bulk_action", args=["auth", "user", "set_active_state"])
        self.client.post(everyone + "?id=all", {"mark_as_active": ""})
        self.stranger.refresh_from_db()
        self.assertTrue(self.stranger.is_active)

    def test_the_bulk_role_choice_is_its_own_municipality_s(self):
        url = (
            reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
            + f"?id={self.colleague.pk}"
        )
        form = self.client.get(url)
        self.assertContains(form, self.finance.supervisors.name)
        self.assertNotContains(form, self.other_finance.supervisors.name)
        self.client.post(url, {"role": self.other_finance.supervisors.pk})
        self.assertNotIn(self.other_finance.supervisors, self.colleague.groups.all())

    def test_offers_the_roles_of_its_own_municipality_only(self):
        form = self.client.get(reverse("wagtailusers_users:add"))
        self.assertContains(form, f'value="{self.finance.preparers.pk}"')
        self.assertNotContains(form, f'value="{self.other_finance.preparers.pk}"')
        self.assertNotContains(form, f'value="{self.other_groups["web_operator"].pk}"')
        response = self.client.post(
            reverse("wagtailusers_users:add"),
            {**NEW_USER, "groups": [self.other_finance.preparers.pk]},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(get_user_model().objects.filter(username="somying").exists())

    def test_the_groups_screen_lists_its_own_municipality_s_groups(self):
        listing = self.client.get(reverse("wagtailusers_groups:index"))
        self.assertContains(listing, self.finance.preparers.name)
        self.assertNotContains(listing, self.other_finance.preparers.name)

    def test_a_new_account_belongs_to_the_municipality_and_is_mailed_a_link(self):
        response = self.client.post(
            reverse("wagtailusers_users:add"), {**NEW_USER, "groups": [self.finance.preparers.pk]}
        )
        self.assertRedirects(response, reverse("wagtailusers_users:index"))
        user = get_user_model().objects.get(username="somying")
        membership = StaffMembership.objects.get(user=user)
        self.assertEqual((membership.site, membership.created_by), (self.site, self.itadmin))
        [welcome] = [m for m in mail.outbox if m.to == ["somying@example.go.th"]]
        self.assertIn("ชื่อผู้ใช้: somying", welcome.body)
        self.assertNotIn(NEW_USER["password1"], welcome.body)
        link = re.search(r"\S+/admin/login/welcome/\S+/", welcome.body).group(0)
        self.assertTrue(link.startswith(self.site.root_url + "/"))

    def test_an_account_without_a_role_still_belongs_to_the_municipality(self):
        self.client.post(reverse("wagtailusers_users:add"), NEW_USER)
        user = get_user_model().objects.get(username="somying")
        self.assertEqual(user.staff_membership.site, self.site)
        # So the IT administrator finds it again.
        listing = self.client.get(reverse("wagtailusers_users:index"))
        self.assertContains(listing, reverse("wagtailusers_users:edit", args=[user.pk]))


class HostAccountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = municipality()
        cls.other_site = municipality("b.example.go.th")
        cls.other_groups = role_groups(cls.other_site)
        cls.host = UserFactory(username="host-root", is_superuser=True)
        cls.stranger = UserFactory(username="stranger-b", groups=[cls.other_groups["web_operator"]])

    def setUp(self):
        log_in(self.client, self.host)

    def test_sees_every_municipality_s_accounts(self):
        listing = self.client.get(reverse("wagtailusers_users:index"))
        self.assertContains(listing, "stranger-b")

    def test_creates_an_account_in_the_municipality_chosen(self):
        url = reverse("wagtailusers_users:add") + f"?site={self.other_site.pk}"
        form = self.client.get(url)
        self.assertContains(form, 'id="id_site_picker"')
        self.assertContains(form, f'value="{self.other_groups["it_administrator"].pk}"')
        self.assertNotContains(form, f'value="{role_groups(self.site)["it_administrator"].pk}"')
        response = self.client.post(
            url, {**NEW_USER, "groups": [self.other_groups["it_administrator"].pk]}
        )
        self.assertRedirects(response, reverse("wagtailusers_users:index"))
        user = get_user_model().objects.get(username="somying")
        self.assertEqual(user.staff_membership.site, self.other_site)
        self.assertEqual(user.staff_membership.created_by, self.host)

    def test_a_host_account_belongs_to_no_municipality(self):
        self.client.post(reverse("wagtailusers_users:add"), {**NEW_USER, "is_superuser": "on"})
        user = get_user_model().objects.get(username="somying")
        self.assertFalse(StaffMembership.objects.filter(user=user).exists())
        self.assertTrue(services.can_manage_account(actor=self.host, account=user))
