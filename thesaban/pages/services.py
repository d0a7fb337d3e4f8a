"""Building the site tree of the announcement. Shared by the demo loader and `setup_site`."""

from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from thesaban.accounts.models import Division
from thesaban.core.models import MunicipalitySettings
from thesaban.core.setup import run_setup_steps

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


def _default_home(home_title: str) -> tuple[HomePage, Site]:
    """The default site's home page, made if missing (Wagtail's "Welcome" page replaced)."""
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page.specific if site is not None else None
    if not isinstance(home, HomePage):
        # Wagtail's initial "Welcome" page is nobody's content, and holds the slug "home".
        for welcome in root.get_children():
            if welcome.specific_class is Page:
                welcome.delete()
        home = HomePage.objects.child_of(root).filter(slug="home").first() or root.add_child(
            instance=HomePage(title=home_title, slug="home")
        )
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home, site


@transaction.atomic
def ensure_site_structure(*, site: Site | None = None, home_title: str = "หน้าหลัก") -> HomePage:
    """Create the home page, every category and every item of the announcement (R1).

    For `site` (a municipality whose home page exists), or else the default site, whose home
    page is made if missing. Safe to run again: what exists is kept as it is (staff may have
    renamed or filled it), and only what is missing is added. The setup steps the apps
    registered (`core.setup`: the role groups, the site check's shipped freshness rules) run.
    """
    if site is None:
        home, site = _default_home(home_title)
    else:
        home = site.root_page.specific

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

    # What the other apps add to a new municipality (the site check's freshness rules, …),
    # registered from their AppConfig.ready: pages imports none of them.
    run_setup_steps(home=home, site=site)
    return home


def ensure_usual_divisions(site: Site) -> dict[str, Division]:
    """The usual divisions of a Thai municipality (`ia.USUAL_DIVISIONS`) with the sections each
    usually owns; a division or section already there is left as staff left it."""
    home = site.root_page
    divisions: dict[str, Division] = {}
    for order, (code, name, paths) in enumerate(ia.USUAL_DIVISIONS):
        division, created = Division.objects.get_or_create(
            site=site, code=code, defaults={"name": name, "sort_order": order}
        )
        divisions[code] = division
        if created:
            url_paths = [home.url_path + (f"{path}/" if path else "") for path in paths]
            division.sections.add(
                *Page.objects.descendant_of(home, inclusive=True).filter(url_path__in=url_paths)
            )
    return divisions


def site_address(url: str) -> tuple[str, int]:
    """(hostname, port) of a public address: https://www.example.go.th → (www.example.go.th,
    443). A bare host name is taken as served over HTTPS, as every government site must be."""
    parts = urlsplit(url if "//" in url else f"//{url}", scheme="https")
    if not parts.hostname:
        raise ValueError(_("ที่อยู่เว็บไซต์ไม่ถูกต้อง: %(url)s") % {"url": url})
    return parts.hostname, parts.port or (80 if parts.scheme == "http" else 443)


@transaction.atomic
def setup_municipality(
    *,
    site: Site | None = None,
    name: str = "",
    url: str = "",
    with_divisions: bool = True,
) -> Site:
    """Build or bring up to date one municipality: its home page and the announcement's
    structure, its address, name, role groups (a setup step of accounts) and, unless told
    not to, its usual divisions. Safe to run again. Without `site`, the default site."""
    home = ensure_site_structure(site=site, home_title=name or "หน้าหลัก")
    site = site or Site.objects.get(root_page=home)
    if url:
        site.hostname, site.port = site_address(url)
    if name:
        site.site_name = name
        settings = MunicipalitySettings.for_site(site)
        if settings.name != name:
            settings.name = name
            settings.save()
    site.save()
    if with_divisions:
        ensure_usual_divisions(site)
    return site


@transaction.atomic
def create_municipality(*, name: str, url: str, with_divisions: bool = True) -> Site:
    """Add a municipality to this install: a new site at `url` with its own home page and the
    announcement's structure (the host's superusers alone do this)."""
    hostname, port = site_address(url)
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ValueError(_("มีเว็บไซต์ที่อยู่ %(host)s อยู่แล้ว") % {"host": hostname})
    root = Page.get_first_root_node()
    slug = slugify(hostname.replace(".", "-"))[:50] or "municipality"
    while root.get_children().filter(slug=slug).exists():
        slug = f"{slug[:45]}-{Page.objects.count()}"
    home = root.add_child(instance=HomePage(title=name, slug=slug))
    site = Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=home,
        site_name=name,
        is_default_site=not Site.objects.exists(),
    )
    return setup_municipality(site=site, name=name, with_divisions=with_divisions)
