"""The Wagtail admin speaks Thai: the project's own catalogue in thesaban/locale is in use.

Wagtail's Thai catalogue leaves most admin strings in English and words some badly
("Publish" comes out as "การจัดพิมพ์", printing). These tests fetch the screens staff use
most, as a logged-in superuser, and check both that our wording is shown and that no English
UI text is left. Without thesaban/locale/th/LC_MESSAGES/*.mo they fail.
"""

import json
import re
import shutil
import tempfile
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import TestCase, override_settings
from wagtail.documents import get_document_model
from wagtail.models import Page

from thesaban.accounts.testing import log_in
from thesaban.pages.models import ContentPage, HomePage

MEDIA_ROOT = tempfile.mkdtemp(prefix="thesaban-admin-thai-")

# Latin-script words that may stay: names, formats, abbreviations, keyboard keys.
# fmt: off
ALLOWED_WORDS = {
    "wagtail", "url", "pdf", "api", "id", "csv", "xlsx", "html", "seo", "thesaban", "localhost",
    "ctrl", "alt", "shift", "esc",
}
# fmt: on
# English no catalogue can translate, see docs/decisions/0003-admin-thai-translations.md:
# "None" is the text of a hidden counter in the status side panel button. ("Actions", hard-coded
# in Wagtail's _actions.html, is overridden in thesaban/templates/wagtailadmin/.)
UPSTREAM_PARTS = {"None"}
SEEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
HIDDEN_TAGS = {"script", "style", "svg", "noscript"}
IGNORED = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|/[\w\-./?=&%#]+|\b[\w-]+\.pdf\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


class _VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes outside scripts plus title/aria-label/etc."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in SEEN_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(response) -> list[str]:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return parser.parts


def english_left(parts: list[str]) -> list[str]:
    left = []
    for part in parts:
        text = IGNORED.sub(" ", part)
        words = WORD.findall(text)
        if part not in UPSTREAM_PARTS and any(w.lower() not in ALLOWED_WORDS for w in words):
            left.append(part)
    return left


@override_settings(MEDIA_ROOT=MEDIA_ROOT, LANGUAGE_CODE="th")
class AdminInThaiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser(
            username="ผู้ดูแลระบบ", email="admin@example.com", password="รหัสผ่านสำหรับทดสอบ"
        )
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="หน้าแรกเทศบาล", slug="home-th"))
        cls.page = cls.home.add_child(instance=ContentPage(title="ประวัติเทศบาล", slug="history"))
        cls.page.save_revision(user=cls.user).publish()
        cls.document = get_document_model().objects.create(
            title="ประกาศเทศบาล", file=ContentFile(b"%PDF-1.4\n", name="notice.pdf")
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    def setUp(self):
        log_in(self.client, self.user)

    def get_text(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response.headers.get("Content-Language"), "th", url)
        parts = visible_text(response)
        self.assertEqual(english_left(parts), [], f"English UI text left on {url}")
        return "\n".join(parts)

    def test_page_explorer(self):
        text = self.get_text(f"/admin/pages/{self.home.pk}/")
        self.assertIn("ประวัติเทศบาล", text)  # the child page is listed
        for thai in ("ดำเนินการหลายรายการ", "เพิ่มหน้าย่อย", "จัดลำดับเมนู", "สถานะ", "เผยแพร่อยู่"):
            self.assertIn(thai, text)
        for english in ("Bulk actions", "Add child page", "Sort menu order", "Status", "Live"):
            self.assertNotIn(english, text)

    def test_page_edit_view(self):
        text = self.get_text(f"/admin/pages/{self.page.pk}/edit/")
        # The action menu: our wording, not Wagtail's "การจัดพิมพ์" (printing).
        self.assertRegex(text, r"(?m)^เผยแพร่$")
        self.assertIn("บันทึกฉบับร่าง", text)
        self.assertIn("ยกเลิกการเผยแพร่", text)
        self.assertIn("แสดงตัวอย่าง", text)
        self.assertIn("ตั้งกำหนดการเผยแพร่", text)
        self.assertNotIn("การจัดพิมพ์", text)
        for english in ("Publish", "Save draft", "Unpublish", "Preview", "History", "Schedule"):
            self.assertNotIn(english, text)

    def test_document_listing(self):
        text = self.get_text("/admin/documents/")
        self.assertIn("ประกาศเทศบาล", text)  # the document is listed
        for thai in ("เอกสาร", "เพิ่มเอกสาร", "ดำเนินการหลายรายการ", "คอลเลกชัน"):
            self.assertIn(thai, text)
        for english in ("Documents", "Add a document", "Collection", "Created"):
            self.assertNotIn(english, text)

    def test_document_add_view(self):
        text = self.get_text("/admin/documents/add/")
        for thai in ("เพิ่มเอกสาร", "ชื่อเรื่อง", "ไฟล์", "อัปโหลด"):
            self.assertIn(thai, text)
        for english in ("Add a document", "Title", "File", "Upload", "Tags"):
            self.assertNotIn(english, text)

    def test_javascript_catalogue_includes_project_translations(self):
        # Wagtail serves its JS strings with Django's JavaScriptCatalog(packages=["wagtail.admin"]);
        # Django merges LOCALE_PATHS' djangojs.mo on top of the package catalogues.
        response = self.client.get("/admin/jsi18n/")
        self.assertEqual(response.status_code, 200)
        found = re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S)
        catalog = json.loads(found.group(1))
        self.assertEqual(catalog["Toggle sidebar"], "แสดง/ซ่อนแถบเมนูด้านข้าง")
        self.assertEqual(catalog["Autosave in progress…"], "กำลังบันทึกอัตโนมัติ…")
        self.assertEqual(catalog["Page explorer"], "รายการหน้าเว็บไซต์")
