"""Kept parts of pages (layout, article content, listing items) never show an old version."""

from unittest import mock

from django.test import TestCase
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.models import LISTING_PAGE_SIZE, Attachment, DocumentPage, NewsPage
from thesaban.pages.services import ensure_site_structure
from thesaban.pages.tests.factories import SiteDocumentFactory, SiteImageFactory


class FragmentTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        cls.index = Page.objects.get(url_path="/home/news/activities/")
        cls.news = NewsPage(title="ข่าวเดิม", slug="story", body=[("paragraph", "<p>เนื้อหาเดิม</p>")])
        cls.index.add_child(instance=cls.news)
        cls.news.save_revision().publish()

    def setUp(self):
        clear_page_cache()
        # Rendered pages, as staff get them: the whole-page cache is skipped, fragments are not.
        self.client.cookies["sessionid"] = "not-a-session"

    def get(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertFalse(response.has_header("X-Cache"))
        return response.content.decode()

    def publish_news(self, **changes) -> NewsPage:
        news = NewsPage.objects.get(pk=self.news.pk)
        for name, value in changes.items():
            setattr(news, name, value)
        news.save_revision().publish()
        return news


class ArticleFragmentTests(FragmentTestCase):
    def test_a_published_edit_shows_at_once(self):
        self.assertIn("เนื้อหาเดิม", self.get(self.news.url))
        self.publish_news(title="ข่าวแก้ไข", body=[("paragraph", "<p>เนื้อหาใหม่</p>")])
        html = self.get(self.news.url)
        self.assertIn("<h1>ข่าวแก้ไข</h1>", html)
        self.assertIn("เนื้อหาใหม่", html)
        self.assertNotIn("เนื้อหาเดิม", html)

    def test_a_new_version_is_never_served_an_old_fragment(self):
        """The key holds the published version: even a cache nobody cleared cannot mislead."""
        self.get(self.news.url)
        with mock.patch("thesaban.pages.signal_handlers.clear_page_cache"):
            self.publish_news(body=[("paragraph", "<p>เนื้อหาใหม่</p>")])
        self.assertIn("เนื้อหาใหม่", self.get(self.news.url))

    def test_unpublishing_takes_the_article_down_at_once(self):
        self.get(self.news.url)
        NewsPage.objects.get(pk=self.news.pk).unpublish()
        self.assertEqual(self.client.get(self.news.url).status_code, 404)

    def test_attachments_and_their_documents_show_changes_at_once(self):
        document = SiteDocumentFactory(title="กำหนดการเดิม")
        self.assertNotIn("กำหนดการเดิม", self.get(self.news.url))
        Attachment.objects.create(page=self.news, document=document)
        self.assertIn("กำหนดการเดิม", self.get(self.news.url))
        document.title = "กำหนดการใหม่"
        document.save()
        self.assertIn("กำหนดการใหม่", self.get(self.news.url))
        Attachment.objects.filter(page=self.news).delete()
        self.assertNotIn("กำหนดการใหม่", self.get(self.news.url))

    def test_a_changed_image_shows_at_once(self):
        image = SiteImageFactory(description="ภาพเดิม")
        self.publish_news(listing_image=image)
        self.assertIn('alt="ภาพเดิม"', self.get(self.news.url))
        image.description = "ภาพใหม่"
        image.save()
        self.assertIn('alt="ภาพใหม่"', self.get(self.news.url))

    def test_preview_shows_the_draft_and_the_public_page_keeps_the_published_one(self):
        self.get(self.news.url)
        draft = NewsPage.objects.get(pk=self.news.pk)
        draft.body = [("paragraph", "<p>ร่างที่ยังไม่เผยแพร่</p>")]
        draft.save_revision()
        preview = draft.make_preview_request().content.decode()
        self.assertIn("ร่างที่ยังไม่เผยแพร่", preview)
        self.assertNotIn("เนื้อหาเดิม", preview)
        published = self.get(self.news.url)
        self.assertIn("เนื้อหาเดิม", published)
        self.assertNotIn("ร่างที่ยังไม่เผยแพร่", published)

    def test_each_page_keeps_its_own_content(self):
        budget = Page.objects.get(url_path="/home/plans/budget/")
        first = budget.add_child(instance=DocumentPage(title="เอกสารหนึ่ง", summary="สรุปหนึ่ง"))
        second = budget.add_child(instance=DocumentPage(title="เอกสารสอง", summary="สรุปสอง"))
        self.assertIn("สรุปหนึ่ง", self.get(first.url))
        html = self.get(second.url)
        self.assertIn("สรุปสอง", html)
        self.assertNotIn("สรุปหนึ่ง", html)


class ListingFragmentTests(FragmentTestCase):
    def test_a_newly_published_item_is_listed_at_once(self):
        self.assertIn("ข่าวเดิม", self.get("/news/activities/"))
        fresh = NewsPage(title="ข่าวใหม่ล่าสุด", slug="fresh", live=False)
        self.index.add_child(instance=fresh)
        self.assertNotIn("ข่าวใหม่ล่าสุด", self.get("/news/activities/"))
        fresh.save_revision().publish()
        self.assertIn("ข่าวใหม่ล่าสุด", self.get("/news/activities/"))

    def test_an_item_added_or_removed_without_a_signal_still_shows(self):
        """The listing's version (count, newest, latest publication) is part of the key."""
        self.get("/news/activities/")
        self.index.add_child(instance=NewsPage(title="ข่าวจากสคริปต์", slug="script"))
        self.assertIn("ข่าวจากสคริปต์", self.get("/news/activities/"))
        NewsPage.objects.filter(slug="script").update(live=False)
        self.assertNotIn("ข่าวจากสคริปต์", self.get("/news/activities/"))

    def test_a_renamed_item_shows_at_once(self):
        self.get("/news/activities/")
        self.publish_news(title="ข่าวเปลี่ยนชื่อ")
        html = self.get("/news/activities/")
        self.assertIn("ข่าวเปลี่ยนชื่อ", html)
        self.assertNotIn(">ข่าวเดิม<", html)

    def test_each_page_of_a_listing_shows_its_own_items(self):
        for number in range(LISTING_PAGE_SIZE):
            self.index.add_child(instance=NewsPage(title=f"ข่าวชุด {number:02}", slug=f"s{number}"))
        first = self.get("/news/activities/")
        second = self.get("/news/activities/?page=2")
        self.assertIn("ข่าวชุด 19", first)
        self.assertNotIn("ข่าวชุด 19", second)
        self.assertIn("หน้า 2 จาก 2", second)

    def test_each_fiscal_year_shows_its_own_documents(self):
        budget = Page.objects.get(url_path="/home/plans/budget/")
        for year in (2568, 2569):
            budget.add_child(instance=DocumentPage(title=f"งบประมาณปี {year}", fiscal_year=year))
        self.assertIn("งบประมาณปี 2568", self.get("/plans/budget/"))
        only_2569 = self.get("/plans/budget/?year=2569")
        self.assertIn("งบประมาณปี 2569", only_2569)
        self.assertNotIn("งบประมาณปี 2568", only_2569)


class SiteLayoutTests(FragmentTestCase):
    def test_contact_details_show_at_once_in_title_header_and_footer(self):
        self.get(self.news.url)
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.name = "เทศบาลเมืองใหม่"
        settings.phone = "0 9999 9999"
        settings.save()
        html = self.get(self.news.url)
        self.assertIn("<title>ข่าวเดิม | เทศบาลเมืองใหม่</title>", html)
        self.assertIn('<span class="brand-name">เทศบาลเมืองใหม่</span>', html)
        self.assertIn('<h2 id="footer-contact">เทศบาลเมืองใหม่</h2>', html)
        self.assertIn('href="tel:099999999"', html)

    def test_a_new_emblem_shows_at_once(self):
        self.assertIn('src="/static/img/emblem.svg"', self.get("/"))
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.emblem = SiteImageFactory()
        settings.save()
        html = self.get("/")
        self.assertNotIn('src="/static/img/emblem.svg"', html)
        self.assertIn('class="brand-emblem"', html)

    def test_the_search_box_keeps_the_visitors_query(self):
        """The brand is kept, the search box is not: it shows what this visitor searched for."""
        self.get("/")
        self.assertIn('value="ข่าวเดิม"', self.get("/search/?q=ข่าวเดิม"))
        self.assertIn('name="q" placeholder="ค้นหา…" value=""', self.get("/"))
