"""`Division.objects.owners_of`: the owner of many pages at once, as `owning` finds it for one."""

from django.test import TestCase
from wagtail.models import Page, Site

from thesaban.accounts.models import Division


class OwnersOfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        def child(parent: Page, slug: str) -> Page:
            return parent.add_child(instance=Page(title=slug, slug=slug))

        root = Page.get_first_root_node()
        cls.home = child(root, "owners-home")
        cls.news = child(cls.home, "news")
        cls.procurement = child(cls.news, "procurement")
        cls.notice = child(cls.procurement, "notice")
        cls.results = child(cls.procurement, "results")
        cls.result = child(cls.results, "result")
        cls.elsewhere = child(root, "elsewhere")
        cls.office = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="สำนักปลัดเทศบาล", code="office"
        )
        cls.finance = Division.objects.create(
            site=Site.objects.get(is_default_site=True), name="กองคลัง", code="finance"
        )
        cls.works = Division.objects.create(
            site=Site.objects.get(is_default_site=True),
            name="กองช่าง",
            code="works",
            is_active=False,
        )
        # Nested sections: the office owns the site, finance the procurement news in it, and
        # the (inactive) works division the results inside finance's section.
        cls.office.sections.add(cls.home)
        cls.finance.sections.add(cls.procurement)
        cls.works.sections.add(cls.results)
        cls.pages = [
            cls.home,
            cls.news,
            cls.procurement,
            cls.notice,
            cls.results,
            cls.result,
            cls.elsewhere,
        ]

    def test_the_nearest_owned_ancestor_or_self_wins(self):
        with self.assertNumQueries(1):
            owners = Division.objects.owners_of(self.pages)
        self.assertEqual(
            owners,
            {
                self.home.pk: self.office,
                self.news.pk: self.office,
                self.procurement.pk: self.finance,
                self.notice.pk: self.finance,
                self.results.pk: self.works,
                self.result.pk: self.works,
                self.elsewhere.pk: None,
            },
        )

    def test_it_agrees_with_owning_page_by_page_for_any_set_of_divisions(self):
        for divisions in (Division.objects.all(), Division.objects.active()):
            owners = divisions.owners_of(self.pages)
            for page in self.pages:
                with self.subTest(divisions=divisions.query.where, page=page.slug):
                    self.assertEqual(owners[page.pk], divisions.owning(page))
        # Without the inactive division, its section falls back to the next one up.
        active_owners = Division.objects.active().owners_of([self.result])
        self.assertEqual(active_owners[self.result.pk], self.finance)

    def test_a_queryset_of_pages_costs_one_more_query_whatever_its_size(self):
        with self.assertNumQueries(2):
            owners = Division.objects.owners_of(
                Page.objects.filter(pk__in=[page.pk for page in self.pages]).only("path")
            )
        self.assertEqual(len(owners), len(self.pages))
        with self.assertNumQueries(0):
            self.assertEqual(Division.objects.owners_of([]), {})
