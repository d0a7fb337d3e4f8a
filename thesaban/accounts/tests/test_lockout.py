"""Five wrong passwords or codes lock an account from one address for 15 minutes."""

import datetime

import time_machine
from axes.models import AccessFailureLog
from django.contrib.auth import SESSION_KEY
from django.test import TestCase
from django.utils import timezone

from .factories import PASSWORD, TOTPDeviceFactory, UserFactory, current_code, role_groups

LOGIN = "/admin/login/"


class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        groups = role_groups()
        cls.operator = UserFactory(username="operator", groups=[groups["web_operator"]])
        cls.device = TOTPDeviceFactory(user=cls.operator)

    def enter_password(self, password: str, address: str = "203.0.113.7"):
        return self.client.post(
            LOGIN, {"username": "operator", "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times: int, address: str = "203.0.113.7"):
        for _attempt in range(times):
            response = self.enter_password("ผิด", address)
        return response

    def test_a_wrong_password_shows_a_clear_thai_error(self):
        response = self.enter_password("ผิด")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "หรือรหัสผ่านไม่ถูกต้อง กรุณาลองใหม่อีกครั้ง")
        self.assertContains(response, "กรอกผิดได้อีก 4 ครั้ง")
        self.assertContains(response, '<label class="w-field__label" for="id_password"')
        self.assertNotContains(response, "Password")

    def test_the_fifth_wrong_password_locks_with_a_thai_429_page_saying_when(self):
        self.assertEqual(self.fail(4).status_code, 200)
        response = self.fail(1)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "ระงับการเข้าสู่ระบบชั่วคราว", status_code=429)
        ends_at = timezone.localtime() + datetime.timedelta(minutes=15)
        self.assertContains(
            response, f"ลองเข้าสู่ระบบอีกครั้งได้หลังเวลา {ends_at:%H:%M} น.", status_code=429
        )
        self.assertAlmostEqual(int(response["Retry-After"]), 15 * 60, delta=5)

    def test_the_right_password_is_refused_during_the_lockout(self):
        self.fail(5)
        self.assertEqual(self.enter_password(PASSWORD).status_code, 429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_lockout_is_per_address(self):
        self.fail(5)
        response = self.enter_password(PASSWORD, address="198.51.100.20")
        self.assertEqual(response.status_code, 302)

    def test_the_lockout_ends_after_fifteen_minutes_and_is_not_extended_by_tries(self):
        with time_machine.travel(timezone.now(), tick=False) as clock:
            self.fail(5)
            clock.shift(datetime.timedelta(minutes=10))
            self.assertEqual(self.enter_password("ผิดอีก").status_code, 429)
            clock.shift(datetime.timedelta(minutes=5, seconds=1))
            self.assertEqual(self.enter_password(PASSWORD).status_code, 302)

    def test_wrong_codes_count_towards_the_same_lockout(self):
        self.fail(3)
        self.enter_password(PASSWORD)
        self.client.post("/admin/login/totp/", {"token": "000000"}, REMOTE_ADDR="203.0.113.7")
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=5)):
            response = self.client.post(
                "/admin/login/totp/", {"token": "000001"}, REMOTE_ADDR="203.0.113.7"
            )
            self.assertEqual(response.status_code, 429)
            response = self.client.post(
                "/admin/login/totp/",
                {"token": current_code(self.device)},
                REMOTE_ADDR="203.0.113.7",
            )
        self.assertEqual(response.status_code, 429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_failures_are_stored_with_username_address_and_time(self):
        self.fail(2)
        failures = AccessFailureLog.objects.all()
        self.assertEqual(len(failures), 2)
        self.assertEqual(
            {(f.username, f.ip_address) for f in failures}, {("operator", "203.0.113.7")}
        )
        self.assertTrue(all(f.attempt_time for f in failures))
