"""The IT administrator manages staff accounts in Wagtail's own (Thai) user screens."""

from datetime import UTC, datetime

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry, Page, Site

from thesaban.accounts import services
from thesaban.accounts.models import Division
from thesaban.accounts.testing import log_in

from .factories import PASSWORD, TOTPDeviceFactory, UserFactory, role_groups

NEW_USER = {
    "username": "somying",
    "email": "somying@example.go.th",
    "first_name": "สมหญิง",
    "last_name": "ใจงาม",
    "password1": "รหัสชั่วคราว-2569",
    "password2": "รหัสชั่วคราว-2569",
}


class ITAdministratorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.root = Page.get_first_root_node()
        cls.page = cls.root.add_child(instance=Page(title="เกี่ยวกับเทศบาล", slug="about"))
        cls.groups = role_groups()
        cls.finance = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
        )
        cls.finance.sections.add(cls.page)
        cls.finance.refresh_from_db()
        cls.itadmin = UserFactory(username="itadmin", groups=[cls.groups["it_administrator"]])
        cls.superuser = UserFactory(username="root", is_superuser=True)
        cls.operator = UserFactory(username="operator", groups=[cls.groups["web_operator"]])

    def setUp(self):
        log_in(self.client, self.itadmin)

    def create_user(self, **extra):
        return self.client.post(reverse("wagtailusers_users:add"), {**NEW_USER, **extra})

    def test_creates_an_account_with_a_division_group_at_once_and_a_role_that_waits(self):
        """A preparer's role carries no approval right; the web operator's waits for a second
        person (docs/decisions/0006-role-assignments.md)."""
        form = self.client.get(reverse("wagtailusers_users:add"))
        self.assertContains(form, self.finance.preparers.name)
        response = self.create_user(
            groups=[self.groups["web_operator"].pk, self.finance.preparers.pk]
        )
        self.assertRedirects(response, reverse("wagtailusers_users:index"))
        user = get_user_model().objects.get(username="somying")
        self.assertEqual(set(user.groups.all()), {self.finance.preparers})
        self.assertEqual(user.staff_membership.created_by, self.itadmin)

    def test_a_new_account_must_choose_its_own_password_at_first_sign_in(self):
        self.create_user(groups=[self.finance.preparers.pk])
        user = get_user_model().objects.get(username="somying")
        self.assertTrue(services.must_change_password(user))
        self.client.logout()
        self.client.post(
            "/admin/login/", {"username": "somying", "password": NEW_USER["password1"]}
        )
        self.assertRedirects(
            self.client.get("/admin/"),
            "/admin/login/new-password/?next=%2Fadmin%2F",
            fetch_redirect_response=False,
        )

    def test_resetting_someone_elses_password_makes_them_choose_a_new_one(self):
        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        data = {
            **NEW_USER,
            "username": "operator",
            "is_active": "on",
            "groups": [self.groups["web_operator"].pk],
        }
        self.assertRedirects(self.client.post(url, data), reverse("wagtailusers_users:index"))
        self.assertTrue(services.must_change_password(self.operator))

    def test_the_owner_is_told_of_a_password_reset_without_the_password(self):
        """At the old address too: whoever took an account over would change both."""
        old_address = self.operator.email
        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        data = {
            **NEW_USER,
            "username": "operator",
            "is_active": "on",
            "groups": [self.groups["web_operator"].pk],
        }
        with time_machine.travel(datetime(2026, 3, 4, 21, 10, tzinfo=UTC), tick=False):
            self.client.post(url, data)
        self.assertEqual(
            sorted(address for message in mail.outbox for address in message.to),
            sorted([old_address, NEW_USER["email"]]),
        )
        for message in mail.outbox:
            self.assertIn("ตั้งรหัสผ่านใหม่", message.subject)
            self.assertIn("operator", message.subject)
            self.assertIn("itadmin", message.body)
            # Bangkok time, Buddhist year: 5 March 2569 04:10.
            self.assertIn("5 มี.ค. 2569 04:10 น.", message.body)
            self.assertNotIn(NEW_USER["password1"], message.subject + message.body)

    def test_an_edit_that_leaves_the_password_alone_sends_no_such_mail(self):
        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        data = {**NEW_USER, "username": "operator", "password1": "", "password2": ""}
        self.client.post(
            url, {**data, "is_active": "on", "groups": [self.groups["web_operator"].pk]}
        )
        self.assertEqual(mail.outbox, [])

    def test_cannot_make_anyone_a_superuser(self):
        form = self.client.get(reverse("wagtailusers_users:add"))
        self.assertNotContains(form, 'name="is_superuser"')
        self.create_user(is_superuser="on")
        self.assertFalse(get_user_model().objects.get(username="somying").is_superuser)

        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        self.assertNotContains(self.client.get(url), 'name="is_superuser"')
        data = {**NEW_USER, "username": "operator", "password1": "", "password2": ""}
        self.client.post(url, {**data, "is_active": "on", "is_superuser": "on"})
        self.operator.refresh_from_db()
        self.assertFalse(self.operator.is_superuser)

    def test_cannot_change_a_superuser(self):
        """Whoever may reset a superuser's password can become one. Superusers are the host's,
        of no municipality: to a municipality's staff their accounts are not there at all."""
        url = reverse("wagtailusers_users:edit", args=[self.superuser.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        listing = self.client.get(reverse("wagtailusers_users:index"))
        self.assertNotContains(listing, url)

    def test_cannot_give_themselves_a_role(self):
        """Otherwise the IT administrator could make themselves a web operator and publish."""
        url = reverse("wagtailusers_users:edit", args=[self.itadmin.pk])
        self.assertNotContains(self.client.get(url), 'name="groups"')
        data = {**NEW_USER, "username": "itadmin", "password1": "", "password2": ""}
        self.client.post(url, {**data, "groups": [self.groups["web_operator"].pk]})
        bulk = (
            reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
            + f"?id={self.itadmin.pk}"
        )
        self.client.post(bulk, {"role": self.groups["web_operator"].pk})
        self.assertEqual(
            list(self.itadmin.groups.values_list("name", flat=True)),
            [self.groups["it_administrator"].name],
        )

    def test_can_still_assign_roles_to_others_in_bulk(self):
        bulk = (
            reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
            + f"?id={self.operator.pk}"
        )
        self.client.post(bulk, {"role": self.finance.preparers.pk})
        self.assertIn(self.finance.preparers, self.operator.groups.all())

    def test_has_no_page_rights(self):
        self.assertNotEqual(
            self.client.get(reverse("wagtailadmin_pages:edit", args=[self.page.pk])).status_code,
            200,
        )
        self.client.post(
            reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            {"title": "แก้โดยผู้ดูแลระบบ", "slug": "about", "action-publish": "publish"},
        )
        self.page.refresh_from_db()
        self.assertEqual(self.page.title, "เกี่ยวกับเทศบาล")
        self.assertFalse(self.page.permissions_for_user(self.itadmin).can_publish())
        self.assertFalse(self.page.permissions_for_user(self.itadmin).can_edit())

    def test_the_user_screens_are_in_thai(self):
        response = self.client.get(reverse("wagtailusers_users:add"))
        self.assertContains(response, "ชื่อผู้ใช้")
        self.assertNotContains(response, "Add user")

    def test_removes_a_lost_phone_so_the_person_enrols_again(self):
        TOTPDeviceFactory(user=self.operator)
        url = reverse("wagtailusers_users:remove_totp", args=[self.operator.pk])
        self.assertContains(self.client.get(reverse("wagtailusers_users:index")), url)
        searched = self.client.get(reverse("wagtailusers_users:index"), {"q": "operator"})
        self.assertContains(searched, url)
        self.assertContains(self.client.get(url), "ล้างการยืนยันตัวตนสองขั้นตอน")
        self.assertRedirects(self.client.post(url), reverse("wagtailusers_users:index"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.operator).exists())
        # Its owner is told, in Thai, by whom.
        [message] = mail.outbox
        self.assertEqual(message.to, [self.operator.email])
        self.assertIn("การยืนยันตัวตนสองขั้นตอน", message.subject)
        self.assertIn("itadmin", message.body)
        self.assertIn("ลงทะเบียนแอปยืนยันตัวตนใหม่", message.body)
        self.client.logout()
        response = self.client.post("/admin/login/", {"username": "operator", "password": PASSWORD})
        self.assertTrue(response.url.startswith("/admin/login/totp/enrol/"))

    def test_cannot_remove_a_superusers_device(self):
        TOTPDeviceFactory(user=self.superuser)
        url = reverse("wagtailusers_users:remove_totp", args=[self.superuser.pk])
        self.assertRedirects(self.client.post(url), "/admin/")
        self.assertTrue(TOTPDevice.objects.filter(user=self.superuser).exists())

    def test_cannot_change_what_a_role_may_do(self):
        """Otherwise the IT administrator could give their own group the right to publish."""
        operators = self.groups["web_operator"]
        its_own = self.groups["it_administrator"]
        publish = Permission.objects.get(codename="publish_person")
        for group in (operators, its_own):
            url = reverse("wagtailusers_groups:edit", args=[group.pk])
            self.assertRedirects(self.client.get(url), "/admin/")
            self.client.post(url, {"name": group.name, "permissions": [publish.pk]})
            self.assertFalse(group.permissions.filter(pk=publish.pk).exists())
        self.assertRedirects(self.client.get(reverse("wagtailusers_groups:add")), "/admin/")

    def role_changes(self, account):
        return ModelLogEntry.objects.filter(
            content_type__model="user", object_id=str(account.pk), action=services.ROLES_CHANGED
        )

    def test_a_role_given_is_recorded_and_its_colleagues_are_told(self):
        """A role is given by one person: the people who work with it learn of a new member.
        (The web operators hear of theirs when it is confirmed: test_role_grants.)"""
        supervisor = UserFactory(username="supervisor", groups=[self.finance.supervisors])
        self.create_user(groups=[self.finance.preparers.pk])
        user = get_user_model().objects.get(username="somying")
        [entry] = self.role_changes(user)
        self.assertEqual(entry.user, self.itadmin)
        self.assertEqual(entry.data["added"], [self.finance.preparers.name])
        self.assertIn("เพิ่ม: " + self.finance.preparers.name, entry.message)
        told = {address for message in mail.outbox for address in message.to}
        self.assertEqual(told, {supervisor.email})
        [message] = mail.outbox
        self.assertIn("somying", message.body)
        self.assertIn("itadmin", message.body)
        self.assertNotIn(self.itadmin.email, told)

    def test_roles_changed_on_an_account_or_in_bulk_are_recorded(self):
        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        data = {**NEW_USER, "username": "operator", "password1": "", "password2": ""}
        self.client.post(url, {**data, "is_active": "on", "groups": [self.finance.preparers.pk]})
        [entry] = self.role_changes(self.operator)
        self.assertEqual(entry.data["added"], [self.finance.preparers.name])
        self.assertEqual(entry.data["removed"], [self.groups["web_operator"].name])

        bulk = (
            reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
            + f"?id={self.operator.pk}"
        )
        self.client.post(bulk, {"role": self.groups["web_operator"].pk})
        # The web operator's role now waits: recorded as a request, not as a change.
        self.assertEqual(self.role_changes(self.operator).count(), 1)
        self.assertEqual(
            ModelLogEntry.objects.filter(
                object_id=str(self.operator.pk), action=services.GRANT_REQUESTED
            ).count(),
            1,
        )
        # Saving an account without changing its roles (the one waiting is ticked, as the
        # form shows it) records nothing.
        self.client.post(
            url,
            {
                **data,
                "is_active": "on",
                "groups": [self.finance.preparers.pk, self.groups["web_operator"].pk],
            },
        )
        self.assertEqual(self.role_changes(self.operator).count(), 1)
        self.assertEqual(
            ModelLogEntry.objects.filter(object_id=str(self.operator.pk))
            .filter(action__startswith="thesaban.roles.grant")
            .count(),
            1,
        )


class SuperuserTests(TestCase):
    def test_a_superuser_still_makes_superusers(self):
        superuser = UserFactory(username="root", is_superuser=True)
        log_in(self.client, superuser)
        self.assertContains(
            self.client.get(reverse("wagtailusers_users:add")), 'name="is_superuser"'
        )
        self.client.post(
            reverse("wagtailusers_users:add"),
            {**NEW_USER, "is_superuser": "on", "groups": [Group.objects.create(name="x").pk]},
        )
        self.assertTrue(get_user_model().objects.get(username="somying").is_superuser)
