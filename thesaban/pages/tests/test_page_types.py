"""Every page type renders for a visitor with what a citizen or an assessor looks for."""

import datetime

from django.test import TestCase
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.pages.models import (
    Attachment,
    ContentPage,
    DocumentIndexPage,
    DocumentPage,
    HomePage,
    LinkPage,
    NewsIndexPage,
    NewsPage,
    PersonIndexPage,
    PlaceIndexPage,
    PlacePage,
    VideoIndexPage,
    VideoPage,
)
from thesaban.pages.services import ensure_site_structure

from .factories import DivisionFactory, PersonFactory, SiteDocumentFactory, SiteImageFactory


def page_at(path: str) -> Page:
    return Page.objects.get(url_path=f"/home/{path}/").specific


class PageTypeRenderingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        site_settings = MunicipalitySettings.for_site(cls.home.get_site())
        site_settings.name = "เทศบาลเมืองทดสอบ"
        site_settings.address = "1 ถนนทดสอบ"
        site_settings.phone = "0 5600 0000"
        site_settings.email = "saraban@test.example.go.th"
        site_settings.save()
        cls.mayor = PersonFactory(
            name="นายใหญ่ ใจดี", position="นายกเทศมนตรี", photo=SiteImageFactory()
        )
        cls.council_president = PersonFactory(
            name="นายสภา ประธาน", position="ประธานสภา", group="council"
        )
        cls.clerk = PersonFactory(
            name="นางปลัด ขยัน",
            position="ปลัดเทศบาล",
            group="division_head",
            division=DivisionFactory(),
        )
        home = HomePage.objects.get(pk=cls.home.pk)
        home.executive = cls.mayor
        home.executive_message = "<p>ยินดีต้อนรับสู่เว็บไซต์</p>"
        home.save()

        activities = page_at("news/activities")
        cls.news = activities.add_child(
            instance=NewsPage(
                title="กิจกรรมปลูกต้นไม้",
                date=datetime.date(2021, 3, 29),
                summary="ชาวบ้านร่วมปลูกต้นไม้",
                listing_image=SiteImageFactory(),
            )
        )
        cls.news.attachments.add(Attachment(document=SiteDocumentFactory(title="กำหนดการ")))
        cls.news.save()

        budget = page_at("plans/budget")
        for fiscal_year, date in (
            (2569, datetime.date(2025, 10, 1)),
            (2568, datetime.date(2025, 9, 30)),
        ):
            budget.add_child(
                instance=DocumentPage(
                    title=f"เทศบัญญัติงบประมาณ {fiscal_year}", fiscal_year=fiscal_year, date=date
                )
            )

        videos = page_at("news/videos")
        cls.video = videos.add_child(
            instance=VideoPage(title="วิดีทัศน์แนะนำ", video_url="https://video.example/v/1")
        )
        landmarks = page_at("landmarks")
        cls.place = landmarks.add_child(
            instance=PlacePage(title="ตลาดน้ำ", description="<p>ตลาดริมน้ำ</p>", address="ริมแม่น้ำ")
        )
        cls.link = page_at("general").add_child(
            instance=LinkPage(
                title="ระบบ e-GP", slug="egp-link", link_url="https://www.gprocurement.go.th/"
            )
        )

    def get(self, url: str, status: int = 200):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        return response

    def test_home_page_shows_message_news_videos_contacts(self):
        """Home: executive message, latest news by kind, videos, network links and contacts."""
        response = self.get("/")
        self.assertContains(response, "สารจากผู้บริหาร")
        self.assertContains(response, "นายใหญ่ ใจดี")
        self.assertContains(response, "กิจกรรมปลูกต้นไม้")
        self.assertContains(response, "29 มี.ค. 2564")
        self.assertContains(response, "วิดีทัศน์แนะนำ")
        self.assertContains(response, "1 ถนนทดสอบ")
        self.assertContains(response, "saraban@test.example.go.th")
        for kind_heading in ("กิจกรรม", "ข่าวประชาสัมพันธ์", "ข่าวจัดซื้อจัดจ้าง", "ประกาศจากระบบ e-GP"):
            self.assertContains(response, f">{kind_heading}</h2>")

    def test_home_page_links_to_web_board_and_surveys(self):
        """The home menu links the web board, questionnaire, opinion survey and survey results."""
        response = self.get("/")
        for path in (
            "/services/webboard/",
            "/questionnaire/",
            "/opinion-survey/",
            "/survey-results/",
        ):
            self.assertContains(response, f'href="{path}"')

    def test_section_page_lists_items(self):
        response = self.get("/plans/")
        self.assertContains(response, "<h1>แผน</h1>", html=True)
        self.assertContains(response, 'href="/plans/budget/"')

    def test_news_listing_and_article_with_attachment(self):
        """Listings show Buddhist Era dates; the article shows the long date and its files."""
        listing = self.get("/news/activities/")
        self.assertContains(listing, "กิจกรรมปลูกต้นไม้")
        self.assertContains(listing, "29 มี.ค. 2564")
        article = self.get(self.news.url)
        self.assertContains(article, "29 มีนาคม 2564")
        self.assertContains(article, "กำหนดการ")
        self.assertContains(article, "(PDF")
        self.assertContains(article, 'aria-current="page"')

    def test_document_listing_filters_by_fiscal_year(self):
        """Documents list by fiscal year; ?year= keeps only that year; a bad year is a 404."""
        listing = self.get("/plans/budget/")
        self.assertContains(listing, "เทศบัญญัติงบประมาณ 2569")
        self.assertContains(listing, "เทศบัญญัติงบประมาณ 2568")
        self.assertContains(listing, "ปีงบประมาณ พ.ศ. 2569")
        filtered = self.get("/plans/budget/?year=2568")
        self.assertNotContains(filtered, "เทศบัญญัติงบประมาณ 2569")
        self.assertContains(filtered, "เทศบัญญัติงบประมาณ 2568")
        self.get("/plans/budget/?year=two", status=404)

    def test_document_page_shows_fiscal_year_and_date(self):
        page = DocumentPage.objects.get(fiscal_year=2569)
        response = self.get(page.url)
        self.assertContains(response, "2569")
        self.assertContains(response, "1 ตุลาคม 2568")

    def test_person_listing_shows_name_position_photo_contact(self):
        """OIT O2: executives with name, position, photo and a contact channel."""
        response = self.get("/personnel/executives/")
        self.assertContains(response, "นายใหญ่ ใจดี")
        self.assertContains(response, "นายกเทศมนตรี")
        self.assertContains(response, 'alt="นายใหญ่ ใจดี"')
        self.assertContains(response, 'href="tel:056000000"')
        self.assertNotContains(response, "นายสภา ประธาน")

    def test_org_chart_shows_political_and_civil_service_sides(self):
        """OIT O1 for local government: both the political and the civil-service side."""
        response = self.get("/personnel/structure/")
        html = response.content.decode()
        political = html.index("ฝ่ายการเมือง")
        civil = html.index("ฝ่ายข้าราชการประจำ")
        self.assertLess(political, html.index("นายใหญ่ ใจดี"))
        self.assertLess(political, html.index("นายสภา ประธาน"))
        self.assertLess(civil, html.index("นางปลัด ขยัน"))
        self.assertLess(html.index("นายสภา ประธาน"), civil)

    def test_video_listing_and_page(self):
        self.assertContains(self.get("/news/videos/"), "วิดีทัศน์แนะนำ")
        self.assertContains(self.get(self.video.url), 'href="https://video.example/v/1"')

    def test_place_listing_and_page(self):
        self.assertContains(self.get("/landmarks/"), "ตลาดน้ำ")
        self.assertContains(self.get(self.place.url), "ตลาดริมน้ำ")

    def test_content_page_without_content_says_it_is_being_prepared(self):
        self.assertContains(self.get("/general/borders/"), "อยู่ระหว่างจัดทำข้อมูล")

    def test_link_page_redirects_to_its_target(self):
        response = self.client.get(self.link.url)
        self.assertRedirects(
            response, "https://www.gprocurement.go.th/", fetch_redirect_response=False
        )

    def test_every_page_type_is_used_and_renders(self):
        """Each page model serves at least one live page that renders without error."""
        for model in (
            HomePage, ContentPage, NewsIndexPage, NewsPage, DocumentIndexPage, DocumentPage,
            VideoIndexPage, VideoPage, PersonIndexPage, PlaceIndexPage, PlacePage,
        ):  # fmt: skip
            page = model.objects.live().first()
            self.assertIsNotNone(page, model.__name__)
            self.get(page.url)

    def test_unknown_url_gets_thai_404(self):
        response = self.get("/no-such-page/", status=404)
        self.assertContains(response, "ไม่พบหน้าที่ต้องการ", status_code=404)
        self.assertContains(response, 'lang="th"', status_code=404)

    def test_sitemap_lists_live_pages_only(self):
        hidden = page_at("news/press").add_child(
            instance=NewsPage(title="ข่าวที่ยังไม่เผยแพร่", slug="draft-news", live=False)
        )
        response = self.get("/sitemap.xml")
        self.assertContains(response, "/news/activities/")
        self.assertNotContains(response, hidden.slug)

    def test_search_box_finds_a_page(self):
        """Interim search finds whole words; Thai word segmentation comes with the search issue."""
        response = self.get("/search/?q=กิจกรรมปลูกต้นไม้")
        self.assertContains(response, "กิจกรรมปลูกต้นไม้")
