"""What search engines and link previews read: meta description, Open Graph, the municipality.

Every public page has a description (its search description, else its summary or
introduction, else the municipality's name), Open Graph tags with addresses on the host asked
for, and the municipality as schema.org GovernmentOrganization JSON-LD.
"""

import json
from html.parser import HTMLParser

from django.test import TestCase
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.models import DocumentPage, NewsPage, PlacePage, VideoPage
from thesaban.pages.services import ensure_site_structure

from .factories import SiteImageFactory


class HeadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and ("name" in attributes or "property" in attributes):
            key = attributes.get("name") or attributes["property"]
            self.meta.setdefault(key, []).append(attributes.get("content", ""))
        self._in_json_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(data)


def head_of(response) -> HeadParser:
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


class MetadataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()
        cls.emblem = SiteImageFactory(title="ตรา", description="ตราเทศบาลทดสอบ")
        settings = MunicipalitySettings.for_site(cls.home.get_site())
        settings.name = "เทศบาลเมืองทดสอบ"
        settings.name_en = "Test Town Municipality"
        settings.address = "1 ถนนทดสอบ ตำบลทดสอบ\nอำเภอเมือง จังหวัดทดสอบ 10200"
        settings.phone = "0 5600 0000"
        settings.email = "saraban@test.example.go.th"
        settings.facebook_url = "https://www.facebook.com/test"
        settings.emblem = cls.emblem
        settings.save()

        def under(path: str) -> Page:
            return Page.objects.get(url_path=f"/home/{path}/")

        cls.picture = SiteImageFactory(description="ภาพงานปลูกต้นไม้")
        cls.news = under("news/activities").add_child(
            instance=NewsPage(
                title="ปลูกต้นไม้",
                slug="trees",
                summary="ชาวบ้าน <b>ร่วม</b> ปลูกต้นไม้\nริมคลอง",
                listing_image=cls.picture,
            )
        )
        cls.document = under("plans/budget").add_child(
            instance=DocumentPage(
                title="เทศบัญญัติ", slug="budget-2569", search_description="คำอธิบายสำหรับค้นหา"
            )
        )
        cls.video = under("news/videos").add_child(
            instance=VideoPage(
                title="วิดีโอ", slug="v", description="แนะนำเทศบาล", video_url="https://v.example/"
            )
        )
        cls.place = under("landmarks").add_child(
            instance=PlacePage(title="ตลาด", slug="market", description="<p>ตลาดริมน้ำ</p>")
        )

    def setUp(self):
        clear_page_cache()
        # The remembered site and settings belong to this test's data: not the next test's.
        self.addCleanup(clear_page_cache)

    def test_every_page_type_has_a_description_from_its_own_words_first(self):
        section_intro = Page.objects.get(url_path="/home/general/").specific.introduction
        for url, expected in (
            (self.document.url, "คำอธิบายสำหรับค้นหา"),  # the promote tab's description wins
            (self.news.url, "ชาวบ้าน ร่วม ปลูกต้นไม้ ริมคลอง"),  # summary, as plain text
            (self.video.url, "แนะนำเทศบาล"),
            (self.place.url, "ตลาดริมน้ำ"),  # rich text, tags removed
            ("/general/", section_intro),
            ("/privacy-policy/", None),  # its starter summary
            ("/", "เทศบาลเมืองทดสอบ"),  # nothing of its own: the municipality's name
            ("/general/borders/", "เทศบาลเมืองทดสอบ"),
            ("/search/?q=x", "เทศบาลเมืองทดสอบ"),
        ):
            head = head_of(self.client.get(url))
            self.assertEqual(len(head.meta["description"]), 1, url)
            description = head.meta["description"][0]
            self.assertTrue(description, url)
            if expected is not None:
                self.assertEqual(description, expected, url)
            self.assertEqual(head.meta["og:description"], [description], url)

    def test_open_graph_tags_use_the_host_asked_for_and_the_pages_picture(self):
        response = self.client.get(self.news.url, HTTP_HOST="www.test.example.go.th")
        head = head_of(response)
        self.assertEqual(head.meta["og:title"], ["ปลูกต้นไม้"])
        self.assertEqual(head.meta["og:type"], ["article"])
        self.assertEqual(head.meta["og:site_name"], ["เทศบาลเมืองทดสอบ"])
        self.assertEqual(head.meta["og:url"], [f"http://www.test.example.go.th{self.news.url}"])
        self.assertEqual(head.meta["og:locale"], ["th_TH"])
        rendition = self.picture.get_rendition("fill-1200x630")
        self.assertEqual(head.meta["og:image"], [f"http://www.test.example.go.th{rendition.url}"])
        self.assertEqual(head.meta["og:image:alt"], ["ภาพงานปลูกต้นไม้"])
        self.assertEqual(head.meta["article:published_time"], [self.news.date.isoformat()])

    def test_a_page_without_a_picture_shows_the_emblem(self):
        head = head_of(self.client.get("/general/"))
        self.assertEqual(head.meta["og:type"], ["website"])
        emblem = self.emblem.get_rendition("max-600x600")
        self.assertEqual(head.meta["og:image"], [f"http://testserver{emblem.url}"])
        self.assertEqual(head.meta["og:title"], ["สภาพทั่วไป"])
        self.assertEqual(head_of(self.client.get("/")).meta["og:title"], ["เทศบาลเมืองทดสอบ"])

    def test_every_page_describes_the_municipality_as_a_government_organization(self):
        for url in ("/", self.news.url, "/general/borders/", "/search/?q=x"):
            head = head_of(self.client.get(url, HTTP_HOST="www.test.example.go.th"))
            self.assertEqual(len(head.json_ld), 1, url)
            data = json.loads(head.json_ld[0])
            self.assertEqual(data["@context"], "https://schema.org")
            self.assertEqual(data["@type"], "GovernmentOrganization")
            self.assertEqual(data["name"], "เทศบาลเมืองทดสอบ")
            self.assertEqual(data["alternateName"], "Test Town Municipality")
            self.assertEqual(data["url"], "http://www.test.example.go.th/")
            self.assertEqual(
                data["address"],
                {
                    "@type": "PostalAddress",
                    "streetAddress": "1 ถนนทดสอบ ตำบลทดสอบ อำเภอเมือง จังหวัดทดสอบ",
                    "postalCode": "10200",
                    "addressCountry": "TH",
                },
            )
            self.assertEqual(data["telephone"], "0 5600 0000")
            self.assertEqual(data["email"], "saraban@test.example.go.th")
            self.assertEqual(data["sameAs"], ["https://www.facebook.com/test"])
            self.assertTrue(data["logo"].startswith("http://www.test.example.go.th/"), url)

    def test_a_name_cannot_end_the_json_block(self):
        settings = MunicipalitySettings.for_site(self.home.get_site())
        settings.name = 'เทศบาล</script><script>alert("x")</script>'
        settings.save()
        response = self.client.get("/general/")
        self.assertNotContains(response, '<script>alert("x")')
        data = json.loads(head_of(response).json_ld[0])
        self.assertEqual(data["name"], settings.name)
