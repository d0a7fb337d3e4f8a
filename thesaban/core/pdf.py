"""HTML to PDF through WeasyPrint: the one place Thesaban talks to the PDF engine.

The page is the same HTML that staff see in the browser. Its stylesheet names the Sarabun font
files by their `/static/` URLs; WeasyPrint fetches them through `StaticFilesFetcher`, which
reads them from the static files on disk and refuses every other URL. So a PDF embeds the
official-style Thai font without any network access, and text in a record (titles, comments
typed by staff) can never make the server fetch a file or a URL.
"""

from __future__ import annotations

import mimetypes
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the page resolve against this; no request is ever made to it.
BASE_URL = "https://thesaban.invalid/"


def _static_file(name: str) -> Path | None:
    # Collected files first (hashed names in production), then the apps' own static dirs.
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a storage with no local files
        pass
    found = finders.find(name)
    return Path(found) if found else None


class StaticFilesFetcher(URLFetcher):
    """Serves `/static/` URLs from disk; every other URL fails (WeasyPrint skips it)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        static_prefix = settings.STATIC_URL
        if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(static_prefix):
            raise ValueError(f"not a static file of this site: {url}")
        name = unquote(parts.path.removeprefix(static_prefix))
        path = _static_file(name)
        if path is None or ".." in Path(name).parts:
            raise ValueError(f"no such static file: {name}")
        # WeasyPrint reads a linked stylesheet only when told it is text/css.
        mime_type, _encoding = mimetypes.guess_type(path.name)
        headers = {"Content-Type": mime_type} if mime_type else None
        return URLFetcherResponse(url, body=path.read_bytes(), headers=headers)


# fontTools stamps every font subset it writes with the current time (the `head` table), so two
# renderings of the same page a second apart differ in bytes, unless SOURCE_DATE_EPOCH is set
# (the reproducible-builds convention, which fontTools follows). A subset embedded in a PDF is
# dated by nobody; a fixed stamp lets a frozen document re-render byte for byte. The lock keeps
# one thread's restore from racing another's render (rendering holds the GIL anyway).
_FONT_TIMESTAMP = "0"
_font_timestamp_lock = threading.Lock()


@contextmanager
def _fixed_font_timestamps():
    with _font_timestamp_lock:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        if previous is None:
            os.environ["SOURCE_DATE_EPOCH"] = _FONT_TIMESTAMP
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of `html`, with the fonts its stylesheet names embedded.

    The same HTML gives the same bytes: the document's dates are the page's own
    (`<meta name="dcterms.created">`, none if absent) and the embedded fonts carry a fixed
    stamp, never the time of rendering.
    """
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    with _fixed_font_timestamps():
        return document.write_pdf()
