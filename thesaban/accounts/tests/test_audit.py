"""Logins, logouts and failed logins are logged and stored; account managers see failures."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
from axes.models import AccessFailureLog, AccessLog
from django.contrib.auth.models import Permission
from django.test import RequestFactory, SimpleTestCase, TestCase

from thesaban.accounts.services import client_ip_behind_proxy
from thesaban.accounts.testing import log_in

from .factories import PASSWORD, UserFactory, role_groups

REPORT = "/admin/reports/login-failures/"


class SignInLogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = UserFactory(username="somsri")
        cls.user.user_permissions.add(Permission.objects.get(codename="access_admin"))

    def test_login_and_logout_are_logged_with_username_address_and_time(self):
        with self.assertLogs("thesaban.accounts", "INFO") as logs:
            self.client.post(
                "/admin/login/",
                {"username": "somsri", "password": PASSWORD},
                REMOTE_ADDR="203.0.113.9",
            )
            self.client.post("/admin/logout/", REMOTE_ADDR="203.0.113.9")
        self.assertRegex(logs.output[0], r"login: username=somsri ip=203\.0\.113\.9 at=\d{4}-")
        self.assertRegex(logs.output[-1], r"logout: username=somsri ip=203\.0\.113\.9 at=")
        access = AccessLog.objects.get()
        self.assertEqual((access.username, access.ip_address), ("somsri", "203.0.113.9"))
        self.assertIsNotNone(access.logout_time)

    def test_a_failed_login_is_logged_and_stored(self):
        with self.assertLogs("thesaban.accounts", "WARNING") as logs:
            self.client.post(
                "/admin/login/",
                {"username": "somsri", "password": "ผิด"},
                REMOTE_ADDR="203.0.113.9",
            )
        self.assertRegex(logs.output[0], r"login failed: username=somsri ip=203\.0\.113\.9 at=")
        self.assertEqual(AccessFailureLog.objects.get().username, "somsri")


class LoginFailureReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        groups = role_groups()
        cls.itadmin = UserFactory(username="itadmin", groups=[groups["it_administrator"]])
        cls.operator = UserFactory(username="operator", groups=[groups["web_operator"]])
        AccessFailureLog.objects.create(
            username="ผู้ไม่หวังดี", ip_address="198.51.100.4", user_agent="curl", locked_out=True
        )

    def test_the_it_administrator_sees_failed_logins_in_thai(self):
        log_in(self.client, self.itadmin)
        response = self.client.get(REPORT)
        self.assertContains(response, "การเข้าสู่ระบบที่ไม่สำเร็จ")
        self.assertContains(response, "ผู้ไม่หวังดี")
        self.assertContains(response, "198.51.100.4")
        self.assertContains(self.client.get("/admin/"), REPORT)

    def test_the_report_filters_by_username(self):
        AccessFailureLog.objects.create(username="somchai", ip_address="192.0.2.1")
        log_in(self.client, self.itadmin)
        response = self.client.get(REPORT, {"username": "somchai"})
        self.assertContains(response, "somchai")
        self.assertNotContains(response, "ผู้ไม่หวังดี")

    def test_the_report_exports_a_spreadsheet(self):
        log_in(self.client, self.itadmin)
        response = self.client.get(REPORT, {"export": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("ผู้ไม่หวังดี", b"".join(response.streaming_content).decode())

    def test_the_export_says_when_in_bangkok_time_with_the_buddhist_year(self):
        """As the screen does; not UTC. 4 March 2026 21:10:09 UTC is 5 March 2569 in Bangkok."""
        AccessFailureLog.objects.update(attempt_time=datetime(2026, 3, 4, 21, 10, 9, tzinfo=UTC))
        log_in(self.client, self.itadmin)
        expected = "5 มี.ค. 2569 04:10:09 น."
        self.assertContains(self.client.get(REPORT), expected)

        response = self.client.get(REPORT, {"export": "csv"})
        content = b"".join(response.streaming_content).decode()
        [heading, row] = list(csv.reader(io.StringIO(content)))
        self.assertEqual(dict(zip(heading, row, strict=True))["เวลา"], expected)

        response = self.client.get(REPORT, {"export": "xlsx"})
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        [heading, row] = [list(values) for values in workbook.active.iter_rows(values_only=True)]
        self.assertEqual(dict(zip(heading, row, strict=True))["เวลา"], expected)

    def test_staff_who_do_not_manage_accounts_cannot_see_it(self):
        log_in(self.client, self.operator)
        # Wagtail turns a refusal into a redirect to the dashboard with an error message.
        self.assertRedirects(self.client.get(REPORT), "/admin/")
        self.assertNotContains(self.client.get("/admin/"), REPORT)


class ClientAddressBehindProxyTests(SimpleTestCase):
    def address(self, **meta) -> str | None:
        return client_ip_behind_proxy(RequestFactory().get("/", **meta))

    def test_the_entry_nginx_appended_is_used(self):
        forwarded = "10.9.9.9, 203.0.113.5"
        self.assertEqual(self.address(HTTP_X_FORWARDED_FOR=forwarded), "203.0.113.5")

    def test_without_a_usable_header_the_connection_address_is_used(self):
        self.assertEqual(self.address(), "127.0.0.1")
        self.assertEqual(self.address(HTTP_X_FORWARDED_FOR="not-an-ip"), "127.0.0.1")
