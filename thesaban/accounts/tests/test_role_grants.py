"""A role that approves, publishes, confirms or manages accounts needs a second person.

The IT administrator could once create an account, make it a web operator, set its password
and sign in as it. Now such a grant waits until the municipality's grant confirmer (the
municipal clerk) or a superuser confirms it, and nobody confirms a grant to themselves, one
they asked for, or one to an account they created (docs/decisions/0006-role-assignments.md).
The workflow side (the account cannot approve step 3 until confirmed) is tested in
publishing/tests/test_role_grants.py.
"""

import json

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from wagtail.models import ModelLogEntry, Page, Site

from thesaban.accounts import access, services
from thesaban.accounts.models import Division, RoleGrant
from thesaban.accounts.testing import log_in

from .factories import TOTPDeviceFactory, UserFactory, role_groups

NEW_USER = {
    "username": "hun",
    "email": "hun@example.go.th",
    "first_name": "หุ่น",
    "last_name": "เชิด",
    "password1": "รหัสชั่วคราว-2569",
    "password2": "รหัสชั่วคราว-2569",
}
ROLE_GRANTS = reverse("accounts_role_grants")


def grant_entries(account, action):
    return ModelLogEntry.objects.filter(
        content_type__model="user", object_id=str(account.pk), action=action
    )


def mail_to(address):
    return [message for message in mail.outbox if message.to == [address]]


class RoleGrantTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.get(is_default_site=True)
        cls.groups = role_groups(cls.site)
        cls.finance = Division.objects.create(site=cls.site, name="กองคลัง", code="finance")
        cls.finance.refresh_from_db()
        cls.itadmin = UserFactory(username="itadmin", groups=[cls.groups["it_administrator"]])
        cls.clerk = UserFactory(username="clerk", groups=[cls.groups["grant_confirmer"]])
        cls.operator = UserFactory(username="operator", groups=[cls.groups["web_operator"]])
        # The host's superuser: of no municipality (docs/decisions/0007-municipalities.md).
        cls.superuser = UserFactory(username="root", is_superuser=True)

    def add_user(self, *groups, as_user=None, **extra):
        log_in(self.client, as_user or self.itadmin)
        return self.client.post(
            reverse("wagtailusers_users:add"),
            {**NEW_USER, **extra, "groups": [group.pk for group in groups]},
            follow=True,
        )

    def new_account(self):
        return get_user_model().objects.get(username=NEW_USER["username"])

    def request(self, account, *groups, actor=None):
        return services.assign_roles(account=account, add=groups, actor=actor or self.itadmin)

    def confirm(self, grant, as_user):
        log_in(self.client, as_user)
        return self.client.post(reverse("accounts_confirm_grant", args=[grant.pk]), follow=True)


class TheTwoMinutePathIsClosed(RoleGrantTestCase):
    def test_the_it_administrator_alone_cannot_make_a_web_operator(self):
        response = self.add_user(self.groups["web_operator"])
        account = self.new_account()
        self.assertContains(response, "บทบาทต่อไปนี้ยังไม่มีผล")
        self.assertContains(response, self.groups["web_operator"].name)
        self.assertFalse(account.groups.exists())
        self.assertFalse(access.is_web_operator(account))
        grant = RoleGrant.objects.get(account=account)
        self.assertEqual(
            (grant.status, grant.group, grant.requested_by, grant.site),
            (RoleGrant.Status.PENDING, self.groups["web_operator"], self.itadmin, self.site),
        )
        # Signed in as the new account (its password is known to the IT administrator), it
        # has none of the web operator's screens.
        log_in(self.client, account)
        settings_url = f"/admin/settings/core/municipalitysettings/{self.site.pk}/"
        self.assertNotEqual(self.client.get(settings_url).status_code, 200)
        log_in(self.client, self.operator)
        self.assertEqual(self.client.get(settings_url).status_code, 200)

    def test_every_role_but_the_preparers_waits(self):
        """Supervisors approve, web operators publish, grant confirmers confirm, and IT
        administrators reset the passwords of those who do: all of them wait."""
        waiting = services.groups_needing_confirmation(
            [*self.groups.values(), self.finance.preparers, self.finance.supervisors]
        )
        self.assertEqual(
            waiting,
            {group.pk for group in self.groups.values()} | {self.finance.supervisors.pk},
        )

    def test_a_preparer_role_takes_effect_at_once(self):
        self.add_user(self.finance.preparers)
        account = self.new_account()
        self.assertEqual(list(account.groups.all()), [self.finance.preparers])
        self.assertFalse(RoleGrant.objects.exists())

    def test_the_form_says_which_roles_wait(self):
        log_in(self.client, self.itadmin)
        form = self.client.get(reverse("wagtailusers_users:add"))
        self.assertContains(form, f"{self.groups['web_operator'].name} — มีผลเมื่อได้รับการยืนยัน")
        self.assertContains(form, f"{self.finance.supervisors.name} — มีผลเมื่อได้รับการยืนยัน")
        self.assertNotContains(form, f"{self.finance.preparers.name} — มีผล")
        self.assertContains(form, "มีผลเมื่อบุคคลที่สองยืนยันแล้ว")

        self.add_user(self.finance.supervisors)
        account = self.new_account()
        edit = self.client.get(reverse("wagtailusers_users:edit", args=[account.pk]))
        self.assertContains(edit, f"{self.finance.supervisors.name} — รอการยืนยัน")
        self.assertContains(
            edit, f'name="groups" value="{self.finance.supervisors.pk}" id="id_groups_', count=1
        )
        html = edit.content.decode()
        checkbox = html[html.index(f'value="{self.finance.supervisors.pk}"') :][:120]
        self.assertIn("checked", checkbox)

    def test_the_it_administrator_cannot_take_over_the_grant_confirmer(self):
        """Resetting the clerk's password and clearing their device would let the IT
        administrator sign in as the clerk and confirm their own requests."""
        TOTPDeviceFactory(user=self.clerk)
        log_in(self.client, self.itadmin)
        self.assertRedirects(
            self.client.get(reverse("wagtailusers_users:edit", args=[self.clerk.pk])), "/admin/"
        )
        self.client.post(reverse("wagtailusers_users:remove_totp", args=[self.clerk.pk]))
        self.assertTrue(self.clerk.totpdevice_set.exists())
        self.assertFalse(services.can_manage_account(actor=self.itadmin, account=self.clerk))
        self.assertTrue(services.can_manage_account(actor=self.superuser, account=self.clerk))


class ConfirmingTests(RoleGrantTestCase):
    def test_the_confirmer_is_told_and_confirms_and_then_the_role_holds(self):
        self.add_user(self.groups["web_operator"])
        account = self.new_account()
        [told] = mail_to(self.clerk.email)
        self.assertIn("hun", told.body)
        self.assertIn(self.groups["web_operator"].name, told.body)
        self.assertIn(ROLE_GRANTS, told.body)
        mail.outbox.clear()

        grant = RoleGrant.objects.get(account=account)
        log_in(self.client, self.clerk)
        listing = self.client.get(ROLE_GRANTS)
        self.assertContains(listing, f'id="grant-{grant.pk}"')
        self.assertContains(listing, reverse("accounts_confirm_grant", args=[grant.pk]))
        self.assertContains(listing, "สร้างบัญชีโดย สมหญิง ทดสอบระบบ (itadmin)")

        response = self.confirm(grant, self.clerk)
        self.assertContains(response, "ยืนยันแล้ว")
        account = self.new_account()
        self.assertTrue(access.is_web_operator(account))
        grant.refresh_from_db()
        self.assertEqual((grant.status, grant.decided_by), (RoleGrant.Status.CONFIRMED, self.clerk))

        [entry] = grant_entries(account, services.GRANT_CONFIRMED)
        self.assertEqual(entry.user, self.clerk)
        self.assertIn(self.groups["web_operator"].name, entry.message)
        self.assertIn("itadmin", entry.message)
        for person in (self.itadmin, account):
            [message] = mail_to(person.email)
            self.assertIn("ยืนยันการให้สิทธิ์แล้ว", message.subject)
            self.assertIn("clerk", message.body)
        # The other web operators learn of a new colleague, as before.
        [colleagues] = mail_to(self.operator.email)
        self.assertIn("hun", colleagues.body)
        self.assertFalse(mail_to(self.clerk.email))

    def test_nobody_confirms_their_own_request(self):
        both = UserFactory(
            username="both",
            groups=[self.groups["grant_confirmer"], self.groups["it_administrator"]],
        )
        account = UserFactory(username="somchai", groups=[self.finance.preparers])
        [grant] = self.request(account, self.groups["web_operator"], actor=both).pending

        log_in(self.client, both)
        listing = self.client.get(ROLE_GRANTS)
        self.assertContains(listing, "ยืนยันคำขอที่ท่านเป็นผู้ขอเองไม่ได้")
        self.assertNotContains(listing, reverse("accounts_confirm_grant", args=[grant.pk]))
        response = self.confirm(grant, both)
        self.assertContains(response, "ยืนยันคำขอที่ท่านเป็นผู้ขอเองไม่ได้")
        grant.refresh_from_db()
        self.assertEqual(grant.status, RoleGrant.Status.PENDING)
        self.assertFalse(access.is_web_operator(account))
        with self.assertRaises(PermissionDenied):
            services.confirm_grant(grant=grant, actor=both)
        # The clerk, a second person, may.
        self.confirm(grant, self.clerk)
        self.assertTrue(access.is_web_operator(get_user_model().objects.get(pk=account.pk)))

    def test_nobody_confirms_a_grant_to_an_account_they_created(self):
        both = UserFactory(
            username="both",
            groups=[self.groups["grant_confirmer"], self.groups["it_administrator"]],
        )
        self.add_user(self.finance.preparers, as_user=both)
        account = self.new_account()
        self.assertEqual(account.staff_membership.created_by, both)
        # Someone else asks; the one who made the account still cannot confirm.
        [grant] = self.request(account, self.finance.supervisors).pending
        response = self.confirm(grant, both)
        self.assertContains(response, "ยืนยันการให้สิทธิ์แก่บัญชีที่ท่านสร้างเองไม่ได้")
        grant.refresh_from_db()
        self.assertEqual(grant.status, RoleGrant.Status.PENDING)
        self.assertFalse(account.groups.filter(pk=self.finance.supervisors.pk).exists())

    def test_nobody_confirms_a_grant_to_themselves(self):
        """Asked for before they became a confirmer: they still cannot confirm it."""
        person = UserFactory(username="somsri", groups=[self.finance.preparers])
        [grant] = self.request(person, self.finance.supervisors).pending
        self.request(person, self.groups["grant_confirmer"], actor=self.superuser)
        person = get_user_model().objects.get(pk=person.pk)
        self.assertTrue(access.is_grant_confirmer(person))
        response = self.confirm(grant, person)
        self.assertContains(response, "ยืนยันการให้สิทธิ์แก่ตนเองไม่ได้")
        grant.refresh_from_db()
        self.assertEqual(grant.status, RoleGrant.Status.PENDING)

    def test_a_superuser_grants_directly_to_others_and_takes_no_role_themselves(self):
        self.add_user(self.groups["web_operator"], as_user=self.superuser)
        account = self.new_account()
        self.assertTrue(access.is_web_operator(account))
        grant = RoleGrant.objects.get(account=account)
        self.assertEqual(
            (grant.status, grant.requested_by, grant.decided_by),
            (RoleGrant.Status.CONFIRMED, self.superuser, self.superuser),
        )

        with self.assertRaises(ValidationError):
            self.request(self.superuser, self.groups["web_operator"], actor=self.superuser)
        self.assertFalse(self.superuser.groups.exists())
        self.assertFalse(RoleGrant.objects.filter(account=self.superuser).exists())

    def test_a_superuser_confirms_by_giving_a_role_that_waits(self):
        account = UserFactory(username="somchai", groups=[self.finance.preparers])
        [grant] = self.request(account, self.groups["web_operator"]).pending
        assignment = self.request(account, self.groups["web_operator"], actor=self.superuser)
        self.assertEqual(assignment.granted, [self.groups["web_operator"]])
        grant.refresh_from_db()
        self.assertEqual((grant.status, grant.decided_by), ("confirmed", self.superuser))
        self.assertEqual(grant_entries(account, services.GRANT_CONFIRMED).count(), 1)

    def test_asking_twice_makes_one_request(self):
        account = UserFactory(username="somchai", groups=[self.finance.preparers])
        first = self.request(account, self.groups["web_operator"])
        again = self.request(account, self.groups["web_operator"])
        self.assertEqual(first.pending, again.pending)
        self.assertEqual(RoleGrant.objects.pending().count(), 1)
        self.assertEqual(grant_entries(account, services.GRANT_REQUESTED).count(), 1)

    def test_a_decided_grant_cannot_be_decided_again(self):
        account = UserFactory(username="somchai", groups=[self.finance.preparers])
        [grant] = self.request(account, self.groups["web_operator"]).pending
        services.refuse_grant(grant=grant, actor=self.clerk, reason="ไม่ได้รับมอบหมาย")
        response = self.confirm(grant, self.superuser)
        self.assertContains(response, "คำขอนี้ได้รับการพิจารณาไปแล้ว")
        grant.refresh_from_db()
        self.assertEqual(grant.status, RoleGrant.Status.REFUSED)
        self.assertFalse(access.is_web_operator(account))


class RefusingTests(RoleGrantTestCase):
    def test_a_refusal_needs_a_reason_and_is_recorded_and_told(self):
        self.add_user(self.groups["web_operator"])
        account = self.new_account()
        grant = RoleGrant.objects.get(account=account)
        mail.outbox.clear()
        log_in(self.client, self.clerk)
        url = reverse("accounts_refuse_grant", args=[grant.pk])
        self.assertContains(self.client.get(url), "เหตุผลที่ไม่ยืนยัน")

        response = self.client.post(url, {"reason": "  "})
        self.assertContains(response, "กรุณาระบุเหตุผลที่ไม่ยืนยัน")
        grant.refresh_from_db()
        self.assertEqual(grant.status, RoleGrant.Status.PENDING)

        reason = "ไม่มีคำสั่งมอบหมายจากนายกเทศมนตรี"
        response = self.client.post(url, {"reason": reason}, follow=True)
        self.assertContains(response, "ไม่ยืนยันแล้ว")
        grant.refresh_from_db()
        self.assertEqual(
            (grant.status, grant.decided_by, grant.reason),
            (RoleGrant.Status.REFUSED, self.clerk, reason),
        )
        self.assertFalse(access.is_web_operator(account))
        self.assertContains(response, reason)  # in the recent decisions
        [entry] = grant_entries(account, services.GRANT_REFUSED)
        self.assertEqual(entry.user, self.clerk)
        self.assertIn(reason, entry.message)
        for person in (self.itadmin, account):
            [message] = mail_to(person.email)
            self.assertIn("ไม่ยืนยันการให้สิทธิ์", message.subject)
            self.assertIn(reason, message.body)
        self.assertFalse(mail_to(self.operator.email))


class BulkAndRemovalTests(RoleGrantTestCase):
    def bulk(self, role, *accounts):
        log_in(self.client, self.itadmin)
        ids = "&".join(f"id={account.pk}" for account in accounts)
        url = (
            reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
            + f"?{ids}&next="
            + reverse("wagtailusers_users:index")
        )
        return self.client.post(url, {"role": role.pk}, follow=True)

    def test_the_bulk_assign_role_waits_the_same(self):
        one = UserFactory(username="one", groups=[self.finance.preparers])
        two = UserFactory(username="two", groups=[self.finance.preparers])
        response = self.bulk(self.groups["web_operator"], one, two)
        self.assertContains(response, "ของผู้ใช้ 2 คนยังไม่มีผล")
        self.assertFalse(access.is_web_operator(one))
        self.assertFalse(access.is_web_operator(two))
        self.assertEqual(
            set(RoleGrant.objects.pending().values_list("account__username", flat=True)),
            {"one", "two"},
        )
        response = self.bulk(self.finance.preparers, self.operator)
        self.assertContains(response, "ผู้ใช้ 1 คนมีบทบาท")
        self.assertIn(self.finance.preparers, self.operator.groups.all())

    def test_removing_a_role_takes_effect_at_once_and_takes_back_a_request(self):
        [grant] = self.request(self.operator, self.finance.supervisors).pending
        log_in(self.client, self.itadmin)
        url = reverse("wagtailusers_users:edit", args=[self.operator.pk])
        data = {**NEW_USER, "username": "operator", "password1": "", "password2": ""}
        self.client.post(url, {**data, "is_active": "on", "groups": []})
        self.assertFalse(self.operator.groups.exists())
        grant.refresh_from_db()
        self.assertEqual((grant.status, grant.decided_by), ("withdrawn", self.itadmin))
        self.assertEqual(grant_entries(self.operator, services.GRANT_WITHDRAWN).count(), 1)
        [change] = grant_entries(self.operator, services.ROLES_CHANGED)
        self.assertEqual(change.data["removed"], [self.groups["web_operator"].name])


class TwoMunicipalitiesTests(RoleGrantTestCase):
    """Two municipalities with the same division names: each confirms only its own."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A plain page stands for B's home page: accounts may not import pages' HomePage.
        home_b = Page.get_first_root_node().add_child(
            instance=Page(title=cls.site.root_page.title, slug="home-b")
        )
        cls.site_b = Site.objects.create(hostname="b.example.go.th", port=80, root_page=home_b)
        cls.groups_b = role_groups(cls.site_b)
        cls.finance_b = Division.objects.create(site=cls.site_b, name="กองคลัง", code="finance")
        cls.finance_b.refresh_from_db()
        cls.itadmin_b = UserFactory(username="itadmin_b", groups=[cls.groups_b["it_administrator"]])
        cls.clerk_b = UserFactory(username="clerk_b", groups=[cls.groups_b["grant_confirmer"]])
        cls.person_a = UserFactory(username="marker_person_a", groups=[cls.finance.preparers])
        cls.person_b = UserFactory(username="marker_person_b", groups=[cls.finance_b.preparers])

    def test_each_confirmer_sees_and_decides_only_their_municipalitys_grants(self):
        [grant_a] = self.request(self.person_a, self.finance.supervisors).pending
        [grant_b] = self.request(
            self.person_b, self.finance_b.supervisors, actor=self.itadmin_b
        ).pending
        self.assertEqual((grant_a.site, grant_b.site), (self.site, self.site_b))
        # B's confirmer alone is told of B's request.
        self.assertEqual(
            {address for message in mail.outbox for address in message.to},
            {self.clerk.email, self.clerk_b.email},
        )
        self.assertEqual(len(mail_to(self.clerk_b.email)), 1)

        log_in(self.client, self.clerk_b)
        listing = self.client.get(ROLE_GRANTS)
        self.assertContains(listing, f'id="grant-{grant_b.pk}"')
        self.assertNotContains(listing, f'id="grant-{grant_a.pk}"')
        self.assertNotContains(listing, "marker_person_a")
        for name in ("accounts_confirm_grant", "accounts_refuse_grant"):
            url = reverse(name, args=[grant_a.pk])
            self.assertEqual(self.client.post(url, {"reason": "x"}).status_code, 404)
        self.assertEqual(
            self.client.get(reverse("accounts_refuse_grant", args=[grant_a.pk])).status_code, 404
        )
        with self.assertRaises(PermissionDenied):
            services.confirm_grant(grant=grant_a, actor=self.clerk_b)
        grant_a.refresh_from_db()
        self.assertEqual(grant_a.status, RoleGrant.Status.PENDING)
        self.assertFalse(self.person_a.groups.filter(pk=self.finance.supervisors.pk).exists())

        log_in(self.client, self.clerk)
        listing = self.client.get(ROLE_GRANTS)
        self.assertContains(listing, f'id="grant-{grant_a.pk}"')
        self.assertNotContains(listing, "marker_person_b")
        self.assertEqual(
            self.client.post(reverse("accounts_confirm_grant", args=[grant_b.pk])).status_code,
            404,
        )
        grant_b.refresh_from_db()
        self.assertEqual(grant_b.status, RoleGrant.Status.PENDING)

    def test_the_host_confirms_in_every_municipality(self):
        host = UserFactory(username="host", is_superuser=True)
        [grant_b] = self.request(
            self.person_b, self.finance_b.supervisors, actor=self.itadmin_b
        ).pending
        log_in(self.client, host)
        self.assertContains(self.client.get(ROLE_GRANTS), "b.example.go.th")
        self.confirm(grant_b, host)
        grant_b.refresh_from_db()
        self.assertEqual(grant_b.status, RoleGrant.Status.CONFIRMED)

    def test_the_host_grants_directly_in_every_municipality(self):
        assignment = self.request(self.person_b, self.finance_b.supervisors, actor=self.superuser)
        self.assertEqual(assignment.granted, [self.finance_b.supervisors])
        self.assertEqual(assignment.pending, [])


class ScreenTests(RoleGrantTestCase):
    def test_only_confirmers_and_superusers_have_the_screen(self):
        for person in (self.itadmin, self.operator):
            log_in(self.client, person)
            # Wagtail turns a refusal into a redirect to the dashboard with an error message.
            self.assertRedirects(self.client.get(ROLE_GRANTS), "/admin/")
            self.assertNotContains(self.client.get("/admin/"), ROLE_GRANTS)
        for person in (self.clerk, self.superuser):
            log_in(self.client, person)
            self.assertContains(self.client.get(ROLE_GRANTS), "ไม่มีคำขอที่รอการยืนยัน")
            self.assertContains(self.client.get("/admin/"), ROLE_GRANTS)

    def test_the_menu_counts_what_waits(self):
        account = UserFactory(username="somchai", groups=[self.finance.preparers])
        self.request(account, self.groups["web_operator"], self.finance.supervisors)
        log_in(self.client, self.clerk)
        # The menu is drawn from JSON, where Thai is written as \u escapes.
        label = json.dumps("ยืนยันการให้สิทธิ์ (2)")
        self.assertContains(self.client.get("/admin/"), label)
