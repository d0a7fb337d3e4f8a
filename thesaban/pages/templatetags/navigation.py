"""Main menu and breadcrumbs, built with one query each."""

from django import template
from wagtail.models import Page, Site

register = template.Library()


def _menu_tree(home: Page) -> list[dict]:
    pages = (
        Page.objects.live()
        .in_menu()
        .descendant_of(home)
        .filter(depth__lte=home.depth + 2)
        .order_by("path")
    )
    sections: list[dict] = []
    by_path: dict[str, dict] = {}
    for page in pages:
        if page.depth == home.depth + 1:
            entry = {"page": page, "children": []}
            sections.append(entry)
            by_path[page.path] = entry
        else:
            parent = by_path.get(page.path[: -Page.steplen])
            if parent is not None:
                parent["children"].append(page)
    return sections


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    site = Site.find_for_request(request)
    home = site.root_page if site else None
    return {
        "request": request,
        "home": home,
        "sections": _menu_tree(home) if home else [],
        "current": context.get("page"),
    }


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    page = context.get("page")
    ancestors = []
    if page is not None and page.depth > 2:
        ancestors = list(page.get_ancestors().filter(depth__gt=1))
    return {"page": page, "ancestors": ancestors, "request": context["request"]}
