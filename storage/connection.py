"""The SQLite connection of the store: opening, transactions, and waiting out other writers.

Several processes share one store (a crawl, a feed build, Datasette, users'
own queries). SQLite lets one of them write at a time; the others wait for
the lock (``busy_timeout``) and, when SQLite gives up without waiting (a
read transaction that would write after another process wrote), the whole
operation is tried again. Nothing is dropped for a lock: only after
``LOCK_PATIENCE`` seconds does a write fail, with one clear line.
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from coopfeed.errors import StoreError
from storage.schema import ensure_schema

BUSY_TIMEOUT = 30.0  # seconds SQLite itself waits for another writer
LOCK_PATIENCE = 300.0  # seconds a write is retried before it fails


def open_database(path: Path) -> sqlite_utils.Database:
    """The database at ``path`` in WAL mode with the schema complete; StoreError if it cannot be."""
    conn = None
    try:
        # isolation_level=None: no transaction Python opens behind our back (one left open by an
        # INSERT would swallow every later write and be rolled back at close); ours are explicit.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT, isolation_level=None)
        # execute_plugins=False: coopfeed uses no sqlite-utils plugin, and finding them scans every installed
        # package's entry points (30 ms of each command's start-up).
        db = sqlite_utils.Database(conn, execute_plugins=False)
        _with_lock_retries(db.enable_wal)
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: one fsync per checkpoint, not per item
        _with_lock_retries(lambda: _migrate(db))
        return db
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        raise _open_error(path, exc) from None


def _migrate(db: sqlite_utils.Database) -> None:
    """The schema checks and changes, all or nothing."""
    with transaction(db):
        ensure_schema(db)


def store_errors(method: Callable) -> Callable:
    """A Store method that waits out other writers and turns SQLite errors into one StoreError line."""

    @functools.wraps(method)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        try:
            if self.db.conn.in_transaction:  # inside a caller's transaction: the caller retries
                return method(self, *args, **kwargs)
            return _with_lock_retries(lambda: method(self, *args, **kwargs))
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    return wrapper


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT: a read-then-write no other writer can slip into (nested: joins the outer)."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")


def is_locked(exc: BaseException) -> bool:
    """Whether an SQLite error only means another connection holds the lock."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


def _with_lock_retries(operation: Callable[[], Any], patience: float = LOCK_PATIENCE) -> Any:
    deadline = time.monotonic() + patience
    pause = 0.05
    while True:
        try:
            return operation()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 2.0)


def _open_error(path: Path, exc: Exception) -> StoreError:
    """One line saying why the file at ``path`` cannot be the store."""
    if path.is_dir():
        why = "it is a folder, not a file"
    elif not path.parent.is_dir():
        why = f"the folder {path.parent} does not exist"
    elif "not a database" in str(exc):
        why = "the file is not a SQLite database"
    elif "readonly" in str(exc) or isinstance(exc, PermissionError):
        why = "it cannot be written (read-only file or folder)"
    elif "unable to open" in str(exc):
        why = "it cannot be created or opened (check the folder's permissions)"
    else:
        why = str(exc)
    return StoreError(f"{path}: not a usable SQLite store: {why}")
