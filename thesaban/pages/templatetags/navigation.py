"""Main menu, breadcrumbs and the footer's policy links.

Both come from one navigation index per site — the home page and the two levels below it — kept
in the page cache, so that a page render costs no query for them until something is published.
"""

from dataclasses import dataclass, field

from django import template
from django.template.loader import render_to_string
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from thesaban.core.page_cache import remember
from thesaban.pages import information_architecture as ia

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
    return site_navigation_index(site)


def site_navigation_index(site: Site) -> NavigationIndex:
    return remember(f"navigation:{site.pk}", lambda: _build_index(site))


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The rendered menu, kept per highlighted page: about a hundred links, rendered once."""
    request = context["request"]
    index = navigation_index(request)
    if index is None:
        return ""
    page = context.get("page")
    # Only pages in the index are marked in the menu; deeper pages share their section's menu.
    current_pk = page.pk if page is not None and page.path in index.by_path else None
    section_path = page.path[: Page.steplen * 3] if page is not None else ""

    def render():
        return render_to_string(
            "components/main_menu.html",
            {
                "home": index.home,
                "sections": index.sections,
                "current_pk": current_pk,
                "current_section_path": section_path,
            },
        )

    site_pk = index.home.pk
    return mark_safe(remember(f"menu:{site_pk}:{current_pk}:{section_path}", render))


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


@register.inclusion_tag("components/policy_links.html")
def policy_links(site: Site | None):
    """The privacy policy, website policy and accessibility statement, for every page's footer.

    Found by their address below the home page (`information_architecture.POLICY_ITEMS`), with
    the title staff gave them; one that is not live is not linked.
    """
    if site is None:
        return {"links": []}
    index = site_navigation_index(site)
    by_url = {
        item.url: item for item in index.by_path.values() if item.depth == index.home.depth + 1
    }
    found = (by_url.get(f"/{item.slug}/") for item in ia.POLICY_ITEMS)
    return {"links": [item for item in found if item is not None]}
