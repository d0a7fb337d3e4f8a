"""A page is found by its address in one query, whatever type of page holds the address."""

from django.test import TestCase
from wagtail.models import Page

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import clear_page_cache
from thesaban.pages.models import ContentPage, LinkPage
from thesaban.pages.services import ensure_site_structure


class RoutingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = ensure_site_structure()
        MunicipalitySettings.for_site(home.get_site())  # exists on a real site
        cls.general = Page.objects.get(url_path="/home/general/")

    def setUp(self):
        clear_page_cache()
        self.client.cookies["sessionid"] = "not-a-session"  # rendered every time

    def test_a_page_seen_before_costs_one_query(self):
        """Its type is known from the first visit, everything else around it is cached."""
        page = self.general.add_child(instance=ContentPage(title="ประวัติ", slug="story"))
        self.assertContains(self.client.get(page.url), "ประวัติ")
        with self.assertNumQueries(1):
            self.assertContains(self.client.get(page.url), "ประวัติ")

    def test_an_address_taken_over_by_another_type_of_page_serves_the_new_page(self):
        """The type remembered for an address is only a guess, checked by the lookup itself."""
        old = self.general.add_child(instance=ContentPage(title="หน้าเดิม", slug="moved"))
        self.assertContains(self.client.get("/general/moved/"), "หน้าเดิม")
        old.delete()
        self.general.add_child(
            instance=LinkPage(title="ลิงก์ใหม่", slug="moved", link_url="https://new.example/")
        )
        response = self.client.get("/general/moved/")
        self.assertRedirects(response, "https://new.example/", fetch_redirect_response=False)

    def test_an_address_given_up_answers_not_found(self):
        page = self.general.add_child(instance=ContentPage(title="หน้าชั่วคราว", slug="gone"))
        self.assertEqual(self.client.get(page.url).status_code, 200)
        page.delete()
        self.assertEqual(self.client.get("/general/gone/").status_code, 404)
        self.assertEqual(self.client.get("/general/never-was/").status_code, 404)
