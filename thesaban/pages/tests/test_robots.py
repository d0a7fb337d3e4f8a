"""robots.txt and the sitemap, as search engines and assessors read them, per site."""

from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from django.test import TestCase
from wagtail.models import Page, Site

from thesaban.pages.models import ContentPage, HomePage, LinkPage


class RobotsTxtTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        first = root.add_child(instance=HomePage(title="เทศบาลหนึ่ง", slug="home-one"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "www.one.go.th", "port": 443, "root_page": first},
        )
        second = root.add_child(instance=HomePage(title="เทศบาลสอง", slug="home-two"))
        Site.objects.create(hostname="www.two.go.th", port=443, root_page=second)
        cls.contact = second.add_child(instance=ContentPage(title="ติดต่อ", slug="contact"))
        cls.egp = second.add_child(
            instance=LinkPage(title="e-GP", slug="egp", link_url="https://www.gprocurement.go.th/")
        )

    def robots(self, host: str) -> RobotFileParser:
        response = self.client.get("/robots.txt", HTTP_HOST=host, secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        parser = RobotFileParser()
        parser.parse(response.content.decode().splitlines())
        return parser

    def test_each_site_names_its_own_sitemap_at_its_own_address(self):
        self.assertEqual(
            self.robots("www.one.go.th").site_maps(), ["https://www.one.go.th/sitemap.xml"]
        )
        self.assertEqual(
            self.robots("www.two.go.th").site_maps(), ["https://www.two.go.th/sitemap.xml"]
        )

    def test_crawlers_keep_out_of_the_admin_and_search_but_read_the_pages(self):
        robots = self.robots("www.two.go.th")
        for path in ("/admin/", "/admin/login/", "/django-admin/", "/search/?q=ภาษี"):
            self.assertFalse(robots.can_fetch("*", f"https://www.two.go.th{path}"), path)
        for path in ("/", "/contact/", "/sitemap.xml", "/documents/1/plan.pdf"):
            self.assertTrue(robots.can_fetch("*", f"https://www.two.go.th{path}"), path)

    def test_the_sitemap_it_names_lists_that_site_s_pages_at_that_address(self):
        [sitemap_url] = self.robots("www.two.go.th").site_maps()
        parts = urlsplit(sitemap_url)
        response = self.client.get(parts.path, HTTP_HOST=parts.netloc, secure=True)
        self.assertContains(response, "<loc>https://www.two.go.th/contact/</loc>")
        self.assertNotContains(response, "www.one.go.th")

    def test_a_link_page_is_not_in_the_sitemap(self):
        """It only redirects elsewhere; search engines flag a sitemap that lists a redirect."""
        response = self.client.get("/sitemap.xml", HTTP_HOST="www.two.go.th", secure=True)
        self.assertNotContains(response, "/egp/")
        self.assertEqual(
            self.client.get("/egp/", HTTP_HOST="www.two.go.th", secure=True).status_code, 302
        )
