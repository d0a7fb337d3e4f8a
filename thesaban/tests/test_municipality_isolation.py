"""Two municipalities on one install, built alike: nothing of B reaches A's staff.

Both are set up the same way (same titles, slugs and division names); B's records carry a
marker string. Every admin URL pattern is requested by A's staff with B's ids in place of
each argument: no answer may show B's marker, and POSTing to each changes nothing of B.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

from thesaban.accounts.models import Division
from thesaban.accounts.services import role_group, site_collection
from thesaban.accounts.testing import log_in
from thesaban.core.models import MunicipalitySettings, SiteDocument
from thesaban.monitoring.models import CheckRun, Finding, FreshnessRule
from thesaban.pages.models import NewsIndexPage, NewsPage, Person
from thesaban.pages.services import create_municipality, setup_municipality
from thesaban.pages.tests.factories import SiteImageFactory
from thesaban.reports.models import AnnualReport, ProblemReport

# Latin letters too: text pulled out of a PDF or a spreadsheet keeps them whatever happens to
# Thai marks.
MARKER = "ลับเฉพาะเทศบาลบี Bmarker7Q"
LATIN_MARKER = "Bmarker7Q"
B_HOST = "b.example.go.th"


def admin_patterns() -> Iterator[tuple[str, str, URLPattern]]:
    """(route, name, pattern) of every URL under /admin/ and /django-admin/."""

    def walk(resolver: URLResolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            else:
                yield prefix + str(entry.pattern), f"{namespace}:{entry.name}", entry

    for route, name, entry in walk(get_resolver(), "", ""):
        if route.startswith(("admin/", "django-admin/")):
            yield route, name, entry


def readable_text(response) -> str:
    """The text of an answer: HTML, CSV, or what an XLSX or a PDF holds."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")


ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


class MunicipalityIsolationTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.site_a = setup_municipality(name="เทศบาลเมืองเอ", url="https://a.example.go.th")
        cls.site_b = create_municipality(name=f"เทศบาลเมืองบี {MARKER}", url=f"https://{B_HOST}")
        users = get_user_model().objects
        # A's most trusted account: every role of A at once.
        cls.a_staff = users.create_user("a-staff", password="x", first_name="เอ")
        finance_a = Division.objects.get(site=cls.site_a, code="finance")
        cls.a_staff.groups.add(
            *(role_group(cls.site_a, role) for role in ("web_operator", "it_administrator")),
            role_group(cls.site_a, "grant_confirmer"),
            finance_a.preparers,
            finance_a.supervisors,
        )
        cls.make_b_records()
        cls.b_fingerprint = cls.fingerprint_of_b()

    @classmethod
    def make_b_records(cls):
        site = cls.site_b
        users = get_user_model().objects
        finance = Division.objects.get(site=site, code="finance")
        cls.b_preparer = users.create_user("b-preparer", password="x", first_name=MARKER)
        cls.b_preparer.groups.add(finance.preparers)
        cls.b_operator = users.create_user("b-operator", password="x", last_name=MARKER)
        cls.b_operator.groups.add(role_group(site, "web_operator"))
        procurement = (
            NewsIndexPage.objects.descendant_of(site.root_page).get(slug="procurement").specific
        )
        cls.b_news = procurement.add_child(
            instance=NewsPage(title=f"ประกาศ {MARKER}", summary=MARKER, owner=cls.b_preparer)
        )
        cls.b_news.save_revision(user=cls.b_preparer).publish()
        cls.b_draft = procurement.add_child(
            instance=NewsPage(title=f"ร่าง {MARKER}", summary=MARKER, live=False)
        )
        cls.b_draft.save_revision(user=cls.b_preparer)
        cls.b_workflow_state = cls.b_draft.get_workflow().start(cls.b_draft, cls.b_preparer)
        cls.b_task_state = TaskState.objects.get(workflow_state=cls.b_workflow_state)
        cls.b_person = Person.objects.create(
            site=site, name=f"บุคคล {MARKER}", position="ปลัด", group="executive", live=True
        )
        collection = site_collection(site)
        cls.b_document = SiteDocument.objects.create(
            title=f"เอกสาร {MARKER}",
            file=ContentFile(b"%PDF-1.4 b", name="b.pdf"),
            collection=collection,
        )
        cls.b_image = SiteImageFactory(title=f"ภาพ {MARKER}", collection=collection)
        cls.b_run = CheckRun.objects.create(site=site, status=CheckRun.Status.FINISHED)
        cls.b_finding = Finding.objects.create(
            site=site,
            fingerprint="b-finding",
            kind=Finding.Kind.BROKEN_LINK,
            severity=Finding.Severity.HIGH,
            page=cls.b_news,
            division=finance,
            target_url=f"https://{B_HOST}/missing",
            detail=MARKER,
            first_seen_at=timezone.now(),
            last_seen_at=timezone.now(),
            last_seen_run=cls.b_run,
        )
        cls.b_rule = FreshnessRule.objects.create(site=site, name=f"เกณฑ์ {MARKER}")
        cls.b_problem = ProblemReport.objects.create(
            site=site, division=finance, kind="problem", text=MARKER
        )
        cls.b_report = AnnualReport.objects.create(site=site, fiscal_year=2569, problems=MARKER)
        settings = MunicipalitySettings.for_site(site)
        settings.address = MARKER
        settings.save()

    @classmethod
    def fingerprint_of_b(cls) -> dict[str, object]:
        """What B has, to compare after A's staff tried everything."""
        site = cls.site_b
        pages = Page.objects.descendant_of(site.root_page, inclusive=True)
        return {
            "pages": sorted(pages.values_list("pk", "title", "live", "path", "locked")),
            "revisions": sorted(
                (page.pk, page.latest_revision_id) for page in pages.only("latest_revision")
            ),
            "workflows": sorted(
                WorkflowState.objects.filter(
                    base_content_type__isnull=False, object_id=str(cls.b_draft.pk)
                ).values_list("pk", "status")
            ),
            "people": sorted(Person.objects.filter(site=site).values_list("pk", "name", "live")),
            "divisions": sorted(
                Division.objects.filter(site=site).values_list("pk", "name", "is_active")
            ),
            "documents": sorted(SiteDocument.objects.values_list("pk", "title")),
            "findings": sorted(
                Finding.objects.filter(site=site).values_list("pk", "status", "detail")
            ),
            "rules": sorted(FreshnessRule.objects.filter(site=site).values_list("pk", "name")),
            "problems": sorted(ProblemReport.objects.filter(site=site).values_list("pk", "text")),
            "reports": sorted(
                AnnualReport.objects.filter(site=site).values_list("pk", "status", "problems")
            ),
            "users": sorted(
                get_user_model()
                .objects.filter(staff_membership__site=site)
                .values_list("pk", "username", "is_active", "password")
            ),
            "groups": sorted(
                (user.pk, sorted(user.groups.values_list("pk", flat=True)))
                for user in get_user_model().objects.filter(staff_membership__site=site)
            ),
            "settings": MunicipalitySettings.for_site(site).address,
            "site": (site.hostname, site.port, site.root_page_id),
        }

    def b_ids(self) -> dict[str, list[object]]:
        """Candidate values of B for each kind of URL argument."""
        pages = [self.b_news.pk, self.b_draft.pk, self.site_b.root_page_id]
        everything = sorted(
            {
                *pages,
                self.b_person.pk,
                self.b_document.pk,
                self.b_image.pk,
                self.b_finding.pk,
                self.b_rule.pk,
                self.b_problem.pk,
                self.b_report.pk,
                self.b_run.pk,
                self.b_preparer.pk,
                self.b_operator.pk,
                self.site_b.pk,
                *Division.objects.filter(site=self.site_b).values_list("pk", flat=True)[:2],
                *[
                    group
                    for division in Division.objects.filter(site=self.site_b)[:1]
                    for group in (division.preparers_id, division.supervisors_id)
                ],
            }
        )
        revision = self.b_news.latest_revision_id
        return {
            "page_id": pages,
            "parent_page_id": pages,
            "page_to_move_id": pages,
            "page_pk": pages,
            "destination_id": pages,
            "image_id": [self.b_image.pk],
            "document_id": [self.b_document.pk],
            "doc_id": [self.b_document.pk],
            "revision_id": [revision],
            "revision_id_a": [revision],
            "revision_id_b": [revision],
            "task_state_id": [self.b_task_state.pk],
            "workflow_state_id": [self.b_workflow_state.pk],
            "finding_id": [self.b_finding.pk],
            "fiscal_year": [2569],
            "site_pk": [self.site_b.pk],
            "pk": everything,
            "object_id": everything,
            "id": everything,
        }

    def urls_with_b_ids(self) -> Iterator[str]:
        ids = self.b_ids()
        for route, _name, _entry in admin_patterns():
            arguments = [a or b for _converter, a, b in ARGUMENT.findall(route)]
            if not arguments:
                continue
            if any(argument not in ids for argument in arguments):
                continue
            # One argument varies over B's candidates, the others take their first.
            varying = arguments[0]
            for value in ids[varying]:
                values = {argument: ids[argument][0] for argument in arguments}
                values[varying] = value
                path = route
                for argument, given in values.items():
                    path = re.sub(rf"<(?:\w+:)?{argument}>", str(given), path)
                    path = re.sub(rf"\(\?P<{argument}>[^)]*\)", str(given), path)
                yield "/" + path.lstrip("^").rstrip("$")

    def shows_b(self, response) -> bool:
        if response.status_code != 200:
            return False
        body = readable_text(response)
        return LATIN_MARKER in body or B_HOST in body

    def test_every_admin_url_with_b_ids_shows_and_changes_nothing_of_b(self):
        log_in(self.client, self.a_staff)
        self.client.raise_request_exception = False
        leaks, errors = [], []
        for url in self.urls_with_b_ids():
            response = self.client.get(url)
            if self.shows_b(response):
                leaks.append(url)
            if response.status_code >= 500:
                errors.append(url)
            self.client.post(url, {})
        self.assertEqual(leaks, [], "admin URLs that show B's records to A's staff")
        self.assertEqual(self.fingerprint_of_b(), self.b_fingerprint)
        self.assertEqual(errors, [], "admin URLs that fail with B's ids")

    def test_every_admin_url_without_arguments_shows_nothing_of_b(self):
        log_in(self.client, self.a_staff)
        self.client.raise_request_exception = False
        leaks = []
        for route, _name, _entry in admin_patterns():
            if ARGUMENT.search(route):
                continue
            url = "/" + route.lstrip("^").rstrip("$")
            # No query holds the Latin marker: a page that repeats the query is no leak.
            for query in (
                {},
                {"q": "ประกาศ"},
                {"q": "ลับเฉพาะ"},
                {"export": "csv"},
                {"export": "xlsx"},
            ):
                if self.shows_b(self.client.get(url, query)):
                    leaks.append(f"{url}?{query}")
        self.assertEqual(leaks, [], "admin URLs that show B's records to A's staff")

    def test_a_public_site_shows_nothing_of_b(self):
        host = {"HTTP_HOST": "a.example.go.th", "secure": True}
        pages = Page.objects.live().public().descendant_of(self.site_a.root_page, inclusive=True)
        leaks = []
        for page in pages.specific():
            url = page.get_url() or ""
            response = self.client.get(url, **host)
            self.assertIn(response.status_code, (200, 301, 302), url)
            if self.shows_b(response):
                leaks.append(url)
        for url, query in (
            ("/search/", {"q": "ประกาศ"}),
            ("/search/", {"q": "ลับเฉพาะ"}),
            ("/sitemap.xml", {}),
            ("/robots.txt", {}),
        ):
            if self.shows_b(self.client.get(url, query, **host)):
                leaks.append(f"{url}?{query}")
        self.assertEqual(leaks, [], "A's public pages that show B's records")
        # B's own news is found on B's site, so the search above was no empty test.
        found = self.client.get("/search/", {"q": "ประกาศ"}, HTTP_HOST=B_HOST, secure=True)
        self.assertContains(found, LATIN_MARKER)

    def test_a_own_screens_name_nothing_of_b(self):
        """A's own settings, account, pages and dashboard: no switcher or list names B."""
        log_in(self.client, self.a_staff)
        home_a = self.site_a.root_page
        news_a = NewsIndexPage.objects.descendant_of(home_a).get(slug="procurement")
        urls = [
            "/admin/",
            f"/admin/settings/core/municipalitysettings/{self.site_a.pk}/",
            f"/admin/users/edit/{self.a_staff.pk}/",
            f"/admin/pages/{home_a.pk}/",
            f"/admin/pages/{home_a.pk}/edit/",
            f"/admin/pages/{news_a.pk}/",
            f"/admin/pages/add/pages/newspage/{news_a.pk}/",
            "/admin/choose-page/1/",
        ]
        leaks = [url for url in urls if self.shows_b(self.client.get(url, follow=True))]
        self.assertEqual(leaks, [], "A's own screens that name B")
