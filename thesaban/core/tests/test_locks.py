import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import TestCase

from thesaban.core import locks


class DatabaseLockTests(TestCase):
    def test_a_second_holder_is_refused_until_the_first_lets_go(self):
        with locks.database_lock("site-check") as first:
            self.assertTrue(first)
            if connection.vendor == "postgresql":
                # Another worker process: its own database session.
                other = connections.create_connection(DEFAULT_DB_ALIAS)
                try:
                    with other.cursor() as cursor:
                        cursor.execute(
                            "SELECT pg_try_advisory_lock(%s)",
                            [locks.advisory_key("site-check")],
                        )
                        self.assertFalse(cursor.fetchone()[0])
                finally:
                    other.close()
            else:
                with locks.database_lock("site-check") as second:
                    self.assertFalse(second)
        with locks.database_lock("site-check") as again:
            self.assertTrue(again)

    def test_locks_of_different_names_do_not_exclude_each_other(self):
        with (
            locks.database_lock("site-check") as check,
            locks.database_lock("publication-windows") as windows,
        ):
            self.assertTrue(check)
            self.assertTrue(windows)

    def test_a_name_must_be_a_plain_word(self):
        with self.assertRaises(ValueError), locks.database_lock("site check; drop"):
            pass


class SQLiteFileLockTests(TestCase):
    def test_two_holders_of_a_database_file_exclude_each_other(self):
        """On a SQLite file (the demo), the lock is a flock that two workers cannot share."""
        with tempfile.TemporaryDirectory() as directory:
            database = SimpleNamespace(
                is_in_memory_db=lambda: False,
                settings_dict={"NAME": str(Path(directory) / "db.sqlite3")},
            )
            with (
                locks._sqlite_lock(database, "site-check") as first,
                locks._sqlite_lock(database, "site-check") as second,
                locks._sqlite_lock(database, "publication-windows") as other_name,
            ):
                self.assertTrue(first)
                self.assertFalse(second)
                self.assertTrue(other_name)
            with locks._sqlite_lock(database, "site-check") as again:
                self.assertTrue(again)
