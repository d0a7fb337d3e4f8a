"""The privacy policy, website policy and accessibility statement every government site needs.

They are content pages the set-up creates with starter text, linked from the footer of every
page; the public site sets no cookie, so there is no cookie banner.
"""

import datetime
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.pages import information_architecture as ia
from thesaban.pages.models import (
    ContentPage,
    DocumentPage,
    NewsPage,
    PlacePage,
    VideoPage,
)
from thesaban.pages.services import ensure_site_structure

from .test_site_structure import links_of

POLICY_URLS = {
    "/privacy-policy/": "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
    "/website-policy/": "นโยบายเว็บไซต์",
    "/accessibility/": "ประกาศการเข้าถึงเว็บไซต์",
}


def footer_links(html: str) -> dict[str, str]:
    footer = html[html.index("<footer") :]
    return {href: text for text, href in links_of(footer)}


class PolicyPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        settings = MunicipalitySettings.for_site(cls.home.get_site())
        settings.name = "เทศบาลตำบลทดสอบ"
        settings.address = "9 ถนนทดสอบ ตำบลทดสอบ"
        settings.phone = "0 5611 1111"
        settings.email = "dpo@test.example.go.th"
        settings.save()

        def under(path: str) -> Page:
            return Page.objects.get(url_path=f"/home/{path}/")

        cls.news = under("news/press").add_child(instance=NewsPage(title="ข่าวทดสอบ", slug="n1"))
        cls.document = under("plans/budget").add_child(
            instance=DocumentPage(title="เอกสารทดสอบ", slug="d1")
        )
        cls.video = under("news/videos").add_child(
            instance=VideoPage(title="วิดีโอทดสอบ", slug="v1", video_url="https://v.example/1")
        )
        cls.place = under("landmarks").add_child(instance=PlacePage(title="สถานที่ทดสอบ", slug="p1"))
        cls.expired = under("news/press").add_child(
            instance=NewsPage(
                title="ข่าวหมดอายุ",
                slug="old",
                expire_at=timezone.now() - datetime.timedelta(days=1),
            )
        )
        NewsPage.objects.filter(pk=cls.expired.pk).update(live=False, expired=True)

    def setUp(self):
        clear_page_cache()
        # The remembered site and settings belong to this test's data: not the next test's.
        self.addCleanup(clear_page_cache)

    # (what, address, expected status): one page of every type, and the pages that are not
    # pages of the tree (search, not found, expired).
    def every_page_type(self):
        return (
            ("home", "/", 200),
            ("section", "/general/", 200),
            ("content", "/general/about/", 200),
            ("news listing", "/news/press/", 200),
            ("news", self.news.url, 200),
            ("document listing", "/plans/budget/", 200),
            ("document", self.document.url, 200),
            ("video listing", "/news/videos/", 200),
            ("video", self.video.url, 200),
            ("people", "/personnel/executives/", 200),
            ("org chart", "/personnel/structure/", 200),
            ("place listing", "/landmarks/", 200),
            ("place", self.place.url, 200),
            ("policy", "/privacy-policy/", 200),
            ("search", "/search/?q=ทดสอบ", 200),
            ("not found", "/no-such-page/", 404),
            ("expired", "/news/press/old/", 410),
        )

    def test_the_set_up_creates_the_three_pages_with_starter_text(self):
        for item in ia.POLICY_ITEMS:
            page = ContentPage.objects.get(url_path=f"/home/{item.slug}/")
            self.assertTrue(page.live, item.slug)
            self.assertFalse(page.show_in_menus, item.slug)
            self.assertTrue(page.show_contact_details, item.slug)
            self.assertTrue(page.summary, item.slug)
            self.assertGreater(len(page.body), 4, item.slug)

    def test_each_is_linked_from_the_footer_of_every_page_type(self):
        for name, url, status in self.every_page_type():
            response = self.client.get(url)
            self.assertEqual(response.status_code, status, name)
            links = footer_links(response.content.decode())
            for href, title in POLICY_URLS.items():
                self.assertEqual(links.get(href), title, f"{name}: {href}")
        for href, title in POLICY_URLS.items():
            self.assertContains(self.client.get(href), f"<h1>{title}</h1>", html=True)

    def test_the_privacy_policy_names_the_municipality_and_its_contacts_from_its_settings(self):
        response = self.client.get("/privacy-policy/")
        self.assertContains(response, "ผู้ควบคุมข้อมูลส่วนบุคคล")
        self.assertContains(response, "ติดต่อเทศบาลตำบลทดสอบ")
        self.assertContains(response, "9 ถนนทดสอบ ตำบลทดสอบ")
        self.assertContains(response, 'href="mailto:dpo@test.example.go.th"')
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.email = "privacy@test.example.go.th"
        settings.save()
        self.assertContains(self.client.get("/privacy-policy/"), "privacy@test.example.go.th")

    def test_the_website_policy_says_visitors_get_no_cookies(self):
        self.assertContains(self.client.get("/website-policy/"), "ไม่ใช้คุกกี้กับผู้เข้าชม")

    def test_no_public_page_sets_a_cookie(self):
        """Why there is no cookie banner: a visitor is given no cookie, essential or not."""
        for name, url, _status in self.every_page_type():
            self.client.cookies.clear()
            response = self.client.get(url)
            self.assertEqual(dict(response.cookies), {}, name)

    def test_a_renamed_page_keeps_its_footer_link_and_an_unpublished_one_loses_it(self):
        page = ContentPage.objects.get(url_path="/home/website-policy/")
        page.title = "นโยบายและข้อกำหนดการใช้เว็บไซต์"
        page.save_revision().publish()
        links = footer_links(self.client.get("/").content.decode())
        self.assertEqual(links["/website-policy/"], "นโยบายและข้อกำหนดการใช้เว็บไซต์")
        ContentPage.objects.get(url_path="/home/accessibility/").unpublish()
        links = footer_links(self.client.get("/").content.decode())
        self.assertNotIn("/accessibility/", links)
        self.assertIn("/privacy-policy/", links)

    def test_running_the_set_up_again_keeps_what_staff_wrote(self):
        page = ContentPage.objects.get(url_path="/home/privacy-policy/")
        page.body = [("paragraph", "<p>นโยบายของเทศบาลเอง</p>")]
        page.save_revision().publish()
        ensure_site_structure()
        page.refresh_from_db()
        self.assertEqual(len(page.body), 1)


class DemoPolicyPagesTests(TestCase):
    def setUp(self):
        self.addCleanup(clear_page_cache)

    def test_the_demo_has_them_with_the_demo_municipality_named(self):
        call_command("load_demo", stdout=StringIO())
        response = self.client.get("/privacy-policy/")
        self.assertContains(response, "ติดต่อเทศบาลเมืองสุขใจ")
        for href in POLICY_URLS:
            self.assertIn(href, footer_links(response.content.decode()))
