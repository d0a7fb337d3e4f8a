"""A web worker starts without the libraries that only a PDF, an export, the site check or TOTP
enrolment need: each would cost every worker its memory for the few requests that use it
(benchmarks/README.md, "Worker memory"). They are imported inside the functions that use them.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

REPO_DIR = Path(__file__).resolve().parents[3]

DEFERRED = (
    "weasyprint",  # PDFs (core.pdf), with fontTools and pydyf
    "fontTools",
    "pydyf",
    "openpyxl",  # XLSX exports and the annual report's tables
    "httpx",  # the site check's requests to outside sites
    "qrcode",  # the TOTP enrolment's QR code, with Pillow's drawing modules
    "PIL.ImageDraw",
    "pypdf",  # tests only
)

# What a gunicorn worker loads (thesaban.wsgi: django.setup()), then the URLconf and every
# app's wagtail_hooks, as the first admin request does.
STARTUP = f"""
import json, sys
import thesaban.wsgi
from django.urls import get_resolver
from wagtail import hooks
get_resolver().url_patterns
hooks.search_for_hooks()
print(json.dumps(sorted(name for name in {DEFERRED!r} if name in sys.modules)))
"""


class StartupImportTests(SimpleTestCase):
    def test_a_web_worker_starts_without_the_pdf_export_checker_or_qr_code_libraries(self):
        result = subprocess.run(
            [sys.executable, "-c", STARTUP],
            cwd=REPO_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "thesaban.settings.test"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertEqual(json.loads(result.stdout.splitlines()[-1]), [])
