"""An item past its end of publication is gone from every public place, cache included."""

from datetime import datetime, timedelta

import time_machine
from django.test import TestCase
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from thesaban.core.page_cache import clear_page_cache
from thesaban.core.thai_dates import BANGKOK
from thesaban.pages.models import ContentPage, NewsPage
from thesaban.pages.services import ensure_site_structure
from thesaban.publishing.windows import publish_scheduled

START = datetime(2026, 3, 2, 9, 0, tzinfo=BANGKOK)
END = START + timedelta(hours=1)
GONE_TEXT = "ข้อมูลนี้สิ้นสุดระยะเวลาการเผยแพร่แล้ว"


class ExpiredItemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()
        # In the main menu (a category's item) and in its category's listing.
        cls.section = Page.objects.get(url_path="/home/general/")
        with time_machine.travel(START, tick=False):
            cls.notice = ContentPage(
                title="ประกาศรับสมัครอาสาสมัครชั่วคราว",
                slug="volunteers",
                summary="รับสมัครอาสาสมัคร ดูแล งานลอยกระทง",
                show_in_menus=True,
                expire_at=END,
            )
            cls.section.add_child(instance=cls.notice)
            cls.notice.save_revision().publish()
            # In a news listing.
            cls.index = Page.objects.get(url_path="/home/news/press/")
            cls.news = NewsPage(title="ข่าว งานลอยกระทง", slug="festival", expire_at=END)
            cls.index.add_child(instance=cls.news)
            cls.news.save_revision().publish()

    def setUp(self):
        clear_page_cache()
        clock = time_machine.travel(START + timedelta(minutes=5), tick=False)
        self.clock = clock.start()
        self.addCleanup(clock.stop)

    def visit_everything(self) -> dict[str, object]:
        """Every public place the items show, fetched anonymously (and so kept in the cache)."""
        return {
            "notice": self.client.get("/general/volunteers/"),
            "news": self.client.get("/news/press/festival/"),
            "home": self.client.get("/"),
            "section": self.client.get("/general/"),
            "listing": self.client.get("/news/press/"),
            "sitemap": self.client.get("/sitemap.xml"),
            # Whole words: Thai word segmentation in search comes later.
            "search": self.client.get("/search/", {"q": "งานลอยกระทง"}),
        }

    def expire(self) -> None:
        self.clock.move_to(END + timedelta(seconds=30))
        with self.captureOnCommitCallbacks(execute=True):
            run = publish_scheduled()
        self.assertEqual(len(run.expired), 2)

    def test_expired_items_are_gone_from_listings_menu_sitemap_and_search(self):
        before = self.visit_everything()
        self.assertEqual(before["notice"].status_code, 200)
        self.assertContains(before["home"], 'href="/general/volunteers/"')
        self.assertContains(before["section"], "ประกาศรับสมัครอาสาสมัครชั่วคราว")
        self.assertContains(before["listing"], "ข่าว งานลอยกระทง")
        self.assertContains(before["sitemap"], "/general/volunteers/")
        self.assertContains(before["search"], "ข่าว งานลอยกระทง")
        self.assertContains(before["search"], "ประกาศรับสมัครอาสาสมัครชั่วคราว")
        # Served from the page cache from now on.
        self.assertEqual(self.client.get("/news/press/")["X-Cache"], "hit")

        self.expire()

        after = self.visit_everything()
        self.assertNotContains(after["home"], 'href="/general/volunteers/"')
        self.assertNotContains(after["section"], "ประกาศรับสมัครอาสาสมัครชั่วคราว")
        self.assertNotContains(after["listing"], "ข่าว งานลอยกระทง")
        self.assertNotContains(after["sitemap"], "/general/volunteers/")
        self.assertNotContains(after["sitemap"], "/news/press/festival/")
        self.assertNotContains(after["search"], "ข่าว งานลอยกระทง")
        self.assertNotContains(after["search"], "ประกาศรับสมัครอาสาสมัครชั่วคราว")

    def test_address_of_an_expired_item_answers_410_in_thai_not_the_cached_page(self):
        self.assertEqual(self.client.get("/news/press/festival/").status_code, 200)
        self.assertEqual(self.client.get("/news/press/festival/")["X-Cache"], "hit")

        self.expire()

        response = self.client.get("/news/press/festival/")
        self.assertEqual(response.status_code, 410)
        self.assertFalse(response.has_header("X-Cache"))
        self.assertContains(response, GONE_TEXT, status_code=410)
        self.assertContains(response, 'href="/news/press/"', status_code=410)
        self.assertContains(response, 'href="/"', status_code=410)
        # Still not kept: the next visitor also reaches Django.
        self.assertFalse(self.client.get("/news/press/festival/").has_header("X-Cache"))

    def test_410_page_links_to_the_category_of_a_category_item(self):
        self.expire()
        response = self.client.get("/general/volunteers/")
        self.assertContains(response, 'href="/general/"', status_code=410)
        self.assertContains(response, "สภาพทั่วไป", status_code=410)
        self.assertEqual(self.client.head("/general/volunteers/").status_code, 410)

    def test_the_cache_is_cleared_after_the_run_commits(self):
        """A reader between Wagtail's signal and the commit could have cached the old page."""
        self.clock.move_to(END + timedelta(seconds=30))
        with self.captureOnCommitCallbacks() as callbacks:
            publish_scheduled()
        self.client.get("/news/press/")  # as if rendered from the not yet committed state
        self.assertEqual(self.client.get("/news/press/")["X-Cache"], "hit")
        for callback in callbacks:
            callback()
        self.assertNotEqual(self.client.get("/news/press/").get("X-Cache"), "hit")

    def test_an_item_unpublished_by_hand_is_simply_not_found(self):
        NewsPage.objects.get(pk=self.news.pk).unpublish()
        self.assertEqual(self.client.get("/news/press/festival/").status_code, 404)

    def test_a_missing_address_is_still_not_found(self):
        self.assertEqual(self.client.get("/news/press/nothing-here/").status_code, 404)

    def test_a_redirect_set_up_for_the_old_address_wins(self):
        self.expire()
        Redirect.objects.create(old_path="/news/press/festival", redirect_link="/news/press/")
        response = self.client.get("/news/press/festival/")
        self.assertEqual(response.status_code, 301)


class PagesUnderAnEndedPageTests(TestCase):
    """A page is public only while every page above it is: its address lives under theirs."""

    @classmethod
    def setUpTestData(cls):
        ensure_site_structure()
        cls.section = Page.objects.get(url_path="/home/general/")
        with time_machine.travel(START, tick=False):
            cls.project = ContentPage(title="โครงการถนนปลอดภัย", slug="project", expire_at=END)
            cls.section.add_child(instance=cls.project)
            cls.project.save_revision().publish()
            # Its own window never ends: it is public only through the project's.
            cls.details = ContentPage(title="รายละเอียดงานถนนปลอดภัย", slug="details")
            cls.project.add_child(instance=cls.details)
            cls.details.save_revision().publish()

    def setUp(self):
        clear_page_cache()
        clock = time_machine.travel(START + timedelta(minutes=5), tick=False)
        self.clock = clock.start()
        self.addCleanup(clock.stop)

    def test_a_page_under_an_expired_page_ends_with_it(self):
        self.assertEqual(self.client.get("/general/project/details/").status_code, 200)
        self.assertEqual(self.client.get("/general/project/details/")["X-Cache"], "hit")

        self.clock.move_to(END + timedelta(seconds=30))
        with self.captureOnCommitCallbacks(execute=True):
            run = publish_scheduled()

        self.assertEqual(len(run.expired), 2)
        response = self.client.get("/general/project/details/")
        self.assertContains(response, GONE_TEXT, status_code=410)
        self.assertContains(response, 'href="/general/"', status_code=410)
        # Not live any more, so every list of live pages (listings, site map, search, the
        # daily site check) agrees with what the public gets.
        details = Page.objects.get(pk=self.details.pk)
        self.assertFalse(details.live)
        self.assertTrue(details.expired)
        self.assertNotIn(details, Page.objects.live())
        self.assertNotContains(self.client.get("/sitemap.xml"), "/general/project/details/")

    def test_a_page_under_an_unpublished_page_is_not_served(self):
        self.assertEqual(self.client.get("/general/project/details/").status_code, 200)
        # Its type is known now (the one-query route); then Wagtail's tree walk.
        for remembered in (True, False):
            with self.subTest(remembered=remembered):
                if not remembered:
                    from thesaban.pages import models as page_models

                    page_models._page_class_at.clear()
                ContentPage.objects.get(pk=self.project.pk).unpublish()
                self.assertEqual(self.client.get("/general/project/details/").status_code, 404)
                self.assertEqual(self.client.get("/general/project/").status_code, 404)
