"""The PDF engine's fetcher: static files and images written into the page, nothing else."""

from __future__ import annotations

import base64
import io
from urllib.parse import quote

import pypdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import SimpleTestCase
from PIL import Image

from thesaban.core.pdf import (
    BASE_URL,
    DATA_URI_MAX_BYTES,
    StaticFilesFetcher,
    decode_data_uri,
    html_to_pdf,
)


def png(size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (11, 79, 108)).save(output, format="PNG")
    return output.getvalue()


def data_uri(body: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64,{base64.b64encode(body).decode('ascii')}"


def page_images(pdf: bytes) -> list[tuple[int, int]]:
    return [image.image.size for image in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images]


class FetcherTests(SimpleTestCase):
    def setUp(self):
        self.fetcher = StaticFilesFetcher()

    def test_static_files_are_served_from_disk(self):
        response = self.fetcher.fetch(f"{BASE_URL}static/img/emblem.svg")
        self.assertIn(b"<svg", response.read())
        self.assertEqual(response.content_type, "image/svg+xml")

    def test_an_image_data_uri_is_decoded_in_place(self):
        body = png()
        response = self.fetcher.fetch(data_uri(body))
        self.assertEqual(response.read(), body)
        self.assertEqual(response.content_type, "image/png")
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
        self.assertEqual(self.fetcher.fetch(f"data:image/svg+xml,{quote(svg)}").read(), svg)

    def test_everything_else_is_refused(self):
        default_storage.save("pdf-test/secret.png", ContentFile(png()))
        self.addCleanup(default_storage.delete, "pdf-test/secret.png")
        refused = [
            "https://example.com/emblem.png",
            "http://127.0.0.1:8000/static/img/emblem.svg",
            "file:///etc/passwd",
            f"{BASE_URL}media/pdf-test/secret.png",
            f"{BASE_URL}static/../../../etc/passwd",
            f"{BASE_URL}static/img/%2e%2e/%2e%2e/settings/base.py",
            "data:text/html;base64," + base64.b64encode(b"<p>x</p>").decode(),
            "data:,plain text",
            "data:image/png;base64,not*base64",
            "data:image/png;base64",
            data_uri(b"\0" * (DATA_URI_MAX_BYTES + 1)),
        ]
        for url in refused:
            with self.subTest(url=url[:80]), self.assertRaises(ValueError):
                self.fetcher.fetch(url)

    def test_decode_data_uri_refuses_an_oversized_uri_before_decoding_it(self):
        with self.assertRaisesMessage(ValueError, "too large"):
            decode_data_uri("data:image/png;base64," + "A" * (DATA_URI_MAX_BYTES * 2))


class EmbeddedImageTests(SimpleTestCase):
    def test_an_image_written_into_the_page_is_embedded(self):
        pdf = html_to_pdf(f'<p>ตรา</p><img src="{data_uri(png((40, 30)))}" alt="">')
        self.assertEqual(page_images(pdf), [(40, 30)])

    def test_an_image_from_elsewhere_is_left_out(self):
        default_storage.save("pdf-test/elsewhere.png", ContentFile(png()))
        self.addCleanup(default_storage.delete, "pdf-test/elsewhere.png")
        pdf = html_to_pdf(
            '<img src="/media/pdf-test/elsewhere.png" alt="">'
            '<img src="https://example.com/x.png" alt="">'
        )
        self.assertEqual(page_images(pdf), [])
