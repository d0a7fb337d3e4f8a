"""A whole-response cache for anonymous readers.

Most visitors are anonymous and read the same few pages, so a rendered page is kept in the
shared "pages" cache and served without touching the database. Anything that changes what the
public sees (publishing, unpublishing, moving or deleting a page, changing the municipality's
contact details, a person or a document) calls `clear_page_cache()`, so a change is public at
once, not after a timeout. Staff (anyone with a session cookie) always get a fresh page.
"""

import hashlib
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import get_path_info
from django.http import HttpRequest, HttpResponse
from django.http.cookie import parse_cookie

T = TypeVar("T")
_MISSING = object()

CACHEABLE_QUERY_PARAMETERS = frozenset({"page", "year", "kind"})
UNCACHED_PATH_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/")


def page_cache():
    return caches["pages"]


def clear_page_cache() -> None:
    page_cache().clear()  # the generation too: every process drops its copies
    _copies.values = {}


def remember(key: str, compute: Callable[[], T]) -> T:
    """Compute a value every page needs (the menu, contact details) once per publication.

    Kept in the "pages" cache, so whatever clears the page cache clears these too. During a
    request (`reusing_copies`), a value this process has already read is used again without
    reading the cache: the same object, so a value must never be changed by its user.
    """
    copies = _copies.values if _copies.active else None
    if copies is not None and key in copies:
        return copies[key]
    cache = page_cache()
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    if copies is not None:
        if len(copies) >= MAX_COPIES:
            copies.clear()
        copies[key] = value
    return value


# --- This process's copies of remembered values ------------------------------------------------
# Reading a value back from a file or Redis (and unpickling it) costs more than most of what a
# page render does with it. Each process keeps what it has read, under the cache's current
# "generation": a token that clearing the cache deletes (it is a cache entry like any other)
# and the next reader replaces. Checked once per request, so a clear by any process is seen by
# all of them from their next request on; its values live no longer than the token itself.
GENERATION_KEY = "generation"
MAX_COPIES = 500


class _Copies(threading.local):
    def __init__(self):
        self.active = False
        self.generation: str | None = None
        self.values: dict = {}


_copies = _Copies()


@contextmanager
def reusing_copies():
    """Within the block (one request), reuse this process's copies of remembered values."""
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(GENERATION_KEY, generation, settings.PAGE_CACHE_SECONDS):
            generation = cache.get(GENERATION_KEY, generation)  # another process was first
    if generation != _copies.generation:
        _copies.generation, _copies.values = generation, {}
    _copies.active = True
    try:
        yield
    finally:
        _copies.active = False


def _scheme(environ: dict) -> str:
    # The same rule as HttpRequest.scheme, without building a request.
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",")[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _cache_key(environ: dict, path_info: str) -> str:
    # path_info as Django decodes it: a WSGI server hands over a Thai path as latin-1 text, and
    # Django's request replaces it in the environ with the decoded one.
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"
    address = (
        f"{_scheme(environ)}://{host}{environ.get('SCRIPT_NAME', '')}"
        f"{path_info}?{environ.get('QUERY_STRING', '')}"
    )
    # Hashed: a Thai path is percent-encoded and easily longer than a cache key may be.
    return f"page:{hashlib.sha256(address.encode('utf-8', 'surrogateescape')).hexdigest()}"


def _is_cacheable_request(environ: dict) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if environ.get("PATH_INFO", "").startswith(UNCACHED_PATH_PREFIXES):
        return False
    if settings.SESSION_COOKIE_NAME in parse_cookie(environ.get("HTTP_COOKIE", "")):
        return False
    parameters = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return all(name in CACHEABLE_QUERY_PARAMETERS for name, _value in parameters)


def _is_cacheable_response(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-cache" not in cache_control
        and "no-store" not in cache_control
        # A nonce belongs to one response: shared, it would be known to every visitor.
        and "'nonce-" not in response.get("Content-Security-Policy", "")
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_cacheable_request(request.META):
            return self.get_response(request)
        key = _cache_key(request.META, request.path_info)
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


class PageCacheWSGI:
    """Answers cache hits before Django builds a request: the production WSGI entry point.

    The middleware above fills the cache and also answers hits (tests and other servers go
    through it); this wrapper only saves Django's request handling on the hits, which are most
    of a municipal site's traffic.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if _is_cacheable_request(environ):
            cached = page_cache().get(_cache_key(environ, get_path_info(environ)))
            if cached is not None:
                content, headers = cached
                start_response("200 OK", [*headers, ("X-Cache", "hit")])
                return [b"" if environ["REQUEST_METHOD"] == "HEAD" else content]
        return self.application(environ, start_response)


class SiteCacheMiddleware:
    """Finds the Wagtail site, and its home page, once per publication instead of per request.

    Wagtail looks the site up (and then its root page) with two queries on every request;
    `Site.find_for_request` uses `request._wagtail_site` when it is set. Must come after
    CommonMiddleware, which validates the host. The rest of the request (views, templates)
    reuses this process's copies of remembered values (`reusing_copies`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from wagtail.models import Site

        def find_site():
            site = Site._find_for_request(request)
            if site is not None:
                site.root_page.specific  # noqa: B018 - kept with the site, saves a query
            return site

        with reusing_copies():
            request._wagtail_site = remember(f"site:{request.get_host()}", find_site)
            return self.get_response(request)
