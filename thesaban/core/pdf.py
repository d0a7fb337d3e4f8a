"""HTML to PDF through WeasyPrint: the one place Thesaban talks to the PDF engine.

The page is the same HTML that staff see in the browser. Its stylesheet names the Sarabun font
files by their `/static/` URLs; WeasyPrint fetches them through `StaticFilesFetcher`, which
reads them from the static files on disk, decodes images written into the page itself as
`data:` URIs (the annual report's emblem, frozen with the report), and refuses every other
URL. So a PDF embeds the official-style Thai font without any network access, and text in a
record (titles, comments typed by staff) can never make the server fetch a file or a URL.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the page resolve against this; no request is ever made to it.
BASE_URL = "https://thesaban.invalid/"

# What a `data:` URI may carry: raster images and SVG (which WeasyPrint draws itself, never
# fetching what it links to but through this same fetcher). Nothing else needs one.
DATA_URI_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})
# A page is rendered in the web process: a runaway URI must not take its memory.
DATA_URI_MAX_BYTES = 5 * 1024 * 1024


def decode_data_uri(url: str) -> tuple[str, bytes]:
    """The media type and bytes of an image `data:` URI; ValueError for anything else."""
    if len(url) > DATA_URI_MAX_BYTES * 4 // 3 + 200:
        raise ValueError("data: URI too large")
    header, comma, payload = url[5:].partition(",")
    if not comma:
        raise ValueError("malformed data: URI")
    media_type, *parameters = header.split(";")
    media_type = media_type.strip().lower()
    if media_type not in DATA_URI_TYPES:
        raise ValueError(f"data: URI of a type not embedded: {media_type or 'text/plain'}")
    try:
        if "base64" in (p.strip().lower() for p in parameters):
            body = base64.b64decode(unquote(payload), validate=True)
        else:
            body = unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"malformed data: URI: {error}") from error
    if len(body) > DATA_URI_MAX_BYTES:
        raise ValueError("data: URI too large")
    return media_type, body


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
    """Serves `/static/` URLs from disk and image `data:` URIs from themselves; every other URL
    fails (WeasyPrint skips it)."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            # Decoded here rather than by urllib's DataHandler: only images, and bounded.
            media_type, body = decode_data_uri(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})
        parts = urlsplit(url)
        static_prefix = settings.STATIC_URL
        if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(static_prefix):
            raise ValueError(f"not a static file of this site: {url}")
        name = unquote(parts.path.removeprefix(static_prefix))
        # Refused before any storage is asked, whatever it would make of the name.
        if ".." in Path(name).parts:
            raise ValueError(f"no such static file: {name}")
        path = _static_file(name)
        if path is None:
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
