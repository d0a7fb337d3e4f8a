"""A whole-response cache for anonymous readers.

Most visitors are anonymous and read the same few pages, so a rendered page is kept in the
shared "pages" cache and served without touching the database. Anything that changes what the
public sees (publishing, unpublishing, moving or deleting a page, changing the municipality's
contact details, a person or a document) calls `clear_page_cache()`, so a change is public at
once, not after a timeout. Staff (anyone with a session cookie) always get a fresh page.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
_MISSING = object()

CACHEABLE_QUERY_PARAMETERS = frozenset({"page", "year", "kind"})
UNCACHED_PATH_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/")


def page_cache():
    return caches["pages"]


def clear_page_cache() -> None:
    page_cache().clear()


def remember(key: str, compute: Callable[[], T]) -> T:
    """Compute a value every page needs (the menu, contact details) once per publication.

    Kept in the "pages" cache, so whatever clears the page cache clears these too.
    """
    cache = page_cache()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return value


def _cache_key(request: HttpRequest) -> str:
    # Hashed: a Thai path is percent-encoded and easily longer than a cache key may be.
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode()
    return f"page:{hashlib.sha256(address).hexdigest()}"


def _is_cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(UNCACHED_PATH_PREFIXES)
        and set(request.GET).issubset(CACHEABLE_QUERY_PARAMETERS)
    )


def _is_cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_cacheable_request(request):
            return self.get_response(request)
        key = _cache_key(request)
        cached = page_cache().get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        # A page that used the CSRF token holds this visitor's token: never share it.
        if _is_cacheable_response(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in {"set-cookie", "vary", "x-cache"}
            ]
            page_cache().set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
            response["X-Cache"] = "miss"
        return response
