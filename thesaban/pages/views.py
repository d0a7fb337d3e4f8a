from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page

SEARCH_PAGE_SIZE = 20
SEARCH_QUERY_MAX_LENGTH = 200


def search(request):
    """Interim site search on Wagtail's database backend; Thai word segmentation comes later."""
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = None
    if query:
        matches = Page.objects.live().public().specific().search(query)
        results = Paginator(matches, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/search.html", {"query": query, "results": results})
