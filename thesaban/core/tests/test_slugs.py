"""The Thai slug policy (thesaban.core.slugs, docs/decisions/0002-thai-url-slugs.md).

The page-model tests use `ThaiSlugTestPage`, a proxy of Wagtail's `Page` defined in an
isolated app registry: it needs no table and no migration, and is invisible to the rest of
the project (it is taken straight back out of Wagtail's list of page types).
"""

import re
import unicodedata
from pathlib import Path

import pytest
import wagtail
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.test import override_settings
from django.test.utils import isolate_apps
from django.urls import Resolver404, include, path, resolve
from django.utils.text import slugify
from wagtail import urls as wagtail_urls
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.panels import get_form_for_model
from wagtail.models import Page, Site
from wagtail.models.pages import PAGE_MODEL_CLASSES

from thesaban.core.page_cache import clear_page_cache
from thesaban.core.slugs import (
    THAI_MARKS,
    ThaiSlugCopyForm,
    ThaiSlugMixin,
    ThaiSlugPageForm,
    thai_serve_path,
    thai_slugify,
    validate_thai_slug,
)

NEWS_TITLE = "ข่าวประชาสัมพันธ์ ประจำเดือน มีนาคม"
NEWS_SLUG = "ข่าวประชาสัมพันธ์-ประจำเดือน-มีนาคม"

with isolate_apps("thesaban.core"):

    class ThaiSlugTestPage(ThaiSlugMixin, Page):
        class Meta:
            proxy = True
            app_label = "core"


PAGE_MODEL_CLASSES.remove(ThaiSlugTestPage)


class StockUrls:
    urlpatterns = [path("", include(wagtail_urls))]


class ThaiUrls:
    urlpatterns = [path("", include(wagtail_urls)), thai_serve_path()]


# Python ports of Wagtail 8.0's admin JavaScript, the `w-slug` controller in
# wagtailadmin/js/core.js with WAGTAIL_ALLOW_UNICODE_SLUGS on. `test_wagtail_js_still_...`
# checks that the regular expressions they copy are still the ones Wagtail ships.
def browser_urlify(title: str) -> str:
    """What the browser puts in the slug field while the title is typed (w-slug#urlify)."""
    value = title.strip().lower()
    value = "".join(c for c in value if c in "-_" or c.isalnum() or c.isspace())
    value = re.sub(r"[-\s]+", "-", value)[:255]
    return value.rstrip("-")


def browser_slugify(typed: str) -> str:
    """What the browser leaves of a slug typed into the field when it loses focus."""
    value = re.sub(r"\s+", "-", typed.strip()).lower()
    return "".join(c for c in value if c in "-_" or c.isalnum())


def is_split_cluster(slug: str) -> bool:
    return bool(slug) and (slug[0] in THAI_MARKS or slug[-1] in "เแโใไ")


# --- thai_slugify -----------------------------------------------------------------------------


def test_keeps_thai_vowel_and_tone_marks():
    """Thai words keep every mark; spaces become hyphens."""
    assert thai_slugify(NEWS_TITLE) == NEWS_SLUG


def test_django_slugify_would_mangle_the_same_title():
    """Django's slugify(allow_unicode=True) drops the marks (and turns ำ into า), which is
    why the policy exists: the result reads as different, wrong words."""
    mangled = slugify(NEWS_TITLE, allow_unicode=True)
    assert mangled == "ขาวประชาสมพนธ-ประจาเดอน-มนาคม"
    assert mangled != thai_slugify(NEWS_TITLE)
    assert not any(unicodedata.category(c) == "Mn" for c in mangled)


def test_wagtail_admin_javascript_would_mangle_the_same_title():
    """The admin's browser-side slug (ported above) also drops the marks."""
    assert browser_urlify(NEWS_TITLE) == "ขาวประชาสมพนธ-ประจำเดอน-มนาคม"
    assert browser_slugify("ข่าว ประจำเดือน") == "ขาว-ประจำเดอน"


def test_wagtail_js_still_strips_marks_as_the_ports_assume():
    """The compiled admin JS still uses the regular expressions the ports copy. If this
    fails after upgrading Wagtail, re-read its w-slug controller and revisit the policy."""
    core_js = Path(wagtail.__file__).parent / "admin/static/wagtailadmin/js/core.js"
    source = core_js.read_text(encoding="utf-8")
    assert r"/[^-_\p{L}\p{N}\s]/gu" in source
    assert r"/^[\p{L}\p{N}_-]+$/u" in source


def test_punctuation_and_mixed_ascii():
    """Brackets, slashes and other punctuation become single hyphens; ASCII is lowercased."""
    assert thai_slugify("ประกาศ (ฉบับที่ 2) / 2569") == "ประกาศ-ฉบับที่-2-2569"
    assert thai_slugify("ผลการประเมิน ITA ปี 2569!!") == "ผลการประเมิน-ita-ปี-2569"
    assert thai_slugify("  --ข่าว--  ") == "ข่าว"
    assert thai_slugify("ก.พ.") == "ก-พ"


def test_thai_digits_and_thai_signs_are_kept():
    """Thai digits, ๆ (repetition) and ฯ (abbreviation) are part of words."""
    assert thai_slugify("กิจกรรมต่างๆ กรุงเทพฯ ๒๕๖๙") == "กิจกรรมต่างๆ-กรุงเทพฯ-๒๕๖๙"


def test_accented_latin_is_folded_to_ascii():
    """Accents on Latin letters are dropped rather than splitting the word."""
    assert thai_slugify("Café ของเทศบาล") == "cafe-ของเทศบาล"


def test_invisible_characters_do_not_split_words():
    """A zero-width space (common in Thai text pasted from Word) is dropped, not a hyphen."""
    assert thai_slugify("ข่าว\u200bประชาสัมพันธ์") == "ข่าวประชาสัมพันธ์"


def test_a_mark_with_no_letter_before_it_is_dropped():
    """A stray mark after a space or at the start has nothing to sit on and is dropped."""
    assert thai_slugify("\u0e48ข่าว \u0e31abc") == "ข่าว-abc"


def test_text_is_nfc_normalised():
    """Marks typed in a different order (tone before lower vowel) give the same slug."""
    typed_oddly = "ก\u0e48\u0e38"  # ก + MAI EK + SARA U
    assert thai_slugify(typed_oddly) == thai_slugify("ก\u0e38\u0e48")


@pytest.mark.parametrize("text", ["", "   ", "!!! ///", "\u0e48\u0e49"])
def test_nothing_usable_gives_an_empty_slug(text):
    """Empty input, or input with no letters or digits, gives ""."""
    assert thai_slugify(text) == ""


def test_default_cut_is_80_characters_at_a_hyphen():
    """A long title is cut at a hyphen to at most 80 characters."""
    title = " ".join(["ประชาสัมพันธ์"] * 10)
    slug = thai_slugify(title)
    assert len(slug) <= 80
    assert slug == "-".join(["ประชาสัมพันธ์"] * 5)


def test_cutting_never_separates_a_letter_from_its_marks():
    """Whatever the cut point, the slug never ends with a letter whose marks were cut off,
    nor starts with a mark, and is always a prefix of the uncut slug."""
    text = "ที่ทำการเทศบาลตำบลบ้านใหม่ไม่ได้ปิดทำการในวันหยุดนักขัตฤกษ์ เพื่อให้บริการประชาชน"
    full = thai_slugify(text, max_length=1000)
    for max_length in range(1, len(full) + 2):
        slug = thai_slugify(text, max_length=max_length)
        assert len(slug) <= max_length
        assert full.startswith(slug)
        rest = full[len(slug) :]
        assert not (rest and rest[0] in THAI_MARKS), (max_length, slug)
        assert not is_split_cluster(slug), (max_length, slug)


def test_a_long_run_without_spaces_is_cut_inside_it():
    """Thai writes phrases without spaces; a long one is cut between syllables, not at an
    early hyphen that would throw most of it away."""
    title = "ข่าว ประกาศเทศบาลเรื่องการรับสมัครบุคคลเพื่อสรรหาและเลือกสรรเป็นพนักงานจ้างทั่วไป"
    slug = thai_slugify(title, max_length=40)
    assert 30 <= len(slug) <= 40
    assert slug.startswith("ข่าว-ประกาศเทศบาล")
    assert slug[-1] not in THAI_MARKS | set("เแโใไ")
    assert thai_slugify(title, max_length=1000)[len(slug)] not in THAI_MARKS | set("ะาำ")


def test_max_length_must_be_positive():
    """A zero or negative max_length is a programming error."""
    with pytest.raises(ValueError):
        thai_slugify("ข่าว", max_length=0)


# --- Validation and URLs ----------------------------------------------------------------------


def test_django_slug_validator_rejects_thai_marks_and_ours_accepts_them():
    """Django's validate_unicode_slug rejects any slug with a Thai vowel or tone mark; the
    Thai validator accepts it and still rejects spaces and punctuation."""
    with pytest.raises(ValidationError):
        validate_unicode_slug(NEWS_SLUG)
    validate_thai_slug(NEWS_SLUG)
    validate_thai_slug("about_us-2")
    for bad in ["ข่าว ประชา", "ข่าว/ประชา", "ข่าว?"]:
        with pytest.raises(ValidationError):
            validate_thai_slug(bad)


def test_wagtails_url_pattern_does_not_match_thai_marks_and_ours_does():
    """Wagtail's front-end URL pattern fails on a Thai slug with marks (a 404); with
    thai_serve_path() after include(wagtail.urls) it resolves to Wagtail's serve view."""
    with pytest.raises(Resolver404):
        resolve(f"/{NEWS_SLUG}/", urlconf=StockUrls)
    match = resolve(f"/news/{NEWS_SLUG}/", urlconf=ThaiUrls)
    assert match.url_name == "wagtail_serve"
    assert match.args == (f"news/{NEWS_SLUG}/",)
    assert resolve("/_util/login/", urlconf=ThaiUrls).url_name == "wagtailcore_login"


# --- Page models with ThaiSlugMixin -----------------------------------------------------------


@pytest.fixture(autouse=True)
def forget_caches():
    # Wagtail's log entries create a content type for the test proxy; the test's rollback
    # deletes it but Django's content type cache would keep its stale id. The page cache
    # would serve one test's page to the next.
    yield
    ContentType.objects.clear_cache()
    clear_page_cache()


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    return root.add_child(instance=Page(title="หน้าแรกทดสอบ", slug="thai-slug-test-home"))


@pytest.fixture
def site(home):
    return Site.objects.create(hostname="thai-slugs.test", port=80, root_page=home)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="thai-slug-admin", email="admin@example.com", password="x"
    )


def add(parent: Page, **fields) -> ThaiSlugTestPage:
    page = ThaiSlugTestPage(**fields)
    parent.add_child(instance=page)
    return page


def test_published_page_without_a_slug_gets_a_thai_slug(home):
    """A page saved live with no slug gets thai_slugify(title), where Wagtail would use
    Django's slugify."""
    assert add(home, title=NEWS_TITLE).slug == NEWS_SLUG


def test_draft_without_a_slug_gets_a_thai_slug(home):
    """Saving a draft (Wagtail's minimal_clean path) also uses thai_slugify."""
    assert add(home, title=NEWS_TITLE, live=False).slug == NEWS_SLUG


def test_duplicate_titles_are_numbered(home):
    """A second page with the same title under the same parent gets "-2", as in Wagtail."""
    add(home, title=NEWS_TITLE)
    assert add(home, title=NEWS_TITLE).slug == f"{NEWS_SLUG}-2"
    assert add(home, title=NEWS_TITLE, live=False).slug == f"{NEWS_SLUG}-3"


@pytest.mark.parametrize("mangle", [lambda t: slugify(t, allow_unicode=True), browser_urlify])
def test_a_slug_that_lost_its_marks_is_repaired(home, mangle):
    """A slug that is the title's slug with the marks dropped (by Django or the browser) is
    replaced by the Thai slug."""
    assert add(home, title=NEWS_TITLE, slug=mangle(NEWS_TITLE)).slug == NEWS_SLUG


@pytest.mark.parametrize("chosen", ["news-march", "ประกาศ", "ข่าว-มีนาคม"])
def test_a_chosen_slug_is_kept(home, chosen):
    """A slug someone chose (ASCII, or Thai that lost nothing) is left alone."""
    assert add(home, title=NEWS_TITLE, slug=chosen).slug == chosen


def test_a_published_url_is_never_changed_implicitly(home):
    """A live page with an old mark-less slug keeps it when saved again: its URL is out there."""
    page = add(home, title=NEWS_TITLE, slug="news-march")
    page.slug = browser_urlify(NEWS_TITLE)
    page.save(clean=False)
    page.title = NEWS_TITLE + " "
    page.save()
    page.refresh_from_db()
    assert page.slug == browser_urlify(NEWS_TITLE)


def test_model_validation_accepts_thai_marks_where_wagtail_rejects_them(home):
    """A plain Wagtail page with a Thai slug fails full_clean (Django's validator); a page
    with the mixin passes, and still gets a Thai error message for a bad slug."""
    plain = Page(title=NEWS_TITLE, slug=NEWS_SLUG)
    with pytest.raises(ValidationError) as plain_error:
        plain.full_clean(exclude=["path", "depth"])
    assert "slug" in plain_error.value.message_dict

    page = ThaiSlugTestPage(title=NEWS_TITLE, slug=NEWS_SLUG)
    page.full_clean(exclude=["path", "depth"])

    page.slug = "ข่าว มีนาคม"
    with pytest.raises(ValidationError) as bad:
        page.full_clean(exclude=["path", "depth"])
    assert "ส่วนท้าย URL" in bad.value.message_dict["slug"][0]


@override_settings(ROOT_URLCONF=ThaiUrls)
def test_page_with_a_thai_slug_has_a_url_and_is_served(site, client):
    """With thai_serve_path() a page with a Thai slug gets a (percent-encoded) URL and its
    URL serves the page."""
    page = add(site.root_page, title=NEWS_TITLE)
    url = page.get_url_parts()[2]
    assert url.startswith("/%E0%B8%82%E0%B9%88")
    assert client.get(url, HTTP_HOST="thai-slugs.test").status_code == 200


@override_settings(ROOT_URLCONF=StockUrls)
def test_without_thai_serve_path_the_page_has_no_url(site):
    """With Wagtail's URLs alone the same page has no URL at all (and its address does not
    resolve, see above): thai_serve_path() is required."""
    page = add(site.root_page, title=NEWS_TITLE)
    assert page.get_url_parts()[2] is None


# --- Admin forms ------------------------------------------------------------------------------


def page_form(data: dict, *, instance: Page, parent: Page):
    form_class = get_form_for_model(
        ThaiSlugTestPage, form_class=ThaiSlugTestPage.base_form_class, fields=["title", "slug"]
    )
    return form_class(data, instance=instance, parent_page=parent)


def test_mixin_installs_the_thai_admin_forms():
    """Page types with the mixin get the Thai slug edit and copy forms."""
    assert issubclass(ThaiSlugTestPage.base_form_class, ThaiSlugPageForm)
    assert ThaiSlugTestPage.copy_form_class is ThaiSlugCopyForm


def test_create_form_repairs_the_slug_the_browser_made_from_the_title(home):
    """Creating a page: the browser sends the title's slug without marks; the form saves the
    Thai slug."""
    form = page_form(
        {"title": NEWS_TITLE, "slug": browser_urlify(NEWS_TITLE)},
        instance=ThaiSlugTestPage(),
        parent=home,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == NEWS_SLUG


def test_create_form_numbers_a_repaired_slug_a_sibling_has(home):
    """As Wagtail does for slugs it makes, a repaired slug already in use gets "-2"."""
    add(home, title=NEWS_TITLE)
    form = page_form(
        {"title": NEWS_TITLE, "slug": browser_urlify(NEWS_TITLE)},
        instance=ThaiSlugTestPage(),
        parent=home,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == f"{NEWS_SLUG}-2"


def test_create_form_restores_the_first_words_of_the_title(home):
    """A slug shortened to the first words of the title, marks stripped by the browser,
    gets its marks back."""
    typed = browser_slugify("ข่าวประชาสัมพันธ์ ประจำเดือน")
    form = page_form({"title": NEWS_TITLE, "slug": typed}, instance=ThaiSlugTestPage(), parent=home)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "ข่าวประชาสัมพันธ์-ประจำเดือน"


def test_create_form_accepts_a_thai_slug_with_marks(home):
    """A Thai slug that reaches the server with its marks is valid (Wagtail's stock form
    field rejects it)."""
    form = page_form(
        {"title": NEWS_TITLE, "slug": "ข่าว-มีนาคม"}, instance=ThaiSlugTestPage(), parent=home
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "ข่าว-มีนาคม"


def test_create_form_keeps_a_chosen_ascii_slug(home):
    """An ASCII slug typed by staff is kept as it is."""
    form = page_form(
        {"title": NEWS_TITLE, "slug": "march-news"}, instance=ThaiSlugTestPage(), parent=home
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "march-news"


def test_create_form_rejects_a_slug_with_spaces_in_thai(home):
    """A slug with spaces is an error, worded in Thai."""
    form = page_form(
        {"title": NEWS_TITLE, "slug": "ข่าว มีนาคม"}, instance=ThaiSlugTestPage(), parent=home
    )
    assert not form.is_valid()
    assert "ส่วนท้าย URL" in form.errors["slug"][0]


def test_edit_form_restores_the_stored_slug_the_browser_stripped(home):
    """Editing a live page: clicking into and out of the slug field strips its marks in the
    browser; the page keeps its stored slug, so its URL does not change."""
    page = add(home, title=NEWS_TITLE)
    form = page_form(
        {"title": NEWS_TITLE, "slug": browser_slugify(page.slug)}, instance=page, parent=home
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == NEWS_SLUG


def test_edit_form_renaming_a_draft_moves_its_slug_to_the_new_title(home):
    """A draft whose slug came from its title follows a new title, as Wagtail's browser
    sync does for ASCII titles (it stops syncing when the slug has Thai marks)."""
    page = add(home, title=NEWS_TITLE, live=False)
    form = page_form(
        {"title": "ข่าวประชาสัมพันธ์ ประจำเดือน เมษายน", "slug": page.slug},
        instance=page,
        parent=home,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == "ข่าวประชาสัมพันธ์-ประจำเดือน-เมษายน"


def test_edit_form_renaming_a_live_page_keeps_its_slug(home):
    """Renaming a live page never changes its URL."""
    page = add(home, title=NEWS_TITLE)
    form = page_form(
        {"title": "ข่าวประชาสัมพันธ์ ประจำเดือน เมษายน", "slug": page.slug},
        instance=page,
        parent=home,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["slug"] == NEWS_SLUG


def copied_slug(page: Page, user, *, to: Page, **data) -> str:
    """The new slug as the Thai copy form cleans it. (The form as a whole is invalid here:
    the test proxy's pages are plain Wagtail pages, which may not be created anywhere, so
    Wagtail refuses the destination. That check is not what these tests are about.)"""
    form = ThaiSlugCopyForm({"new_parent_page": to.pk, **data}, page=page, user=user)
    form.is_valid()
    assert "new_slug" not in form.errors, form.errors
    return form.cleaned_data["new_slug"]


def test_copy_form_accepts_the_thai_slug_it_offers(home, admin_user):
    """Wagtail's copy form rejects the Thai slug it pre-fills (a page cannot be copied
    without retyping it); the Thai copy form accepts it."""
    page = add(home, title=NEWS_TITLE)
    elsewhere = add(home, title="หน้าอื่น", slug="elsewhere")
    data = {"new_title": NEWS_TITLE, "new_slug": page.slug, "new_parent_page": elsewhere.pk}
    stock_errors = CopyForm(data, page=page, user=admin_user).errors.as_data()
    assert stock_errors["new_slug"][0].code == "invalid"
    assert copied_slug(page, admin_user, to=elsewhere, **data) == NEWS_SLUG


def test_copy_form_repairs_a_slug_made_from_the_new_title(home, admin_user):
    """Copying with a new title: the browser's mark-less slug of it becomes the Thai slug."""
    page = add(home, title=NEWS_TITLE)
    new_title = "ข่าวประชาสัมพันธ์ ประจำเดือน เมษายน"
    slug = copied_slug(
        page, admin_user, to=home, new_title=new_title, new_slug=browser_urlify(new_title)
    )
    assert slug == "ข่าวประชาสัมพันธ์-ประจำเดือน-เมษายน"


def test_copy_form_restores_the_original_slug_with_a_number(home, admin_user):
    """Copying beside the original: its stripped slug with "-2" added gets the marks back."""
    page = add(home, title=NEWS_TITLE)
    typed = browser_slugify(page.slug) + "-2"
    slug = copied_slug(page, admin_user, to=home, new_title="สำเนา", new_slug=typed)
    assert slug == f"{NEWS_SLUG}-2"
