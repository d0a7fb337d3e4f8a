"""THESABAN_REQUIRE_TOTP: on by default and in tests, off for the demo, never off in production."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

REPOSITORY = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "SECRET_KEY": "x" * 60,
    "DATABASE_URL": "sqlite:///tmp.db",
    "ALLOWED_HOSTS": "example.go.th",
}

_PRINT_REQUIRE_TOTP = """
import django
django.setup()
from django.conf import settings
print(settings.THESABAN_REQUIRE_TOTP)
"""


def require_totp_under(settings_module: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "THESABAN_REQUIRE_TOTP"}
    env.update(environment, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            _PRINT_REQUIRE_TOTP,
        ],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


class RequireTOTPSettingTests(SimpleTestCase):
    def test_the_demo_runs_without_it(self):
        self.assertEqual(require_totp_under("thesaban.settings.dev").stdout.strip(), "False")

    def test_production_refuses_to_start_without_it(self):
        result = require_totp_under(
            "thesaban.settings.production", THESABAN_REQUIRE_TOTP="false", **PRODUCTION
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("THESABAN_REQUIRE_TOTP=false is for the demo only", result.stderr)
