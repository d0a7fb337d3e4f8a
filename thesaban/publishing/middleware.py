"""The address of an item whose publication window has ended answers 410 Gone, in Thai.

Wagtail answers 404 for any page that is not live. For an item that was public and has
reached the end of its window, "not found" is wrong twice: a citizen following an old link
should learn that the item's publication has ended and where to look instead, and a search
engine should drop the address rather than retry it (410 is the status that says so).

Only pages Wagtail marked `expired` (taken down by the scheduler at their end time) get the
410 page; a page unpublished by hand, or never published, stays a plain 404. The response is
never a 200, so the page cache never keeps it.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page, Site

GONE = 410


class ExpiredPageMiddleware:
    """Turns the 404 for an expired page's address into the Thai "publication ended" page.

    Goes after `SiteCacheMiddleware` (the site is already known) and before Wagtail's
    `RedirectMiddleware`, so that a redirect set up for the old address still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        site = Site.find_for_request(request)
        page = expired_page_at(site, request.path_info) if site else None
        if page is None:
            return response
        return render(
            request,
            "publishing/expired_page.html",
            {"listing": _listing_of(page, home=site.root_page)},
            status=GONE,
        )


def expired_page_at(site: Site, path: str) -> Page | None:
    """The expired page of `site` whose public address is `path`, if there is one."""
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return None
    url_path = f"{site.root_page.url_path}{'/'.join(segments)}/"
    return Page.objects.filter(url_path=url_path, live=False, expired=True).first()


def _listing_of(page: Page, *, home: Page) -> Page | None:
    """The listing the item was in, or the nearest public page above it below the home page."""
    return (
        page.get_ancestors().live().public().filter(depth__gt=home.depth).order_by("-depth").first()
    )
