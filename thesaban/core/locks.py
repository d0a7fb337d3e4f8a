"""Named locks shared by every worker process, kept by the database they all use.

`database_lock("publication-windows")` yields True while this process holds the lock and False
at once, without waiting, when another holds it. Two workers' schedulers waking at the same
moment, or two site checks started by hand and by the clock, must not both do the work.

- PostgreSQL: a session advisory lock, keyed by a hash of the name; PostgreSQL releases it if
  the process dies.
- SQLite: the database is a file on this machine, so every worker is on this machine too: an
  exclusive `flock` on a file beside it, one file per name, released by the kernel if the
  process dies. (A test's in-memory database belongs to one process: a lock in memory.)
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

_in_memory_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


def advisory_key(name: str) -> int:
    """The PostgreSQL advisory lock key of `name`: a signed 64-bit number."""
    digest = hashlib.sha256(f"thesaban:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def database_lock(name: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"A lock name is lower-case letters, digits and hyphens: {name!r}")
    connection = connections[using]
    if connection.vendor == "postgresql":
        with _postgresql_advisory_lock(connection, advisory_key(name)) as held:
            yield held
    elif connection.vendor == "sqlite":
        with _sqlite_lock(connection, name) as held:
            yield held
    else:
        raise ImproperlyConfigured(f"No database lock for the {connection.vendor} database")


@contextmanager
def _postgresql_advisory_lock(connection: BaseDatabaseWrapper, key: int) -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _sqlite_lock(connection: BaseDatabaseWrapper, name: str) -> Iterator[bool]:
    if connection.is_in_memory_db():
        lock = _in_memory_locks[name]
        held = lock.acquire(blocking=False)
        try:
            yield held
        finally:
            if held:
                lock.release()
        return
    with open(f"{connection.settings_dict['NAME']}.{name}.lock", "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
