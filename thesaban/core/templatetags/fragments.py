"""Parts of a page rendered once and reused from the page cache: `{% load fragments %}`.

A rendered page is mostly the same HTML as the last one. These tags keep that HTML in the
"pages" cache (`remember`), so whatever clears the page cache (publishing, unpublishing,
moving or deleting a page, saving the municipality's details, a document, an image or a site,
and every deployment's `migrate`) clears them too.

`{% site_layout as layout %}` gives the site-wide parts of `base.html`: the municipality's
name, the stylesheet and script links, the brand and the footer, rendered once per site.

`{% pagefragment "name" value… %}…{% endpagefragment %}` keeps the part of a page that shows
only the page's published content (and the values given, such as a listing's page number).
The key holds the page's published version, so a new version never meets an old fragment
even before the cache is cleared. Previews always render afresh: a draft is not what
the published version shows.
"""

import hashlib
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from wagtail.models import Page, Site

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import remember

register = template.Library()


@dataclass(frozen=True)
class SiteLayout:
    name: str  # plain text, escaped where it is shown
    head: SafeString  # rendered HTML, shown as it is
    brand: SafeString
    footer: SafeString


def _render_layout(site: Site | None) -> SiteLayout:
    municipality = MunicipalitySettings.for_site(site) if site is not None else None
    context = {"municipality": municipality, "site": site}
    return SiteLayout(
        name=municipality.name if municipality is not None else "",
        head=render_to_string("components/head_assets.html", context),
        brand=render_to_string("components/brand.html", context),
        footer=render_to_string("components/site_footer.html", context),
    )


@register.simple_tag(takes_context=True)
def site_layout(context) -> SiteLayout:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return _render_layout(None)
    return remember(f"layout:{site.pk}", lambda: _render_layout(site))


class PageFragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        request = context.get("request")
        page = context.get("page")
        if (
            request is None
            or getattr(request, "is_preview", False)
            or not isinstance(page, Page)
            or page.pk is None
        ):
            return self.nodelist.render(context)
        site = Site.find_for_request(request)
        version = [
            site.pk if site is not None else None,
            page.live_revision_id,
            page.last_published_at.isoformat() if page.last_published_at else None,
            *(value.resolve(context) for value in self.vary_on),
        ]
        # Hashed: the values may come from the address (a page number, a year).
        digest = hashlib.sha256(repr(version).encode()).hexdigest()[:32]
        key = f"fragment:{self.name}:{page.pk}:{digest}"
        return remember(key, lambda: self.nodelist.render(context))


@register.tag
def pagefragment(parser, token):
    """`{% pagefragment "article" %}…{% endpagefragment %}`; values after the name vary the key."""
    bits = token.split_contents()
    if len(bits) < 2 or len(bits[1]) < 3 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a quoted fragment name first")
    nodelist = parser.parse(("endpagefragment",))
    parser.delete_first_token()
    return PageFragmentNode(nodelist, bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]])
