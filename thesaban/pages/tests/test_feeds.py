"""An RSS feed per news listing: what the listing shows, dated as RSS readers expect, cached."""

import datetime
import xml.etree.ElementTree as ElementTree
from email.utils import parsedate_to_datetime

from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction, Site

from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.models import HomePage, NewsIndexPage, NewsPage
from thesaban.pages.services import ensure_site_structure

BANGKOK = datetime.timezone(datetime.timedelta(hours=7))


def feed_items(response) -> list[dict]:
    channel = ElementTree.fromstring(response.content).find("channel")
    return [{child.tag: child.text for child in item} for item in channel.findall("item")]


class NewsFeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        cls.press = NewsIndexPage.objects.get(url_path="/home/news/press/")
        cls.older = cls.press.add_child(
            instance=NewsPage(
                title="ข่าวเก่า", slug="older", date=datetime.date(2021, 3, 29), summary="สรุปเก่า"
            )
        )
        cls.newer = cls.press.add_child(
            instance=NewsPage(title="ข่าวใหม่", slug="newer", date=datetime.date(2021, 4, 2))
        )
        cls.newer.save_revision().publish()
        NewsPage.objects.filter(pk=cls.newer.pk).update(
            first_published_at=datetime.datetime(2021, 4, 2, 9, 30, tzinfo=BANGKOK)
        )
        cls.press.add_child(instance=NewsPage(title="ข่าวร่าง", slug="draft", live=False))
        cls.press.add_child(
            instance=NewsPage(
                title="ข่าวหมดเวลา",
                slug="gone",
                live=False,
                expired=True,
                expire_at=timezone.now() - datetime.timedelta(days=1),
            )
        )
        private = cls.press.add_child(instance=NewsPage(title="ข่าวภายใน", slug="private"))
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        NewsIndexPage.objects.get(url_path="/home/news/activities/").add_child(
            instance=NewsPage(title="ข่าวกิจกรรม", slug="activity")
        )

    def setUp(self):
        clear_page_cache()
        # The remembered site and settings belong to this test's data: not the next test's.
        self.addCleanup(clear_page_cache)

    def test_the_listing_advertises_its_feed(self):
        response = self.client.get("/news/press/")
        feed_url = f"/feeds/news/{self.press.pk}/"
        self.assertContains(
            response,
            f'<link rel="alternate" type="application/rss+xml" title="ข่าวประชาสัมพันธ์ (RSS)" '
            f'href="{feed_url}">',
        )
        self.assertEqual(self.client.get(feed_url).status_code, 200)

    def test_the_feed_holds_only_the_listings_live_public_items_newest_first(self):
        response = self.client.get(f"/feeds/news/{self.press.pk}/")
        self.assertEqual(response["Content-Type"], "application/rss+xml; charset=utf-8")
        channel = ElementTree.fromstring(response.content).find("channel")
        self.assertEqual(channel.findtext("title"), "ข่าวประชาสัมพันธ์ | เทศบาล")
        self.assertEqual(channel.findtext("link"), "http://testserver/news/press/")
        self.assertEqual(channel.findtext("language"), "th")
        items = feed_items(response)
        self.assertEqual([item["title"] for item in items], ["ข่าวใหม่", "ข่าวเก่า"])
        self.assertEqual(items[1]["link"], "http://testserver/news/press/older/")
        self.assertEqual(items[1]["description"], "สรุปเก่า")

    def test_dates_are_rfc_822_in_english_and_the_gregorian_calendar(self):
        """RSS readers parse RFC 822 only: a Thai month or a Buddhist year would break them."""
        response = self.client.get(f"/feeds/news/{self.press.pk}/", HTTP_ACCEPT_LANGUAGE="th")
        newer, older = (item["pubDate"] for item in feed_items(response))
        self.assertEqual(newer, "Fri, 02 Apr 2021 02:30:00 +0000")
        self.assertEqual(
            parsedate_to_datetime(newer), datetime.datetime(2021, 4, 2, 9, 30, tzinfo=BANGKOK)
        )
        # Never published through Wagtail (made in code): the item's own date, Bangkok midnight.
        self.assertEqual(
            parsedate_to_datetime(older), datetime.datetime(2021, 3, 29, tzinfo=BANGKOK)
        )
        self.assertNotIn("2564", response.content.decode())
        self.assertTrue(response.has_header("Last-Modified"))

    def test_a_listing_the_public_cannot_see_has_no_feed(self):
        NewsIndexPage.objects.get(url_path="/home/news/council/").unpublish()
        council = NewsIndexPage.objects.get(url_path="/home/news/council/")
        self.assertEqual(self.client.get(f"/feeds/news/{council.pk}/").status_code, 404)

        recruitment = NewsIndexPage.objects.get(url_path="/home/news/recruitment/")
        PageViewRestriction.objects.create(page=recruitment, restriction_type="login")
        self.assertEqual(self.client.get(f"/feeds/news/{recruitment.pk}/").status_code, 404)

        # The section above it taken down: the listing's own address answers 404 too.
        stories = NewsIndexPage.objects.get(url_path="/home/stories/")
        self.assertEqual(self.client.get(f"/feeds/news/{stories.pk}/").status_code, 200)
        Page.objects.get(url_path="/home/news/").specific.unpublish()
        press = f"/feeds/news/{self.press.pk}/"
        self.assertEqual(self.client.get(press).status_code, 404)
        self.assertEqual(self.client.get(f"/feeds/news/{self.older.pk}/").status_code, 404)

    def test_another_sites_listing_is_not_served_on_this_site(self):
        root = Page.get_first_root_node()
        other_home = root.add_child(instance=HomePage(title="เทศบาลอื่น", slug="other"))
        other_news = other_home.add_child(
            instance=NewsIndexPage(title="ข่าวเทศบาลอื่น", slug="news", kind="press")
        )
        other_news.add_child(instance=NewsPage(title="ข่าวของเทศบาลอื่น", slug="x"))
        Site.objects.create(hostname="other.example", port=80, root_page=other_home)
        clear_page_cache()
        self.assertEqual(self.client.get(f"/feeds/news/{other_news.pk}/").status_code, 404)
        there = self.client.get(f"/feeds/news/{other_news.pk}/", HTTP_HOST="other.example")
        self.assertEqual([item["title"] for item in feed_items(there)], ["ข่าวของเทศบาลอื่น"])
        here = self.client.get(f"/feeds/news/{self.press.pk}/", HTTP_HOST="other.example")
        self.assertEqual(here.status_code, 404)

    def test_the_feed_is_served_from_the_page_cache_until_the_next_publication(self):
        url = f"/feeds/news/{self.press.pk}/"
        self.assertEqual(self.client.get(url)["X-Cache"], "miss")
        with self.assertNumQueries(0):
            cached = self.client.get(url)
        self.assertEqual(cached["X-Cache"], "hit")
        self.assertEqual(cached["Content-Type"], "application/rss+xml; charset=utf-8")
        latest = self.press.add_child(instance=NewsPage(title="ข่าวล่าสุด", slug="latest", live=False))
        latest.save_revision().publish()
        self.assertIn("ข่าวล่าสุด", [item["title"] for item in feed_items(self.client.get(url))])
