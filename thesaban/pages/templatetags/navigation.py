"""Main menu and breadcrumbs.

Both come from one navigation index per site — the home page and the two levels below it — kept
in the page cache, so that a page render costs no query for them until something is published.
"""

from dataclasses import dataclass, field

from django import template
from django.utils.encoding import iri_to_uri
from wagtail.models import Page, Site

from thesaban.core.page_cache import remember

register = template.Library()


@dataclass
class NavigationItem:
    pk: int
    title: str
    url: str
    path: str
    depth: int
    in_menu: bool
    children: list["NavigationItem"] = field(default_factory=list)


@dataclass
class NavigationIndex:
    home: NavigationItem
    sections: list[NavigationItem]
    by_path: dict[str, NavigationItem]


def _build_index(site: Site) -> NavigationIndex:
    home = site.root_page
    rows = (
        Page.objects.live()
        .descendant_of(home, inclusive=True)
        .filter(depth__lte=home.depth + 2)
        .order_by("path")
        .values_list("pk", "title", "url_path", "path", "depth", "show_in_menus")
    )
    by_path: dict[str, NavigationItem] = {}
    for pk, title, url_path, path, depth, in_menu in rows:
        url = iri_to_uri("/" + url_path[len(home.url_path) :])
        by_path[path] = NavigationItem(pk, title, url, path, depth, in_menu)
    root = by_path[home.path]
    sections = []
    for item in by_path.values():
        if item.depth == home.depth + 1 and item.in_menu:
            sections.append(item)
        elif item.depth == home.depth + 2 and item.in_menu:
            parent = by_path.get(item.path[: -Page.steplen])
            if parent is not None and parent.in_menu:
                parent.children.append(item)
    return NavigationIndex(home=root, sections=sections, by_path=by_path)


def navigation_index(request) -> NavigationIndex | None:
    site = Site.find_for_request(request)
    if site is None:
        return None
    return remember(f"navigation:{site.pk}", lambda: _build_index(site))


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    index = navigation_index(context["request"])
    page = context.get("page")
    current_path = getattr(page, "path", "")
    return {
        "home": index.home if index else None,
        "sections": index.sections if index else [],
        "current_pk": getattr(page, "pk", None),
        "current_section_path": current_path[: Page.steplen * 3],
    }


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    if page is None or page.depth <= 2:
        return {"ancestors": []}
    index = navigation_index(context["request"])
    steps = range(2 * Page.steplen, len(page.path), Page.steplen)
    ancestors = [index.by_path.get(page.path[:end]) for end in steps] if index else []
    if not all(ancestors):
        # Deeper than the index reaches, or on another site: ask the database.
        ancestors = [
            NavigationItem(a.pk, a.title, a.url, a.path, a.depth, a.show_in_menus)
            for a in page.get_ancestors().filter(depth__gt=1)
        ]
    return {"page": page, "ancestors": ancestors}
