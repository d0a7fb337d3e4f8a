from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from wagtail.models import Page, Site

SEARCH_PAGE_SIZE = 20
SEARCH_QUERY_MAX_LENGTH = 200


def search(request):
    """Interim site search on Wagtail's database backend; Thai word segmentation comes later."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = None
    if query:
        # Only this municipality's pages: another site on the same install is not its content.
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        pages = pages.descendant_of(site.root_page, inclusive=True) if site else pages.none()
        matches = pages.specific().search(query)
        results = Paginator(matches, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/search.html", {"query": query, "results": results})


def robots_txt(request):
    """robots.txt: the site's sitemap at the address the site is configured for, no admin.

    The sitemap's address is the site's own root URL, the one Wagtail writes into the sitemap
    itself, so the two always agree; a site record whose hostname is not the public one shows
    in both, and the daily check reports it (`monitoring.site_files`).
    """
    site = Site.find_for_request(request)
    root_url = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    context = {
        "sitemap_url": root_url + reverse("sitemap"),
        # Crawlers have nothing to find behind a sign-in, and search results are endless.
        "disallowed": [reverse("wagtailadmin_home"), reverse("admin:index"), reverse("search")],
    }
    return render(request, "pages/robots.txt", context, content_type="text/plain; charset=utf-8")
