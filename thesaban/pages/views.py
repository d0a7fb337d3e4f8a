from django.core.paginator import Paginator
from django.shortcuts import render
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
