"""Building the site tree of the announcement. Shared by the demo loader and `setup_site`."""

from django.db import transaction
from wagtail.models import Page, Site

from . import information_architecture as ia
from .models import (
    ContentPage,
    DocumentIndexPage,
    HomePage,
    NewsIndexPage,
    OrgChartPage,
    PersonIndexPage,
    PlaceIndexPage,
    SectionPage,
    VideoIndexPage,
)


def _page_for_item(item: ia.Item, *, in_menu: bool) -> Page:
    common = {"title": item.title, "slug": item.slug, "show_in_menus": in_menu}
    if item.kind == ia.CONTENT:
        return ContentPage(**common, **item.options)
    if item.kind == ia.NEWS:
        return NewsIndexPage(**common, kind=item.options["kind"])
    if item.kind == ia.DOCUMENTS:
        return DocumentIndexPage(**common)
    if item.kind == ia.VIDEOS:
        return VideoIndexPage(**common)
    if item.kind == ia.PEOPLE:
        return PersonIndexPage(**common, group=item.options["group"])
    if item.kind == ia.ORG_CHART:
        return OrgChartPage(**common)
    if item.kind == ia.PLACES:
        return PlaceIndexPage(**common, kind=item.options["kind"])
    raise ValueError(f"Unknown item kind {item.kind!r}")


def _ensure_child(parent: Page, page: Page) -> Page:
    existing = parent.get_children().filter(slug=page.slug).first()
    if existing is not None:
        return existing.specific
    return parent.add_child(instance=page)


def _home_menu_blocks(home: HomePage) -> list[tuple[str, dict]]:
    blocks = []
    for label, path in ia.HOME_MENU:
        target = Page.objects.descendant_of(home).filter(url_path=f"{home.url_path}{path}/").first()
        if target is not None:
            blocks.append(("link", {"title": label, "page": target, "url": ""}))
    return blocks


@transaction.atomic
def ensure_site_structure(*, home_title: str = "หน้าหลัก") -> HomePage:
    """Create the home page, every category and every item of the announcement (R1).

    Safe to run again: what exists is kept as it is (staff may have renamed or filled it), and
    only what is missing is added. The default site is pointed at the home page, and the
    shipped freshness rules of the site check are added if missing.
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial "Welcome" page is nobody's content, and holds the slug "home".
        for welcome in root.get_children():
            if welcome.specific_class is Page:
                welcome.delete()
        home = root.add_child(instance=HomePage(title=home_title, slug="home"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()

    for category in ia.CATEGORIES:
        section = _ensure_child(
            home,
            SectionPage(
                title=category.title,
                slug=category.slug,
                introduction=category.introduction,
                show_in_menus=True,
            ),
        )
        for item in category.items:
            _ensure_child(section, _page_for_item(item, in_menu=True))
    for item in (*ia.HOME_ITEMS, *ia.POLICY_ITEMS):
        _ensure_child(home, _page_for_item(item, in_menu=False))

    if not home.main_menu:
        home.main_menu = _home_menu_blocks(home)
        home.save()

    # The site check's freshness rules name these sections: created with them, once, and the
    # staff's from then on. Imported here: monitoring reads the site, the site never needs it.
    from thesaban.monitoring.freshness_rules import ensure_freshness_rules

    ensure_freshness_rules(home=home)
    return home
