"""Every response carries a Content-Security-Policy: strict for the public, looser for the admin.

Whether the pages keep to it is checked in a real browser (pages/tests/test_browser.py and
publishing/tests/test_browser_admin.py listen for violations); here, the headers and the page
cache.
"""

from csp.constants import NONCE, SELF
from django.conf import settings
from django.http import HttpResponse
from django.test import TestCase, override_settings
from django.urls import path

from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.services import ensure_site_structure


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def page_with_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')


urlpatterns = [path("with-nonce/", page_with_nonce)]


class ContentSecurityPolicyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()

    def setUp(self):
        clear_page_cache()
        # The remembered site and settings belong to this test's data: not the next test's.
        self.addCleanup(clear_page_cache)

    def test_public_pages_allow_only_the_sites_own_files_and_nothing_inline(self):
        for url, status in (("/", 200), ("/news/press/", 200), ("/search/?q=x", 200)):
            response = self.client.get(url)
            self.assertEqual(response.status_code, status, url)
            policy = directives(response)
            self.assertEqual(policy["script-src"], ["'self'"], url)
            self.assertEqual(policy["style-src"], ["'self'"], url)
            self.assertEqual(policy["default-src"], ["'self'"], url)
            self.assertEqual(policy["object-src"], ["'none'"], url)
            self.assertEqual(policy["frame-ancestors"], ["'self'"], url)

    def test_error_pages_carry_the_policy_too(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(directives(response)["script-src"], ["'self'"])

    def test_the_admin_gets_the_staff_policy(self):
        """Wagtail's admin writes inline scripts and styles; the public policy would break it."""
        for url in ("/admin/login/", "/django-admin/login/"):
            policy = directives(self.client.get(url))
            self.assertEqual(policy["script-src"], ["'self'", "'unsafe-inline'"], url)
            self.assertEqual(policy["style-src"], ["'self'", "'unsafe-inline'"], url)
            self.assertEqual(policy["object-src"], ["'none'"], url)
            self.assertNotIn("'unsafe-eval'", policy["script-src"], url)

    def test_a_cached_page_carries_the_policy_it_was_rendered_with(self):
        first = self.client.get("/news/press/")
        self.assertEqual(first["X-Cache"], "miss")
        second = self.client.get("/news/press/")
        self.assertEqual(second["X-Cache"], "hit")
        self.assertEqual(second["Content-Security-Policy"], first["Content-Security-Policy"])

    def test_a_response_with_a_nonce_is_never_cached(self):
        """A nonce is one response's secret: kept in the page cache it would be everyone's.

        The public policy has no nonce today; this is what happens if one is ever added.
        """
        policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        with_nonce = {"DIRECTIVES": {**policy, "script-src": [SELF, NONCE]}}
        with override_settings(ROOT_URLCONF=__name__, CONTENT_SECURITY_POLICY=with_nonce):
            self._check_nonce_is_not_cached()

    def _check_nonce_is_not_cached(self):
        first = self.client.get("/with-nonce/")
        nonce = first.content.decode().split('"')[1]
        self.assertIn(f"'nonce-{nonce}'", first["Content-Security-Policy"])
        second = self.client.get("/with-nonce/")
        self.assertFalse(second.has_header("X-Cache"))
        self.assertNotIn(nonce, second.content.decode())
        self.assertNotIn(f"'nonce-{nonce}'", second["Content-Security-Policy"])
