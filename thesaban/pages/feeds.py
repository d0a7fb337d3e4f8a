"""An RSS feed for each news listing (the government website standard; readers, LINE bots).

`/feeds/news/<id>/`, advertised by the listing with `<link rel="alternate">`. Only what the
listing itself shows: live items of a live, public listing of the site asked for, newest first.
Dates are RFC 822 in English and the Gregorian calendar, whatever the visitor's language (RSS
readers parse nothing else); `pubDate` is when the item was first published.

Cache-friendly: a feed is an anonymous 200 like a page, so the page cache keeps it until the
next publication clears it; `Last-Modified` is the latest publication of an item.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Site

from thesaban.core.models import MunicipalitySettings

from .models import NewsIndexPage

FEED_ITEMS = 30


def news_feed(request, page_id: int):
    # One feed object per request: the request is what makes its addresses and name.
    return NewsFeed(request)(request, page_id=page_id)


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "th"

    def __init__(self, request):
        super().__init__()
        self.request = request
        self.site = Site.find_for_request(request)

    def get_object(self, request, page_id: int) -> NewsIndexPage:
        if self.site is None:
            raise Http404
        listings = NewsIndexPage.objects.live().public().in_site(self.site)
        listing = get_object_or_404(listings, pk=page_id)
        # Pages under a page that is not live are not public (SitePage.route).
        if listing.get_ancestors().filter(depth__gt=1, live=False).exists():
            raise Http404
        return listing

    def title(self, listing: NewsIndexPage) -> str:
        return f"{listing.title} | {MunicipalitySettings.for_site(self.site).name}"

    def link(self, listing: NewsIndexPage) -> str:
        return listing.get_url(self.request)

    def description(self, listing: NewsIndexPage) -> str:
        return listing.introduction or listing.title

    def items(self, listing: NewsIndexPage):
        return listing.news_items().public()[:FEED_ITEMS]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return item.get_url(self.request)

    def item_pubdate(self, item) -> datetime.datetime:
        if item.first_published_at is not None:
            return item.first_published_at
        return datetime.datetime.combine(
            item.date, datetime.time(), timezone.get_default_timezone()
        )

    def item_updateddate(self, item) -> datetime.datetime:
        return item.last_published_at or self.item_pubdate(item)
