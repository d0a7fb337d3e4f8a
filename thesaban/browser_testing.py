"""Shared browser-test fixtures: the demo site behind a live server, and Debian's Chromium.

Registered as a pytest plugin by the project's root `conftest.py`, so every browser test module
(public pages, the admin workflow) uses the same server set-up and the same rule for a missing
browser. Each module that asks for `site_url` gets the demo loaded once for its own tests.
"""

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer
from wagtail.models import Page as WagtailPage

from thesaban.core.page_cache import clear_page_cache
from thesaban.demo.services import load_demo

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT_DIR = Path("/tmp/thesaban-screens")
# Every page a test opens records what its Content-Security-Policy blocked (`csp_violations`):
# the browser does not run an injected script, so it is not blocked by the page's own policy.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile || event.documentURI}:${event.lineNumber} (${event.sample})`
  );
});
"""
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def chromium_executable() -> Path:
    """The one place that decides whether a missing browser skips or fails."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("THESABAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"THESABAN_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


def snapshot_database() -> str:
    """Everything in the test database (what the migrations made), as Django serializes it
    for `serialized_rollback`, with content types moved to the front.

    Wagtail's Page and Task look up their content type in `__init__` when they have no id, as
    multi-table children do while they are deserialized; unless the content types are back by
    then, that inserts a second row for the same model, which clashes with the restored one or
    leaves Django's content type cache pointing an id at the wrong model.
    """
    objects = json.loads(connection.creation.serialize_db_to_string())
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    return json.dumps(objects)


def restore_database(snapshot: str) -> None:
    # The demo data was committed, so rolling back cannot remove it: empty every table and put
    # back what the migrations had created, as Django's serialized_rollback does. Sequences
    # must go on from where they are: the restored rows keep their ids, and a sequence reset
    # to 1 would hand those ids out again (PostgreSQL: duplicate key).
    call_command(
        "flush",
        interactive=False,
        verbosity=0,
        reset_sequences=False,
        inhibit_post_migrate=True,
    )
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(snapshot)
    ContentType.objects.clear_cache()
    # Wagtail keeps the site's root paths in the default cache; the page cache holds pages.
    caches["default"].clear()
    clear_page_cache()


class _OneRequestAtATime(StaticFilesHandler):
    """The live server's handler, answering one request at a time.

    With the in-memory SQLite test database, every request thread of the live server shares one
    connection; the admin's parallel requests (an edit POST beside its session pings) would
    otherwise interleave their transactions on it ("no such savepoint").
    """

    _lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            return super().__call__(environ, start_response)


def _start_live_server() -> LiveServer:
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _OneRequestAtATime
    server.start()
    return server


@pytest.fixture(scope="session")
def migrated_database(django_db_setup, django_db_blocker) -> str:
    """What the migrations put in the test database, taken before any test could empty it.

    A transactional test ends by emptying every table, Wagtail's root page included; a module
    that needs the migrated data back asks for this (see `restore_database`).
    """
    with django_db_blocker.unblock():
        return snapshot_database()


@pytest.fixture(scope="module")
def site_url(
    chromium_executable, migrated_database, django_db_blocker, tmp_path_factory
) -> Iterator[str]:
    """The demo site behind a live HTTP server, for this module only.

    pytest-django's `live_server` fixture would empty the database after every test (it is
    transactional), so the demo would have to be loaded again each time; its `LiveServer`
    (the same server, static and media files included) is started here instead.
    """
    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)):
        if not WagtailPage.objects.exists():
            # An earlier transactional test emptied the tables, Wagtail's root page included.
            restore_database(migrated_database)
        try:
            load_demo()
            clear_page_cache()
            # Image renditions an earlier test made (another media folder, rolled-back rows)
            # are remembered in the default cache: the browser would ask for missing files.
            for cache in caches.all():
                cache.clear()
            server = _start_live_server()
            try:
                yield server.url
            finally:
                server.stop()
        finally:
            restore_database(migrated_database)


@pytest.fixture
def browser(site_url, chromium_executable) -> Iterator[Browser]:
    # One Playwright per test, started after pytest-django has opened the test's transaction
    # and stopped before it rolls it back. While Playwright's sync API runs, it leaves an event
    # loop set in this thread, and under a loop Django hands this thread a different database
    # connection (asgiref's Local turns context-local). A Playwright kept open across tests
    # would therefore put each test's transaction on that second connection, whose lock on the
    # in-memory SQLite database makes the server thread's writes fail ("database table is
    # locked"). DJANGO_ALLOW_ASYNC_UNSAFE is deliberately not set: an ORM call made while a
    # browser is open should fail at once with SynchronousOnlyOperation, not in that way.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser: Browser, **context_options) -> Iterator[Page]:
    # A fresh context per test: no focus, cookies or open menus carried over.
    context = browser.new_context(locale="th-TH", **context_options)
    try:
        context.set_default_timeout(10_000)
        context.add_init_script(_WATCH_CSP)
        yield context.new_page()
    finally:
        context.close()


def csp_violations(page: Page) -> list[str]:
    """What the Content-Security-Policy blocked in the page and its frames since they loaded."""
    found = []
    for frame in page.frames:
        try:
            found.extend(frame.evaluate("window.__cspViolations || []"))
        except PlaywrightError:  # a frame that went away meanwhile
            continue
    return found


@pytest.fixture
def page(browser) -> Iterator[Page]:
    with new_page(browser, viewport=DESKTOP) as page:
        yield page


@pytest.fixture
def mobile_page(browser) -> Iterator[Page]:
    with new_page(browser, viewport=MOBILE, is_mobile=True, has_touch=True) as page:
        yield page
