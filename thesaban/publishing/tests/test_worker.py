"""The real worker process, as `make demo` starts it, honours a publication window."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.utils import timezone

PROMISE = timedelta(minutes=1)


def _page_state(database: Path, page_id: int) -> tuple[int, int]:
    with closing(sqlite3.connect(database, timeout=5)) as reader:
        return reader.execute(
            "SELECT live, expired FROM wagtailcore_page WHERE id = ?", [page_id]
        ).fetchone()


def _logged_at(database: Path, page_id: int, action: str) -> datetime:
    """When Wagtail's audit log recorded `action` on the page (stored as UTC text)."""
    with closing(sqlite3.connect(database, timeout=5)) as reader:
        (text,) = reader.execute(
            "SELECT timestamp FROM wagtailcore_pagelogentry WHERE page_id = ? AND action = ?",
            [page_id, action],
        ).fetchone()
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _wait_for(condition: Callable[[], bool], *, until: datetime) -> bool:
    while timezone.now() < until:
        if condition():
            return True
        time.sleep(0.2)
    return False


# Run in the worker's own environment: the test database's transaction would hide it.
SCHEDULE_A_PAGE = """
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Page
from thesaban.pages.models import NewsPage
from thesaban.pages.services import ensure_site_structure

ensure_site_structure()
index = Page.objects.get(url_path="/home/news/press/")
start = timezone.now() + timedelta(seconds=4)
news = NewsPage(
    title="ข่าวทดสอบผู้ปฏิบัติงานเบื้องหลัง", slug="worker", live=False,
    go_live_at=start, expire_at=start + timedelta(seconds=3),
)
index.add_child(instance=news)
news.save_revision().publish()
print(news.pk, news.go_live_at.isoformat(), news.expire_at.isoformat())
"""


class WorkerProcessTests(TestCase):
    """`manage.py run_worker` in its own process, on a SQLite file as in the demo."""

    @classmethod
    def setUpClass(cls):
        cls.directory = None
        if connection.vendor == "sqlite":
            cls.directory = Path(tempfile.mkdtemp())
            cls.database = cls.directory / "db.sqlite3"
            # The migrated, empty test database as a file, copied before TestCase opens its
            # transaction (which would hold the copy back).
            connection.ensure_connection()
            with closing(sqlite3.connect(cls.database)) as copy:
                connection.connection.backup(copy)
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        if cls.directory is not None:
            shutil.rmtree(cls.directory)

    def setUp(self):
        if self.directory is None:
            self.skipTest("runs the worker on a SQLite file copied from the test database")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "thesaban.settings.dev",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "THESABAN_VAR_DIR": str(self.directory),
        }

    def manage(self, *arguments: str, **popen) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=self.env,
            **popen,
        )

    def test_worker_publishes_and_expires_a_page_on_its_own(self):
        setup = self.manage("shell", "-c", SCHEDULE_A_PAGE, stdout=subprocess.PIPE, text=True)
        output, _errors = setup.communicate(timeout=120)
        self.assertEqual(setup.returncode, 0)
        page_id, start, end = output.split()[-3:]
        page_id, start, end = (
            int(page_id),
            datetime.fromisoformat(start),
            datetime.fromisoformat(end),
        )
        self.assertEqual(_page_state(self.database, page_id), (0, 0))

        with open(self.directory / "worker.log", "w") as log:
            worker = self.manage(
                "run_worker",
                "--no-reload",
                "--no-startup-delay",
                "--schedule-interval=0.5",
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                self.assertFalse(
                    _wait_for(lambda: _page_state(self.database, page_id) != (0, 0), until=start),
                    "not before its start",
                )
                done = _wait_for(
                    lambda: _page_state(self.database, page_id) == (0, 1), until=end + PROMISE
                )
            finally:
                worker.terminate()
                worker.wait(timeout=30)
        log_text = (self.directory / "worker.log").read_text()

        self.assertTrue(done, f"not taken down; worker output:\n{log_text}")
        went_live = _logged_at(self.database, page_id, "wagtail.publish.scheduled")
        came_down = _logged_at(self.database, page_id, "wagtail.unpublish.scheduled")
        self.assertGreaterEqual(went_live, start)
        self.assertLess(went_live - start, PROMISE, log_text)
        self.assertGreaterEqual(came_down, end)
        self.assertLess(came_down - end, PROMISE, log_text)
        self.assertEqual(worker.returncode, 0, "stops cleanly on SIGTERM")
