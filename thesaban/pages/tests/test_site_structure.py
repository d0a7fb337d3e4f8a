"""R1: every category and item of the announcement is on the site, reachable from home."""

from html.parser import HTMLParser

from django.test import TestCase
from wagtail.models import Page, Site

from thesaban.pages.models import HomePage, SectionPage
from thesaban.pages.services import ensure_site_structure

# Written out from the announcement (seed/announcement-th.txt), independently of
# information_architecture.py, so that dropping an item there fails here. Obvious typos of the
# original are corrected: "สรุปลผล" → "สรุปผล", "KNOWIEDGE" → "คลังความรู้ (Knowledge)",
# "link ที่น่าสนใจ" → "ลิงก์ที่น่าสนใจ"; the mayor's name stands as "ผู้บริหาร".
ANNOUNCEMENT = {
    "หน้าหลัก": [
        "ผู้บริหาร", "กิจกรรม", "กิจการสภา", "วิดีทัศน์", "ข่าวประชาสัมพันธ์",
        "ข่าวจัดซื้อจัดจ้าง", "แผนพัฒนา", "หนังสือสั่งการ", "ศูนย์ข้อมูลข่าวสาร", "คู่มือประชาชน",
        "คำแนะนำภาษี", "คลังความรู้ (Knowledge)", "แบบสอบถาม", "ประมวลผลสำรวจ", "กระดานสนทนา",
        "ข่าวสารในเครือข่าย", "ผลิตภัณฑ์", "สถานที่สำคัญ", "ประกาศจากระบบ e-GP",
        "แบบสำรวจความคิดเห็น", "เว็บไซต์ในเครือข่ายจังหวัด", "สายตรงปลัด", "ลิงก์ที่น่าสนใจ",
        "ไร่เรื่องราวร้อยเรียน", "ที่อยู่เทศบาล",
    ],
    "สภาพทั่วไป": [
        "เกี่ยวกับเทศบาล", "อาณาเขตติดต่อ", "สภาพทั่วไป", "ข้อมูลประชากร", "ประวัติหน่วยงาน",
        "ที่ตั้งหน่วยงาน", "ตราสัญลักษณ์",
    ],
    "บุคลากร": [
        "การบริหารและพัฒนาทรัพยากรบุคคล", "ผู้บริหาร", "สมาชิกสภา", "หัวหน้าส่วนราชการ",
        "บุคลากร", "ประธานชุมชน/ประธาน อสม.",
    ],
    "ข่าวสาร": [
        "กิจกรรม", "กิจการสภา", "วิดีทัศน์", "ข่าวประชาสัมพันธ์", "ข่าวจัดซื้อจัดจ้าง",
        "ประกาศผลจัดซื้อจัดจ้าง", "ประกาศผลจากระบบ e-GP", "กองทุนหลักประกันสุขภาพ",
        "ข่าวสรรหาบุคลากร", "หนังสือสั่งการจาก สถ.", "ข่าวสารจาก สถ.จ.", "ข่าวสารในเครือข่าย",
    ],
    "แผน": [
        "แผนพัฒนาท้องถิ่น", "แผนการดำเนินงาน", "แผนอัตรากำลัง", "แผนจัดหาพัสดุ",
        "แผนป้องกันปราบปรามการทุจริต", "เทศบัญญัติงบประมาณรายจ่าย", "แผนอื่นๆ",
    ],
    "รายงาน": [
        "รายงานทางการเงิน", "งบแสดงรายรับ - รายจ่าย", "รายงานผลการปฏิบัติงานประจำปี",
        "รายงานผลการกำกับติดตาม", "สรุปผลการจัดหาพัสดุรายเดือน (สขร.๑)",
        "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุรายปี", "รายงานการประชุมผู้บริหาร",
        "รายงานการประชุมสภา", "รายงานการประชุมพนักงาน", "รายงานอื่นๆ", "สถิติ",
    ],
    "ระเบียบ": [
        "เทศบัญญัติ", "ประกาศ", "คำสั่ง", "การจัดการองค์ความรู้ (KM)", "พ.ร.บ./พ.ร.ก.",
        "ระเบียบกระทรวงมหาดไทย", "ระเบียบปฏิบัติอื่น",
    ],
    "บริการประชาชน": [
        "คู่มือประชาชน", "ศูนย์จัดการเรื่องร้องเรียน", "ศูนย์ช่วยเหลือประชาชน", "ร้องเรียนทุจริต",
        "ร้องเรียนร้องทุกข์", "กระดานสนทนา", "วารสาร", "คำถามที่พบบ่อย",
    ],
}  # fmt: skip


class LinkCollector(HTMLParser):
    """Collects (link text, href) pairs, optionally only inside one element id."""

    def __init__(self, within_id: str | None = None):
        super().__init__()
        self.within_id = within_id
        self.depth_inside = 0 if within_id is None else -1
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth_inside >= 0:
            self.depth_inside += 1
        elif attributes.get("id") == self.within_id:
            self.depth_inside = 1
        if tag == "a" and self.depth_inside >= 0 and attributes.get("href"):
            self._href = attributes["href"]
            self._text = []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._text).strip(), self._href))
            self._href = None
        if self.depth_inside > 0:
            self.depth_inside -= 1
            if self.depth_inside == 0 and self.within_id is not None:
                self.depth_inside = -1

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)


def links_of(html: str, within_id: str | None = None) -> list[tuple[str, str]]:
    collector = LinkCollector(within_id)
    collector.feed(html)
    return collector.links


class SiteStructureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = ensure_site_structure()

    def test_the_default_site_serves_the_home_page(self):
        """The Wagtail welcome page is gone and the site's root is the municipality's home."""
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.root_page.specific_class, HomePage)
        self.assertFalse(Page.objects.filter(depth=2).exclude(pk=self.home.pk).exists())

    def test_running_it_again_adds_nothing(self):
        """A second run keeps the tree as it is: no duplicate pages."""
        count = Page.objects.count()
        ensure_site_structure()
        self.assertEqual(Page.objects.count(), count)

    def test_a_renamed_item_is_kept_not_recreated(self):
        """Staff may rename an item; running the set-up again must not undo or duplicate it."""
        page = Page.objects.get(url_path="/home/general/history/")
        page.title = "ประวัติความเป็นมา"
        page.save()
        ensure_site_structure()
        self.assertEqual(
            Page.objects.get(url_path="/home/general/history/").title, "ประวัติความเป็นมา"
        )

    def test_main_menu_has_the_eight_categories_in_order(self):
        """The main menu lists หน้าหลัก then the seven categories, in the announcement's order."""
        response = self.client.get("/")
        menu_links = links_of(response.content.decode(), "main-menu")
        categories = [text for text, href in menu_links if href == "/" or href.count("/") == 2]
        self.assertEqual(categories, list(ANNOUNCEMENT))

    def test_every_item_is_reachable_within_two_clicks_from_home(self):
        """Each item of each category is a link on the home page or on a page one click away."""
        home_html = self.client.get("/").content.decode()
        first_click = {href for _text, href in links_of(home_html) if href.startswith("/")}
        reachable: dict[str, set[str]] = {}
        for text, href in links_of(home_html):
            reachable.setdefault(text, set()).add(href)
        for href in first_click:
            response = self.client.get(href)
            if response.status_code != 200:
                continue
            for text, target in links_of(response.content.decode()):
                reachable.setdefault(text, set()).add(target)

        missing = []
        for category, items in ANNOUNCEMENT.items():
            for item in items:
                internal = [href for href in reachable.get(item, ()) if href.startswith("/")]
                if not internal:
                    missing.append(f"{category} › {item}")
                    continue
                self.assertEqual(self.client.get(internal[0]).status_code, 200, internal[0])
        self.assertEqual(missing, [])

    def test_each_category_page_lists_its_items(self):
        """A category page, the first click, lists every item of that category."""
        for section in SectionPage.objects.all():
            html = self.client.get(section.url).content.decode()
            texts = {text for text, _href in links_of(html, "main")}
            for item in ANNOUNCEMENT[section.title]:
                self.assertIn(item, texts, f"{section.title} › {item}")

    def test_structure_urls_are_short_ascii_paths(self):
        """Structural pages use the hand-chosen ASCII slugs assessors paste into ITAS."""
        self.assertEqual(
            Page.objects.get(title="สรุปผลการจัดหาพัสดุรายเดือน (สขร.๑)").url,
            "/reports/monthly-procurement/",
        )
        for page in Page.objects.descendant_of(self.home):
            self.assertTrue(page.slug.isascii(), page.slug)
