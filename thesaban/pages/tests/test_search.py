"""Every search box answers what a person (or a web scanner) types, and still finds by a word.

Until the Thai search issue, search is Wagtail's database backend, given only the words of a
query (`core.search_backend`). A double quote used to be an FTS5 syntax error on SQLite: a 500
on the public search and in every admin listing and chooser that searches pages, documents,
images or people.
"""

import datetime
import json

from django.contrib.auth import get_user_model
from django.test import TestCase
from wagtail.models import Page

from thesaban.accounts.testing import log_in
from thesaban.pages.models import NewsPage
from thesaban.pages.services import ensure_site_structure

from .factories import DivisionFactory, PersonFactory, SiteDocumentFactory, SiteImageFactory

# What a web scanner sent, and the query syntax of SQLite FTS5 and PostgreSQL's tsquery.
HOSTILE_QUERIES = [
    '"><ScRiPt>alert(1)</sCrIpT>',
    "default¿'\"(",
    'a"b',
    '""',
    "(",
    "a*",
    "-",
    "NEAR(a b, 2)",
    "a AND NOT b",
    "OR b",
    "title:a",
    "a & !b | c",
    "it's",
    "50%",
    "่",  # a Thai tone mark alone
]

# Search boxes that query Wagtail's search backend, with a word of what each should find.
BACKEND_SEARCH_BOXES = {
    "/search/": "กิจกรรมปลูกต้นไม้",
    "/admin/pages/search/": "กิจกรรมปลูกต้นไม้",
    "/admin/choose-page/search/": "กิจกรรมปลูกต้นไม้",
    "/admin/documents/": "แผนที่ชุมชน",
    "/admin/documents/chooser/results/": "แผนที่ชุมชน",
    "/admin/images/": "สะพานไม้",
    "/admin/images/chooser/results/": "สะพานไม้",
    "/admin/snippets/pages/person/": "สมศรี",
    "/admin/snippets/choose/pages/person/results/": "สมศรี",
}

# Admin search boxes that filter with the database's `icontains` instead.
ORM_SEARCH_BOXES = [
    "/admin/users/",
    "/admin/groups/",
    "/admin/holidays/",
    "/admin/freshness-rules/",
    "/admin/reports/problems/",
    "/admin/redirects/",
    "/admin/forms/",
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/workflows/task_chooser/results/",
]


def shown_text(response) -> str:
    """The response's text; choosers answer JSON with the HTML inside."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(json.loads(response.content), ensure_ascii=False)
    return response.content.decode()


class SearchBoxTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = ensure_site_structure()
        activities = Page.objects.get(url_path=f"{home.url_path}news/activities/")
        activities.add_child(
            instance=NewsPage(title="กิจกรรมปลูกต้นไม้", date=datetime.date(2025, 3, 29))
        )
        SiteDocumentFactory(title="แผนที่ชุมชน")
        SiteImageFactory(title="สะพานไม้")
        PersonFactory(name="นางสมศรี ใจงาม")
        DivisionFactory()  # the problem register opens once there is a division
        cls.superuser = get_user_model().objects.create_superuser(
            "root", "root@example.go.th", "unused"
        )

    def setUp(self):
        log_in(self.client, self.superuser)

    def test_every_search_box_answers_any_query(self):
        """Quotes, brackets, operators and lone marks: a page of results, never a 500."""
        for url in [*BACKEND_SEARCH_BOXES, *ORM_SEARCH_BOXES]:
            for query in HOSTILE_QUERIES:
                with self.subTest(url=url, query=query):
                    response = self.client.get(url, {"q": query})
                    self.assertEqual(response.status_code, 200)

    def test_a_word_still_finds_its_item_in_every_box(self):
        """The word alone, or wrapped in what a person might type around it."""
        for url, word in BACKEND_SEARCH_BOXES.items():
            for query in (word, f'"{word}"', f"({word})", f"{word}*", f"-{word}", f'{word}"'):
                with self.subTest(url=url, query=query):
                    response = self.client.get(url, {"q": query})
                    self.assertEqual(response.status_code, 200)
                    self.assertIn(word, shown_text(response))

    def test_the_public_search_shows_no_result_for_a_query_of_no_words(self):
        response = self.client.get("/search/", {"q": '"><"'})
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "กิจกรรมปลูกต้นไม้")
        # Shown back escaped, never as markup.
        self.assertNotContains(response, '"><"')
