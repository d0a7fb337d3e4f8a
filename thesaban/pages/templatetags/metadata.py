"""What a page tells search engines and link previews: `{% load metadata %}{% page_metadata %}`.

Every public page carries a meta description (`SitePage.meta_description`, else the
municipality's name), Open Graph tags (title, description, address, image: the page's own
picture, else the municipality's emblem) and the municipality as schema.org
`GovernmentOrganization` JSON-LD: name, address and contacts from `MunicipalitySettings`.

The JSON-LD is a data block (`type="application/ld+json"`): browsers never run it, so the
Content-Security-Policy's `script-src` does not apply and it needs no nonce (see
`core/csp.py`), which keeps the page shareable through the page cache.

Addresses are absolute, built from the request's host: the page cache keys every page by
scheme and host, so a page asked for under two names never shows the other's addresses. The
municipality's part is computed once per site and kept with the layout (`remember`).
"""

import json
import re

from django import template
from django.utils.text import Truncator
from wagtail.models import Site

from thesaban.core.models import MunicipalitySettings
from thesaban.core.page_cache import remember

register = template.Library()

DESCRIPTION_LENGTH = 160
PAGE_IMAGE_FILTER = "fill-1200x630"
EMBLEM_IMAGE_FILTER = "max-600x600"
_POSTAL_CODE = re.compile(r"\s*\b(\d{5})\s*$")
# As django.utils.html.json_script escapes: "</script>" in a name cannot end the block.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _image(image, spec: str) -> dict:
    rendition = image.get_rendition(spec)
    return {
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.description or image.title,
    }


def _address(text: str) -> dict:
    street = " ".join(text.split())
    address = {"@type": "PostalAddress", "addressCountry": "TH"}
    if found := _POSTAL_CODE.search(street):
        address["postalCode"] = found.group(1)
        street = street[: found.start()]
    address["streetAddress"] = street
    return address


def _organisation(site: Site) -> dict:
    """The municipality as schema.org data, with addresses relative to the site."""
    municipality = MunicipalitySettings.for_site(site)
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "name": municipality.name,
        "url": "/",
    }
    if municipality.name_en:
        data["alternateName"] = municipality.name_en
    if municipality.address:
        data["address"] = _address(municipality.address)
    if municipality.phone:
        data["telephone"] = municipality.phone
    if municipality.fax:
        data["faxNumber"] = municipality.fax
    if municipality.email:
        data["email"] = municipality.email
    if municipality.facebook_url:
        data["sameAs"] = [municipality.facebook_url]
    if municipality.latitude is not None and municipality.longitude is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": float(municipality.latitude),
                "longitude": float(municipality.longitude),
            },
        }
    emblem = _image(municipality.emblem, EMBLEM_IMAGE_FILTER) if municipality.emblem else None
    if emblem:
        data["logo"] = emblem["url"]
    return {"name": municipality.name, "data": data, "emblem": emblem}


def _absolute(request, value: dict, keys: tuple[str, ...]) -> dict:
    return {
        **value,
        **{key: request.build_absolute_uri(value[key]) for key in keys if key in value},
    }


@register.inclusion_tag("components/page_metadata.html", takes_context=True)
def page_metadata(context) -> dict:
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {}
    organisation = remember(f"organisation:{site.pk}", lambda: _organisation(site))
    page = context.get("page")
    description = getattr(page, "meta_description", lambda: "")() or organisation["name"]
    image = getattr(page, "preview_image", None)
    image = _image(image, PAGE_IMAGE_FILTER) if image is not None else organisation["emblem"]
    if page is None or page.depth <= 2:
        title = organisation["name"]
    else:
        title = page.seo_title or page.title
    data = _absolute(request, organisation["data"], ("url", "logo"))
    return {
        "description": Truncator(description).chars(DESCRIPTION_LENGTH),
        "title": title,
        "site_name": organisation["name"],
        "type": "article" if getattr(page, "is_article", False) else "website",
        "published": getattr(page, "date", None) if getattr(page, "is_article", False) else None,
        "url": request.build_absolute_uri(request.path),
        "image": _absolute(request, image, ("url",)) if image else None,
        "json_ld": json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES),
    }
