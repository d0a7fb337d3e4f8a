"""Visitors see Thai error pages, never Django's English defaults."""

from django.test import TestCase, override_settings
from django.urls import path

from thesaban.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
class ErrorPageTests(TestCase):
    def test_server_error_page_is_thai_and_self_contained(self):
        """A crash shows the Thai 500 page, which needs no database or context processor."""
        self.client.raise_request_exception = False
        response = self.client.get("/broken/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "ระบบขัดข้องชั่วคราว", status_code=500)
        self.assertContains(response, 'lang="th"', status_code=500)

    def test_not_found_page_is_thai(self):
        response = self.client.get("/ไม่มีหน้านี้/")
        self.assertContains(response, "ไม่พบหน้าที่ต้องการ", status_code=404)
        self.assertContains(response, "กลับไปหน้าหลัก", status_code=404)
