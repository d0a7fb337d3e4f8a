"""List English text left in the Thai admin screens.

Run it after changing the catalogue or upgrading Wagtail:

    uv run python thesaban/locale/check_coverage.py            # pages, documents and the rest
    uv run python thesaban/locale/check_coverage.py --all-urls # also list every URL it fetched

It builds a throwaway test database, creates a superuser, a home page with a child page (one
submitted to a workflow, one draft), a collection, a document and an image, all with Thai
titles, then crawls the admin as that user with Django's test client: every /admin/ link it
finds from the dashboard, plus the modals and confirmations that are only reached by
JavaScript. For each response it takes the visible text and the text of attributes that
people see or hear (title, aria-label, placeholder, alt...) and prints every fragment that
still has English words in it, with the URLs where it was seen. Content the test itself
typed (Thai), e-mail addresses, URLs and the words in ALLOWED are ignored.

It also checks the JavaScript catalogue: every msgid in Wagtail's djangojs.po must be
translated at /admin/jsi18n/.

Exit status 0 when nothing is left, 1 otherwise.
"""

import json
import os
import re
import sys
import tempfile
import zoneinfo
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thesaban.settings.test")

# Words that may stay in Latin script: product names, file formats, abbreviations.
# fmt: off
ALLOWED = {
    "wagtail", "url", "urls", "csv", "xlsx", "pdf", "api", "id", "utc", "json", "html", "seo",
    "javascript", "embedly", "thesaban", "v2", "v3", "px", "jpg", "png", "gif", "webp", "avif",
    "svg", "heic", "ico", "tsv", "doc", "docx", "xls", "ods", "odt", "zip", "hook", "enter",
    "ascii_snake_case", "from", "to", "slug",
    "django", "admin", "example", "com", "co", "th", "ctrl", "alt", "shift", "esc", "cmd",
    "localhost", "kb", "mb", "gb", "gp", "xml", "jpeg", "zzzz",
}
# fmt: on
# Records that Wagtail's own migrations create with English names: data, not interface text.
# A data migration of the project can rename them; until then they are not counted.
WAGTAIL_DATA = [
    "Welcome to your new Wagtail site!",
    "Moderators approval",
    "Moderators",
    "Editors",
    "Root",
]
# English that no catalogue can fix: Wagtail writes it into a template or derives it from a
# field name, or Django stores it in the database. Reported apart, not counted as a failure.
UPSTREAM = {
    r"^\[aria-label\] Actions$": "hard-coded in wagtailadmin/shared/headers/_actions.html",
    r"^(Password|Link text|Email address|Subject|Body|Phone number|Page)$": (
        "form field without a label"
    ),
    r"^\[button\] Search$": "hard-coded in wagtailadmin/shared/header.html and home.html",
    r"^(Port|Site name|Root page|\[title\] .*'Port'.*)$": "sites listing column without a label",
    r"None$": "None printed by Wagtail: page search header, hidden side panel counter",
    r"^True$": "boolean column without a display value",
    r"^(.* \| )?(Can (add|change|delete|view) .*|Publish any page|Unlock any page|Delete pages with"
    r" children|Lock/unlock pages you've locked)$": "permission names stored in English by Django",
    r"^\d+ content types$": "ContentType plural name from Django's own catalogue",
}
SEEN_ATTRS = {"title", "aria-label", "placeholder", "alt", "aria-description", "data-label"}
VISIBLE_DATA_ATTR = re.compile(r"^data-.*(-label|-text|-message|-content-value|-title)$")
SKIP_TAGS = {"script", "style", "svg", "noscript"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
STRIP = re.compile(
    r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z_+-]+)+|\b[A-Z]{2,4}\d?[A-Z]{0,3}\b|\b[a-z]+\.[a-z]+\b|https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|/[\w\-./?=&%#]+|\{[^}]*\}|%\([^)]*\)\w|\b[\w-]+\.(?:pdf|png|jpg|txt|docx?)\b"
)
TIME_ZONES = zoneinfo.available_timezones() | {"localtime"}
LANGUAGE_NAMES = {"English"}  # a language offered by its own name in the account settings
SKIP_URL = re.compile(
    r"/admin/(logout|jsi18n|sprite|failwhale|test404|dismissibles|editing-sessions)/"
)


class TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.links = []
        self.skip = 0
        self.json_scripts = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/json":
            self._in_json = True
        if tag in SKIP_TAGS:
            self.skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name, value in attrs.items():
            if not value:
                continue
            if name in SEEN_ATTRS or VISIBLE_DATA_ATTR.match(name):
                self.chunks.append((name, value))
            if tag == "input" and name == "value" and attrs.get("type") in {"submit", "button"}:
                self.chunks.append(("button", value))

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag == "script":
            self._in_json = False

    def handle_data(self, data):
        if self._in_json:
            self.json_scripts.append(data)
        elif not self.skip and data.strip():
            self.chunks.append(("", data.strip()))


def english_words(text):
    if text in TIME_ZONES or text in LANGUAGE_NAMES:
        return []
    text = STRIP.sub(" ", text).replace("(alt text)", " ")  # the project's own field label
    for name in WAGTAIL_DATA:
        text = text.replace(name, " ")
    return [w for w in WORD.findall(text) if w.lower().strip("'’") not in ALLOWED]


JSON_TEXT_KEYS = {"label", "title", "text", "description", "heading", "help_text", "footer_text"}


def json_texts(data):
    """(key, text) pairs people see in a JSON script: wagtail-config STRINGS, sidebar labels..."""
    try:
        value = json.loads(data)
    except ValueError:
        return []
    found = []

    def walk(item, key="", visible=False):
        if isinstance(item, dict):
            for name, child in item.items():
                walk(child, name, visible or name == "STRINGS")
        elif isinstance(item, list):
            for child in item:
                walk(child, key, visible)
        elif isinstance(item, str) and (visible or key in JSON_TEXT_KEYS):
            found.append((key, item))

    walk(value)
    return found


def html_of(response):
    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            return ""
        parts = []

        def walk(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key == "html" and isinstance(item, str):
                        parts.append(item)
                    else:
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(data)
        return "\n".join(parts)
    return body if "html" in content_type else ""


def make_fixtures():
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, Page, Workflow

    from thesaban.pages.models import ContentPage, HomePage

    user = get_user_model().objects.create_superuser(
        username="ผู้ดูแล", email="admin@example.com", password="รหัสผ่านทดสอบ"
    )
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="หน้าแรกทดสอบ", slug="home-test"))
    home.save_revision(user=user).publish()
    page = home.add_child(instance=ContentPage(title="ข่าวทดสอบ", slug="test-news"))
    page.save_revision(user=user).publish()
    page.title = "ข่าวทดสอบฉบับแก้"
    page.save_revision(user=user)
    draft = home.add_child(instance=ContentPage(title="ร่างทดสอบ", slug="test-draft", live=False))
    draft.save_revision(user=user)
    workflow = Workflow.objects.filter(active=True).first()
    state = task_state = None
    if workflow:
        state = workflow.start(draft, user)
        task_state = state.current_task_state
    collection = Collection.get_first_root_node().add_child(name="คอลเลกชันทดสอบ")
    document = get_document_model().objects.create(
        title="เอกสารทดสอบ",
        file=ContentFile(b"%PDF-1.4 test", name="test.pdf"),
        collection=collection,
    )
    image = get_image_model().objects.create(title="รูปทดสอบ", file=get_test_image_file())
    return locals()


def seed_urls(f):
    home, page, draft = f["home"].pk, f["page"].pk, f["draft"].pk
    revision = f["page"].latest_revision.pk
    doc, img, coll = f["document"].pk, f["image"].pk, f["collection"].pk
    doc_model = "{0.app_label}/{0.model_name}".format(f["document"]._meta)
    img_model = "{0.app_label}/{0.model_name}".format(f["image"]._meta)
    urls = [
        "/admin/",
        f"/admin/pages/{home}/",
        f"/admin/pages/{page}/edit/",
        f"/admin/pages/{draft}/edit/",
        "/admin/pages/search/?q=ข่าว",
        f"/admin/pages/{home}/?q=zzzz",
        f"/admin/pages/{home}/add_subpage/",
        f"/admin/pages/add/pages/contentpage/{home}/",
        f"/admin/pages/{page}/history/",
        f"/admin/pages/{page}/revisions/compare/earliest...latest/",
        f"/admin/pages/{page}/revisions/{revision}/view/",
        f"/admin/pages/{page}/revisions/{revision}/revert/",
        f"/admin/pages/{page}/delete/",
        f"/admin/pages/{page}/move/",
        f"/admin/pages/{page}/copy/",
        f"/admin/pages/{page}/unpublish/",
        f"/admin/pages/{page}/privacy/",
        f"/admin/pages/{page}/usage/",
        f"/admin/pages/{page}/move/{f['home'].get_parent().pk}/confirm/",
        f"/admin/pages/workflow/confirm_cancellation/{draft}/",
        f"/admin/pages/{draft}/workflow_history/",
        f"/admin/bulk/wagtailcore/page/delete/?id={page}&id={draft}",
        f"/admin/bulk/wagtailcore/page/publish/?id={draft}",
        f"/admin/bulk/wagtailcore/page/unpublish/?id={page}",
        f"/admin/bulk/wagtailcore/page/move/?id={page}",
        "/admin/choose-page/",
        f"/admin/choose-page/{home}/",
        "/admin/choose-page/search/?q=ข่าว",
        "/admin/choose-external-link/",
        "/admin/choose-email-link/",
        "/admin/choose-phone-link/",
        "/admin/choose-anchor-link/",
        "/admin/account/",
        "/admin/workflows/list/",
        "/admin/workflows/tasks/index/",
        "/admin/workflows/add/",
        "/admin/workflows/tasks/select_type/",
        "/admin/workflows/tasks/add/wagtailcore/groupapprovaltask/",
        "/admin/workflows/task_chooser/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
        "/admin/reports/site-history/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/page-types-usage/",
        "/admin/documents/",
        "/admin/documents/?q=zzzz",
        "/admin/documents/add/",
        "/admin/documents/multiple/add/",
        f"/admin/documents/edit/{doc}/",
        f"/admin/documents/delete/{doc}/",
        f"/admin/documents/usage/{doc}/",
        "/admin/documents/chooser/",
        "/admin/documents/chooser/results/?q=zzzz",
        f"/admin/bulk/{doc_model}/delete/?id={doc}",
        f"/admin/bulk/{doc_model}/add_tags/?id={doc}",
        f"/admin/bulk/{doc_model}/add_to_collection/?id={doc}",
        "/admin/collections/",
        "/admin/collections/add/",
        f"/admin/collections/{coll}/",
        f"/admin/collections/{coll}/delete/",
        f"/admin/collections/{coll}/privacy/",
        "/admin/images/",
        "/admin/images/add/",
        "/admin/images/multiple/add/",
        f"/admin/images/{img}/",
        f"/admin/images/{img}/delete/",
        "/admin/images/chooser/",
        f"/admin/images/chooser/{img}/select_format/",
        f"/admin/bulk/{img_model}/delete/?id={img}",
        f"/admin/bulk/{img_model}/add_tags/?id={img}",
        "/admin/snippets/",
        "/admin/sites/",
        "/admin/redirects/",
        "/admin/redirects/add/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/users/new/",
        "/admin/groups/new/",
        f"/admin/bulk/auth/user/set_active_state/?id={f['user'].pk}",
    ]
    if f["task_state"]:
        ts = f["task_state"].pk
        for action in ("approve", "reject"):
            urls.append(f"/admin/pages/workflow/collect_action_data/{draft}/{action}/{ts}/")
        urls.append(f"/admin/pages/workflow/preview/{draft}/{f['task_state'].task_id}/")
    return urls


def crawl(client, seeds, limit):
    seen, queue, found = set(), list(seeds), defaultdict(set)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or SKIP_URL.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code >= 400 and response.status_code != 404:
            found[f"<HTTP {response.status_code}>"].add(url)
        html = html_of(response)
        if not html:
            continue
        parser = TextCollector()
        parser.feed(html)
        for where, chunk in parser.chunks:
            if english_words(chunk):
                label = f"[{where}] " if where else ""
                found[label + re.sub(r"\s+", " ", chunk)[:160]].add(url)
        for data in parser.json_scripts:
            for key, value in json_texts(data):
                if english_words(value):
                    found[f"[json {key}] {value[:160]}"].add(url)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/admin/") or "/bulk/" in parts.path:
                continue
            path = parts.path
            if path not in seen and path not in queue:
                queue.append(path)
    return seen, found


def js_catalog_untranslated(client):
    response = client.get("/admin/jsi18n/")
    body = response.content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    wagtail_en = (
        Path(__import__("wagtail").__file__).parent / "admin/locale/en/LC_MESSAGES/djangojs.po"
    )
    msgids = re.findall(r'^msgid "(.+)"$', wagtail_en.read_text(), re.M)
    msgids = [m.replace('\\"', '"').replace("\\n", "\n") for m in msgids]
    return [m for m in msgids if m not in catalog]


def main():
    import django

    django.setup()
    from django.test import Client, override_settings
    from django.test.runner import DiscoverRunner
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import translation

    from thesaban.accounts.testing import log_in

    show_urls = "--all-urls" in sys.argv
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old_config = runner.setup_databases(serialized_aliases=set())
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            translation.activate("th")
            fixtures = make_fixtures()
            anonymous = Client()
            _, found_anon = crawl(anonymous, ["/admin/login/", "/admin/password_reset/"], 10)
            client = Client()
            log_in(client, fixtures["user"])
            seen, found = crawl(client, seed_urls(fixtures), limit=400)
            for key, urls in found_anon.items():
                found[key] |= urls
            missing_js = js_catalog_untranslated(client)
    finally:
        runner.teardown_databases(old_config)
        teardown_test_environment()

    if show_urls:
        print("\n".join(sorted(seen)))
    print(f"Fetched {len(seen)} admin URLs.")
    for text, urls in sorted(found.items(), key=lambda item: (-len(item[1]), item[0])):
        if any(re.search(pattern, text) for pattern in UPSTREAM):
            continue
        print(f"{text!r}\n    {len(urls)} URL(s), e.g. {sorted(urls)[0]}")
    upstream = {
        text: reason
        for text in found
        for pattern, reason in UPSTREAM.items()
        if re.search(pattern, text)
    }
    if upstream:
        print("\nNot fixable in the catalogue (Wagtail or Django code, or database records):")
        for text, reason in sorted(upstream.items()):
            print(f"  {text!r}: {reason}")
    left = len(found) - len(upstream)
    print(f"{left} fragments with English left, {len(upstream)} known upstream ones.")
    if missing_js:
        print("Untranslated in the JavaScript catalogue:", *missing_js, sep="\n  ")
    return 1 if left or missing_js else 0


if __name__ == "__main__":
    sys.exit(main())
