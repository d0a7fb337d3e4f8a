"""The division screen (Settings → ส่วนราชการ): the IT administrator keeps their municipality's
divisions, their sections and sees who holds which role; never another municipality's."""

from django.contrib.auth.models import Group
from django.test import TestCase
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry

from thesaban.accounts import services
from thesaban.accounts.models import Division
from thesaban.accounts.testing import log_in

from .factories import UserFactory, municipality, role_groups, section

OWNS_SECTIONS = "กรุณาโอนส่วนของเว็บไซต์ให้ส่วนราชการอื่นก่อน"
HAS_PEOPLE = "กรุณาถอนบทบาทของบุคคลเหล่านี้ในหน้าผู้ใช้ก่อน"


def division_data(division: Division, **changes) -> dict:
    data = {
        "name": division.name,
        "code": division.code,
        "sort_order": division.sort_order,
        "sections": [page.pk for page in division.sections.all()],
    }
    if division.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class DivisionScreenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = municipality()
        cls.other_site = municipality("b.example.go.th")
        cls.groups = role_groups(cls.site)
        cls.procurement = section(cls.site)
        cls.news = section(cls.site, "news")
        # The other municipality has the same pages and a กองคลัง of its own.
        cls.other_procurement = section(cls.other_site)
        cls.finance = Division.objects.create(site=cls.site, name="กองคลัง", code="finance")
        cls.finance.sections.add(cls.procurement)
        cls.office = Division.objects.create(site=cls.site, name="สำนักปลัด", code="office")
        cls.other_finance = Division.objects.create(
            site=cls.other_site, name="กองคลัง", code="finance"
        )
        cls.other_finance.sections.add(cls.other_procurement)
        cls.itadmin = UserFactory(username="itadmin", groups=[cls.groups["it_administrator"]])

    def setUp(self):
        for division in (self.finance, self.office, self.other_finance):
            division.refresh_from_db()
        log_in(self.client, self.itadmin)

    def edit(self, division, **changes):
        url = reverse("divisions:edit", args=[division.pk])
        return self.client.post(url, division_data(division, **changes))

    def test_creates_a_division_of_its_own_municipality_with_a_section(self):
        response = self.client.post(
            reverse("divisions:add"),
            {
                "name": "กองช่าง",
                "code": "engineering",
                "sort_order": 3,
                "is_active": "on",
                "sections": [self.news.pk],
            },
        )
        self.assertRedirects(response, reverse("divisions:index"))
        division = Division.objects.get(site=self.site, code="engineering")
        self.assertEqual(list(division.sections.all()), [self.news])
        self.assertEqual(division.preparers.name, "กองช่าง · ผู้จัดทำข้อมูล (localhost)")
        self.assertTrue(
            GroupPagePermission.objects.filter(group=division.preparers, page=self.news).exists()
        )

    def test_the_same_name_as_another_municipality_s_division_is_fine_but_not_twice_in_one(self):
        self.assertEqual(self.other_finance.name, "กองคลัง")
        response = self.client.post(
            reverse("divisions:add"),
            {"name": "กองคลัง", "code": "finance-2", "sort_order": 0, "is_active": "on"},
        )
        self.assertContains(response, "เทศบาลนี้มีส่วนราชการชื่อ “กองคลัง” อยู่แล้ว")
        self.assertEqual(Division.objects.filter(site=self.site, name="กองคลัง").count(), 1)

    def test_renaming_renames_its_groups(self):
        self.assertRedirects(self.edit(self.finance, name="กองการคลัง"), reverse("divisions:index"))
        self.finance.refresh_from_db()
        self.assertEqual(self.finance.name, "กองการคลัง")
        self.assertEqual(
            set(
                Group.objects.filter(
                    pk__in=[self.finance.preparers_id, self.finance.supervisors_id]
                ).values_list("name", flat=True)
            ),
            {"กองการคลัง · ผู้จัดทำข้อมูล (localhost)", "กองการคลัง · ผู้บังคับบัญชา (localhost)"},
        )

    def test_offers_the_sections_of_its_own_site_only(self):
        form = self.client.get(reverse("divisions:edit", args=[self.office.pk]))
        self.assertContains(form, f'value="{self.procurement.pk}"')
        self.assertContains(form, "ข่าวสาร › ข่าวจัดซื้อจัดจ้าง (ปัจจุบัน: กองคลัง)")
        self.assertNotContains(form, f'value="{self.other_procurement.pk}"')
        response = self.edit(self.office, sections=[self.other_procurement.pk])
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.office.sections.exists())

    def test_a_section_must_be_of_the_division_s_site(self):
        with self.assertRaisesMessage(Exception, "ต้องอยู่ในเว็บไซต์ของเทศบาลเดียวกับส่วนราชการ"):
            services.check_sections_in_site(site=self.site, sections=[self.other_procurement])

    def test_deactivating_is_refused_while_it_owns_sections(self):
        response = self.edit(self.finance, is_active=None)
        self.assertContains(response, OWNS_SECTIONS)
        self.assertContains(response, "ข่าวจัดซื้อจัดจ้าง")
        self.finance.refresh_from_db()
        self.assertTrue(self.finance.is_active)
        # Nor by taking the sections away and deactivating in the same save.
        response = self.edit(self.finance, is_active=None, sections=[])
        self.assertContains(response, OWNS_SECTIONS)
        self.assertEqual(list(self.finance.sections.all()), [self.procurement])

    def test_deactivating_is_refused_while_anyone_holds_a_role_in_it(self):
        UserFactory(username="somsri", groups=[self.office.preparers])
        response = self.edit(self.office, is_active=None)
        self.assertContains(response, HAS_PEOPLE)
        self.assertContains(response, "somsri")
        self.office.refresh_from_db()
        self.assertTrue(self.office.is_active)

    def test_after_handing_its_sections_over_it_can_be_deactivated(self):
        url = reverse("divisions:hand_over", args=[self.finance.pk])
        self.assertContains(self.client.get(url), "ข่าวสาร › ข่าวจัดซื้อจัดจ้าง")
        response = self.client.post(
            url, {"target": self.office.pk, "sections": [self.procurement.pk]}
        )
        self.assertRedirects(response, reverse("divisions:edit", args=[self.finance.pk]))
        self.assertEqual(list(self.office.sections.all()), [self.procurement])
        self.assertFalse(self.finance.sections.exists())
        self.assertEqual(Division.objects.owning(self.procurement), self.office)
        # The rights went with the section.
        self.assertTrue(
            GroupPagePermission.objects.filter(
                group=self.office.preparers, page=self.procurement
            ).exists()
        )
        self.assertFalse(GroupPagePermission.objects.filter(group=self.finance.preparers).exists())
        self.assertTrue(
            ModelLogEntry.objects.filter(
                action=services.DIVISION_SECTIONS_HANDED_OVER, object_id=str(self.finance.pk)
            ).exists()
        )
        self.finance.refresh_from_db()
        self.assertRedirects(self.edit(self.finance, is_active=None), reverse("divisions:index"))
        self.finance.refresh_from_db()
        self.assertFalse(self.finance.is_active)

    def test_cannot_hand_sections_to_another_municipality_s_division(self):
        url = reverse("divisions:hand_over", args=[self.finance.pk])
        response = self.client.post(
            url, {"target": self.other_finance.pk, "sections": [self.procurement.pk]}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(self.finance.sections.all()), [self.procurement])
        self.assertEqual(list(self.other_finance.sections.all()), [self.other_procurement])

    def test_shows_who_holds_which_role(self):
        UserFactory(
            username="somsri", first_name="สมศรี", last_name="ใจดี", groups=[self.finance.preparers]
        )
        UserFactory(
            username="somchai",
            first_name="สมชาย",
            last_name="รักงาน",
            groups=[self.finance.supervisors],
        )
        page = self.client.get(reverse("divisions:edit", args=[self.finance.pk]))
        self.assertContains(page, "ผู้จัดทำข้อมูล (1)")
        self.assertContains(page, "สมศรี ใจดี")
        self.assertContains(page, "ชื่อผู้ใช้ somsri")
        self.assertContains(page, "ผู้บังคับบัญชา (1)")
        self.assertContains(page, "ชื่อผู้ใช้ somchai")
        listing = self.client.get(reverse("divisions:index"))
        self.assertContains(listing, "กองคลัง")

    def test_sees_and_touches_nothing_of_another_municipality(self):
        listing = self.client.get(reverse("divisions:index"))
        self.assertContains(listing, reverse("divisions:edit", args=[self.finance.pk]))
        self.assertNotContains(listing, reverse("divisions:edit", args=[self.other_finance.pk]))
        self.assertNotContains(listing, "b.example.go.th")
        for name in ("edit", "hand_over", "history"):
            url = reverse(f"divisions:{name}", args=[self.other_finance.pk])
            self.assertEqual(self.client.get(url).status_code, 404, name)
        self.edit(self.other_finance, name="ถูกแก้โดยเทศบาลอื่น", is_active=None)
        self.client.post(
            reverse("divisions:hand_over", args=[self.other_finance.pk]),
            {"target": self.finance.pk, "sections": [self.other_procurement.pk]},
        )
        self.other_finance.refresh_from_db()
        self.assertEqual(self.other_finance.name, "กองคลัง")
        self.assertTrue(self.other_finance.is_active)
        self.assertEqual(list(self.other_finance.sections.all()), [self.other_procurement])

    def test_nobody_deletes_a_division(self):
        url = reverse("divisions:delete", args=[self.office.pk])
        self.client.post(url)
        self.assertTrue(Division.objects.filter(pk=self.office.pk).exists())

    def test_other_roles_do_not_keep_divisions(self):
        operator = UserFactory(username="operator", groups=[self.groups["web_operator"]])
        log_in(self.client, operator)
        self.assertNotEqual(self.client.get(reverse("divisions:index")).status_code, 200)
        self.edit(self.finance, name="แก้โดยผู้เผยแพร่")
        self.finance.refresh_from_db()
        self.assertEqual(self.finance.name, "กองคลัง")


class HostDivisionTests(TestCase):
    """The host's superusers keep every municipality's divisions, choosing the municipality."""

    @classmethod
    def setUpTestData(cls):
        cls.site = municipality()
        cls.other_site = municipality("b.example.go.th")
        cls.host = UserFactory(username="host", is_superuser=True)
        Division.objects.create(site=cls.site, name="กองคลัง", code="finance")
        Division.objects.create(site=cls.other_site, name="กองคลัง", code="finance")

    def test_creates_a_division_in_the_municipality_chosen(self):
        log_in(self.client, self.host)
        url = reverse("divisions:add") + f"?site={self.other_site.pk}"
        form = self.client.get(url)
        self.assertContains(form, 'id="id_site_picker"')
        self.assertContains(form, f'value="{section(self.other_site).pk}"')
        self.assertNotContains(form, f'value="{section(self.site).pk}"')
        response = self.client.post(
            url,
            {
                "name": "กองช่าง",
                "code": "engineering",
                "sort_order": 0,
                "is_active": "on",
                "sections": [section(self.other_site).pk],
            },
        )
        self.assertRedirects(response, reverse("divisions:index"))
        division = Division.objects.get(code="engineering")
        self.assertEqual(division.site, self.other_site)
        self.assertEqual(division.preparers.name, "กองช่าง · ผู้จัดทำข้อมูล (b.example.go.th)")
        listing = self.client.get(reverse("divisions:index"))
        self.assertContains(listing, "b.example.go.th")
