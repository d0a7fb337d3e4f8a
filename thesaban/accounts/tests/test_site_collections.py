"""Each municipality's images and documents live in its own collection, where its staff have
rights; files made before municipalities had collections move there."""

import io

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.models import Collection, Page, Site

from thesaban.accounts.services import adopt_unplaced_files, ensure_role_groups, site_collection
from thesaban.accounts.testing import log_in
from thesaban.accounts.tests.factories import UserFactory
from thesaban.core.models import SiteDocument, SiteImage


def _image(title: str, collection) -> SiteImage:
    png = io.BytesIO()
    PillowImage.new("RGB", (8, 8), (200, 30, 30)).save(png, "PNG")
    return SiteImage.objects.create(
        title=title,
        description="ภาพทดสอบ",
        file=ImageFile(png, name="test.png"),
        collection=collection,
    )


def _document(title: str, collection) -> SiteDocument:
    return SiteDocument.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 test", name="test.pdf"), collection=collection
    )


class SiteCollectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = Site.objects.get(is_default_site=True)
        cls.groups = ensure_role_groups(site=cls.site)
        cls.operator = UserFactory(username="operator", groups=[cls.groups["web_operator"]])

    def test_files_in_the_shared_root_move_to_the_only_municipality(self):
        root = Collection.get_first_root_node()
        image = _image("ภาพเก่า", root)
        document = _document("เอกสารเก่า", root)
        log_in(self.client, self.operator)
        self.assertNotContains(self.client.get(reverse("wagtailimages:index")), "ภาพเก่า")

        self.assertEqual(adopt_unplaced_files(), 2)
        image.refresh_from_db()
        document.refresh_from_db()
        self.assertEqual(image.collection, site_collection(self.site))
        self.assertEqual(document.collection, site_collection(self.site))
        self.assertContains(self.client.get(reverse("wagtailimages:index")), "ภาพเก่า")
        self.assertContains(self.client.get(reverse("wagtaildocs:index")), "เอกสารเก่า")

    def test_with_two_municipalities_nobody_guesses_whose_a_file_is(self):
        home_b = Page.get_first_root_node().add_child(instance=Page(title="บี", slug="b"))
        Site.objects.create(hostname="b.example.go.th", port=80, root_page=home_b)
        root = Collection.get_first_root_node()
        image = _image("ภาพของใคร", root)
        self.assertEqual(adopt_unplaced_files(), 0)
        image.refresh_from_db()
        self.assertEqual(image.collection, root)
