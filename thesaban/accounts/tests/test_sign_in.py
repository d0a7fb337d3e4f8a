"""Staff sign in with a password, then a TOTP code; some enrol a device on the way."""

import time

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory, TestCase, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from thesaban.accounts import services
from thesaban.accounts.middleware import SignInStepMiddleware
from thesaban.accounts.testing import log_in

from .factories import PASSWORD, TOTPDeviceFactory, UserFactory, current_code, role_groups

LOGIN = "/admin/login/"
VERIFY = "/admin/login/totp/"
ENROL = "/admin/login/totp/enrol/"


class SignInTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        groups = role_groups()
        cls.operator = UserFactory(username="operator", groups=[groups["web_operator"]])
        cls.itadmin = UserFactory(username="itadmin", groups=[groups["it_administrator"]])
        cls.superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
        # Division staff hold no site-wide role; access to the admin is all they need here.
        cls.preparer = UserFactory(username="preparer")
        cls.preparer.user_permissions.add(
            *groups["web_operator"].permissions.filter(codename="access_admin")
        )

    def enter_password(self, user, next_url: str = ""):
        data = {"username": user.username, "password": PASSWORD}
        if next_url:
            data["next"] = next_url
        return self.client.post(LOGIN, data)

    def assert_signed_in(self):
        self.assertIn(SESSION_KEY, self.client.session)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def assert_not_signed_in(self):
        self.assertNotIn(SESSION_KEY, self.client.session)


class MandatoryTOTPTests(SignInTestCase):
    def test_web_operator_without_device_goes_to_enrolment_not_into_the_admin(self):
        response = self.enter_password(self.operator)
        self.assertRedirects(response, f"{ENROL}?next=%2Fadmin%2F", fetch_redirect_response=False)
        self.assert_not_signed_in()
        self.assertRedirects(self.client.get("/admin/pages/"), "/admin/login/?next=/admin/pages/")

    def test_it_administrator_and_superuser_must_enrol_too(self):
        for user in (self.itadmin, self.superuser):
            with self.subTest(user.username):
                self.client.logout()
                response = self.enter_password(user)
                self.assertTrue(response.url.startswith(ENROL), response.url)

    def test_enrolment_page_shows_a_qr_code_and_the_secret_in_thai(self):
        self.enter_password(self.operator)
        response = self.client.get(f"{ENROL}?next=/admin/")
        self.assertContains(response, "ตั้งค่าการยืนยันตัวตนสองขั้นตอน")
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.operator, confirmed=False)
        secret = response.context["secret"]
        self.assertEqual(len(secret.replace(" ", "")), 32)
        self.assertContains(response, secret)
        # Reloading keeps the code already scanned.
        self.client.get(ENROL)
        self.assertEqual(TOTPDevice.objects.get(user=self.operator).pk, device.pk)

    def test_the_right_code_confirms_the_device_and_signs_in(self):
        self.enter_password(self.operator, next_url="/admin/pages/")
        self.client.get(ENROL)
        device = TOTPDevice.objects.get(user=self.operator)
        response = self.client.post(f"{ENROL}?next=/admin/pages/", {"token": current_code(device)})
        self.assertRedirects(response, "/admin/pages/", fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)
        self.assert_signed_in()

    def test_a_wrong_code_keeps_the_person_out_with_a_thai_error(self):
        self.enter_password(self.operator)
        self.client.get(ENROL)
        response = self.client.post(ENROL, {"token": "000000"})
        self.assertContains(response, "รหัสยืนยันไม่ถูกต้อง")
        self.assertFalse(TOTPDevice.objects.get(user=self.operator).confirmed)
        self.assert_not_signed_in()

    def test_a_code_that_is_not_six_digits_is_refused_in_thai(self):
        self.enter_password(self.operator)
        response = self.client.post(ENROL, {"token": "abc"})
        self.assertContains(response, "รหัสยืนยันต้องเป็นตัวเลข 6 หลัก")

    def test_a_confirmed_device_is_asked_for_instead_of_enrolment(self):
        device = TOTPDeviceFactory(user=self.operator)
        response = self.enter_password(self.operator)
        self.assertTrue(response.url.startswith(VERIFY), response.url)
        self.assertContains(self.client.get(response.url), "ยืนยันตัวตนสองขั้นตอน")
        response = self.client.post(response.url, {"token": current_code(device)})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assert_signed_in()

    def test_the_code_step_needs_the_password_step_first(self):
        TOTPDeviceFactory(user=self.operator)
        response = self.client.get(VERIFY)
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)

    def test_the_password_step_is_forgotten_after_ten_minutes(self):
        device = TOTPDeviceFactory(user=self.operator)
        self.enter_password(self.operator)
        session = self.client.session
        session["thesaban_passed_password"]["at"] = time.time() - 11 * 60
        session.save()
        response = self.client.post(VERIFY, {"token": current_code(device)})
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        self.assert_not_signed_in()

    def test_a_next_address_on_another_site_is_ignored(self):
        device = TOTPDeviceFactory(user=self.operator)
        self.enter_password(self.operator)
        response = self.client.post(
            f"{VERIFY}?next=https://evil.example/", {"token": current_code(device)}
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_a_session_without_the_second_factor_reaches_no_admin_page(self):
        """A login that skipped the TOTP step (e.g. through /django-admin/) is held at it."""
        self.client.force_login(self.operator)
        for url in ("/admin/", "/admin/pages/", "/admin/users/", "/django-admin/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response.url.startswith(ENROL), response.url)

    def test_what_the_step_pages_load_is_still_served(self):
        self.client.force_login(self.operator)
        for url in ("/admin/sprite/", "/admin/jsi18n/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_logged_in_session_can_pass_the_second_factor_where_it_is(self):
        device = TOTPDeviceFactory(user=self.itadmin)
        self.client.force_login(self.itadmin)
        response = self.client.get("/admin/users/")
        self.assertRedirects(
            response, f"{VERIFY}?next=%2Fadmin%2Fusers%2F", fetch_redirect_response=False
        )
        response = self.client.post(response.url, {"token": current_code(device)})
        self.assertRedirects(response, "/admin/users/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/users/").status_code, 200)

    def test_signing_in_as_someone_else_ends_the_current_session(self):
        TOTPDeviceFactory(user=self.itadmin)
        self.client.force_login(self.operator)
        response = self.enter_password(self.itadmin)
        self.assertTrue(response.url.startswith(VERIFY), response.url)
        self.assert_not_signed_in()
        self.assertContains(self.client.get(response.url), "itadmin")

    def test_log_in_helper_passes_every_step(self):
        log_in(self.client, self.operator)
        self.assert_signed_in()


class OptionalTOTPTests(SignInTestCase):
    def test_staff_without_a_mandatory_role_sign_in_with_the_password(self):
        response = self.enter_password(self.preparer)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assert_signed_in()

    def test_anyone_with_a_confirmed_device_must_enter_its_code(self):
        TOTPDeviceFactory(user=self.preparer)
        response = self.enter_password(self.preparer)
        self.assertTrue(response.url.startswith(VERIFY), response.url)
        self.assert_not_signed_in()

    def test_an_unconfirmed_device_does_not_count(self):
        TOTPDeviceFactory(user=self.preparer, confirmed=False)
        response = self.enter_password(self.preparer)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    @override_settings(THESABAN_REQUIRE_TOTP=False)
    def test_the_demo_setting_lets_a_web_operator_in_with_the_password(self):
        response = self.enter_password(self.operator)
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assert_signed_in()

    @override_settings(THESABAN_REQUIRE_TOTP=False)
    def test_the_demo_setting_still_asks_a_device_holder_for_the_code(self):
        TOTPDeviceFactory(user=self.operator)
        response = self.enter_password(self.operator)
        self.assertTrue(response.url.startswith(VERIFY), response.url)


class AdminGateQueryTests(SignInTestCase):
    """The admin gate runs on every admin request: it asks the database as little as it can."""

    def gate(self, user, session, *, verified: bool):
        request = RequestFactory().get("/admin/pages/")
        request.user, request.session = user, session
        user.is_verified = lambda: verified
        return SignInStepMiddleware(lambda request: HttpResponse("admin"))(request)

    def test_one_query_for_a_session_without_the_second_factor(self):
        preparer = get_user_model().objects.get(pk=self.preparer.pk)
        with self.assertNumQueries(1):
            self.assertEqual(self.gate(preparer, SessionStore(), verified=False).status_code, 200)
        operator = get_user_model().objects.get(pk=self.operator.pk)
        with self.assertNumQueries(1):
            response = self.gate(operator, SessionStore(), verified=False)
        self.assertTrue(response.url.startswith(ENROL), response.url)

    def test_none_once_a_verified_session_owes_nothing(self):
        operator = get_user_model().objects.get(pk=self.operator.pk)
        session = SessionStore()
        with self.assertNumQueries(1):
            self.assertEqual(self.gate(operator, session, verified=True).status_code, 200)
        with self.assertNumQueries(0):
            self.assertEqual(self.gate(operator, session, verified=True).status_code, 200)

    def test_a_verified_session_that_owes_a_new_password_is_still_held(self):
        services.require_password_change(user=self.operator, set_by=self.itadmin)
        session = SessionStore()
        for _ in range(2):
            response = self.gate(self.operator, session, verified=True)
            self.assertTrue(response.url.startswith("/admin/login/new-password/"), response.url)
