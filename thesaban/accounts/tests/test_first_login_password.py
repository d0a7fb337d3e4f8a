"""An account whose password someone else set must choose its own at the first sign-in."""

import os
import re
from io import StringIO
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Site

from thesaban.accounts import services
from thesaban.accounts.models import AccountSecurity
from thesaban.accounts.testing import log_in

from .factories import PASSWORD, UserFactory

NEW_PASSWORD = "ทุ่งนาเขียวขจี-2569"
SET_PASSWORD = "/admin/login/new-password/"


class FirstLoginPasswordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = UserFactory(username="admin", is_superuser=True)
        cls.user = UserFactory(username="newcomer", is_superuser=False)
        cls.user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        services.require_password_change(user=cls.user, set_by=cls.admin)

    def sign_in(self, password: str = PASSWORD):
        return self.client.post("/admin/login/", {"username": "newcomer", "password": password})

    def test_every_admin_page_leads_to_the_thai_new_password_page(self):
        self.sign_in()
        for url in ("/admin/", "/admin/pages/", "/admin/account/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertRedirects(
                    response,
                    f"{SET_PASSWORD}?next={url.replace('/', '%2F')}",
                    fetch_redirect_response=False,
                )
        response = self.client.get(SET_PASSWORD)
        self.assertContains(response, "ตั้งรหัสผ่านใหม่")
        self.assertContains(response, "รหัสผ่านใหม่")

    def test_django_password_rules_apply_with_thai_errors(self):
        self.sign_in()
        response = self.client.post(
            SET_PASSWORD, {"new_password1": "12345", "new_password2": "12345"}
        )
        self.assertContains(response, "รหัสผ่านนี้สั้นเกินไป")
        self.assertContains(response, "รหัสผ่านนี้เป็นตัวเลขทั้งหมด")
        response = self.client.post(
            SET_PASSWORD, {"new_password1": NEW_PASSWORD, "new_password2": "อย่างอื่น-2569"}
        )
        self.assertContains(response, "รหัสผ่านทั้งสองช่องไม่ตรงกัน")

    def test_the_password_given_by_the_administrator_cannot_be_kept(self):
        self.sign_in()
        response = self.client.post(
            SET_PASSWORD, {"new_password1": PASSWORD, "new_password2": PASSWORD}
        )
        self.assertContains(response, "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านที่ได้รับจากผู้ดูแลระบบ")

    def test_a_new_password_opens_the_admin_and_is_the_one_to_use(self):
        self.sign_in()
        response = self.client.post(
            f"{SET_PASSWORD}?next=/admin/pages/",
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(response, "/admin/pages/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertFalse(AccountSecurity.objects.get(user=self.user).must_change_password)
        self.client.logout()
        self.assertEqual(self.sign_in(PASSWORD).status_code, 200)  # the old one is refused
        self.assertRedirects(self.sign_in(NEW_PASSWORD), "/admin/", fetch_redirect_response=False)

    def test_the_page_needs_a_signed_in_person(self):
        self.assertRedirects(
            self.client.get(SET_PASSWORD), "/admin/login/", fetch_redirect_response=False
        )

    def test_the_log_in_helper_owes_nothing(self):
        log_in(self.client, self.user)
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class AccountsNotForcedTests(TestCase):
    def test_accounts_made_in_code_and_by_createsuperuser_owe_no_password_change(self):
        """The demo loader creates its accounts with create_user; the README prints them."""
        demo = get_user_model().objects.create_user("demo", password="demo-2569")
        with mock.patch.dict(os.environ, {"DJANGO_SUPERUSER_PASSWORD": "x-very-long-2569"}):
            call_command(
                "createsuperuser",
                username="root",
                email="root@example.go.th",
                interactive=False,
                stdout=StringIO(),
            )
        root = get_user_model().objects.get(username="root")
        for user in (demo, root):
            self.assertFalse(services.must_change_password(user))


class FirstLoginLinkTests(TestCase):
    """The first-login e-mail's link: the person chooses their own password, once."""

    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.get(is_default_site=True)
        cls.user = UserFactory(username="somying", email="somying@example.go.th")
        cls.user.set_unusable_password()
        cls.user.save()

    def link(self) -> str:
        services.send_first_login_mail(accounts=[self.user], site=self.site)
        [message] = mail.outbox
        self.assertIn("ชื่อผู้ใช้: somying", message.body)
        return re.search(r"/admin/login/welcome/\S+/", message.body).group(0)

    def test_sets_the_password_and_signs_in_with_it(self):
        page = self.client.get(self.link(), follow=True)
        self.assertContains(page, "ตั้งรหัสผ่านของคุณ")
        self.assertContains(page, "somying")
        response = self.client.post(
            page.request["PATH_INFO"],
            {"new_password1": "รหัสของฉันเอง-2569", "new_password2": "รหัสของฉันเอง-2569"},
        )
        self.assertRedirects(response, "/admin/login/", fetch_redirect_response=False)
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password("รหัสของฉันเอง-2569"))
        self.assertFalse(services.must_change_password(self.user))

    def test_a_link_works_once(self):
        link = self.link()
        page = self.client.get(link, follow=True)
        self.client.post(
            page.request["PATH_INFO"],
            {"new_password1": "รหัสของฉันเอง-2569", "new_password2": "รหัสของฉันเอง-2569"},
        )
        self.client.logout()
        again = self.client.get(link, follow=True)
        self.assertContains(again, "ลิงก์นี้หมดอายุหรือถูกใช้ไปแล้ว")
        self.assertNotContains(again, 'name="new_password1"')

    def test_a_made_up_link_sets_nothing(self):
        page = self.client.get(f"/admin/login/welcome/{self.user.pk}/abc-123/", follow=True)
        self.assertContains(page, "ลิงก์นี้หมดอายุหรือถูกใช้ไปแล้ว")
