"""A real municipality goes live from the README, without the demo.

The README's production block is read and run as an operator would type it (with a throwaway
database and folders): the commands, then gunicorn answering for the municipality's own
domain. If the README and the software drift apart, this fails.
"""

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.test import SimpleTestCase

REPO = Path(__file__).resolve().parents[3]
DOMAIN = "www.example.go.th"


def readme_production_block() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Running in production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Database:
    """A database of its own for the run: a file on SQLite, a new database on PostgreSQL."""

    def __init__(self, tmp: Path):
        engine = settings.DATABASES["default"]["ENGINE"]
        self.name = f"thesaban_readme_{os.getpid()}"
        if "postgresql" in engine:
            import psycopg

            db = settings.DATABASES["default"]
            host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
            self.admin = f"postgresql://{db['USER']}@{host}:{port}/postgres"
            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                connection.execute(f'CREATE DATABASE "{self.name}"')
            self.url = self.admin.rsplit("/", 1)[0] + f"/{self.name}"
        else:
            self.admin = None
            self.url = f"sqlite:///{tmp / 'thesaban.sqlite3'}"

    def drop(self) -> None:
        if self.admin:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class ReadmeProductionSetupTests(SimpleTestCase):
    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def run_manage(self, env: dict, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.assertEqual(result.returncode, 0, f"{args}: {result.stdout}\n{result.stderr}")
        return result

    def test_the_readme_production_commands_make_a_live_municipality(self):
        database = _Database(self.tmp)
        self.addCleanup(database.drop)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
        }
        env.update(
            THESABAN_VAR_DIR=str(self.tmp / "var"),
            STATIC_ROOT=str(self.tmp / "static"),
            MEDIA_ROOT=str(self.tmp / "media"),
            DJANGO_SUPERUSER_USERNAME="host",
            DJANGO_SUPERUSER_EMAIL="host@example.go.th",
            DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(16),
        )
        server_line = None
        for line in readme_production_block():
            command = line.split("#", 1)[0].strip() if " #" in line else line.strip()
            if command.startswith("export "):
                key, value = command[len("export ") :].split("=", 1)
                if key == "SECRET_KEY":
                    value = secrets.token_urlsafe(50)
                elif key == "DATABASE_URL":
                    value = database.url
                elif key == "REDIS_URL":
                    continue  # optional, and the README says so
                env[key] = value.strip("\"'")
                continue
            words = shlex.split(command)
            if words[:2] == ["uv", "sync"]:
                continue  # the test runs inside the environment it would make
            if words[0].endswith("gunicorn"):
                server_line = words
                continue
            self.assertEqual(words[:2], [".venv/bin/python", "manage.py"], line)
            if words[2] == "run_worker":
                continue  # a service that runs forever; the worker has its own tests
            if words[2] == "createsuperuser":
                words.append("--noinput")
            self.run_manage(env, *words[2:])

        self.assertEqual(env["DJANGO_SETTINGS_MODULE"], "thesaban.settings.production")
        self.run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
        # After migrate and setup_site, without the demo: the roles, the divisions, the site.
        facts = (
            self.run_manage(
                env,
                "shell",
                "--no-imports",
                "-c",
                "from wagtail.models import Site; from thesaban.accounts.models import Division, "
                "SiteRole; s = Site.objects.get(is_default_site=True); "
                "print(s.hostname, s.port, sorted(SiteRole.objects.filter(site=s)"
                ".values_list('role', flat=True)), Division.objects.filter(site=s).count(), "
                "Division.objects.filter(site=s, sections__isnull=False).distinct().count())",
            )
            .stdout.splitlines()[-1]
            .split()
        )
        self.assertEqual(facts[:2], [DOMAIN, "443"])
        self.assertIn("'web_operator']", facts)
        self.assertEqual(facts[-2:], ["7", "7"])

        # gunicorn as the README starts it, on a port of the test's own.
        self.assertIsNotNone(server_line)
        port = _free_port()
        bind = server_line.index("-b")
        server_line[bind + 1] = f"127.0.0.1:{port}"
        server_line[0] = str(Path(sys.executable).with_name("gunicorn"))
        server = subprocess.Popen(
            server_line, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.addCleanup(server.wait, 10)
        self.addCleanup(server.terminate)
        headers = {"Host": DOMAIN, "X-Forwarded-Proto": "https"}
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(100):
            try:
                home = httpx.get(f"{base}/", headers=headers, timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            self.fail("gunicorn did not answer")
        self.assertEqual(home.status_code, 200)
        self.assertIn("เทศบาลตำบลตัวอย่าง", home.text)
        sitemap = httpx.get(f"{base}/sitemap.xml", headers=headers, timeout=10)
        self.assertEqual(sitemap.status_code, 200)
        locations = re.findall(r"<loc>(.*?)</loc>", sitemap.text)
        self.assertGreater(len(locations), 50)
        self.assertTrue(
            all(location.startswith(f"https://{DOMAIN}/") for location in locations),
            [location for location in locations if DOMAIN not in location][:3],
        )
        self.assertEqual(
            httpx.get(f"{base}/admin/login/", headers=headers, timeout=10).status_code, 200
        )
