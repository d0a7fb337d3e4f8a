"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

REPOSITORY = Path(__file__).resolve().parents[3]


def import_production_settings(**environment: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="thesaban.settings.production")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_refuses_to_start_without_secrets(self):
        result = import_production_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS", result.stderr)

    def test_names_only_what_is_missing(self):
        result = import_production_settings(SECRET_KEY="x" * 60, DATABASE_URL="sqlite:///tmp.db")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("need these environment variables: ALLOWED_HOSTS", result.stderr)

    def test_starts_with_all_three(self):
        result = import_production_settings(
            SECRET_KEY="x" * 60, DATABASE_URL="sqlite:///tmp.db", ALLOWED_HOSTS="example.go.th"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
