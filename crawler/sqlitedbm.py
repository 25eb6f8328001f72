"""A ``dbm``-style module on SQLite, for Scrapy's DBM HTTP cache where Python has no gdbm.

Python's fallback, ``dbm.dumb``, reads its whole index with ``ast.literal_eval``
on every open (a tenth of a second for 4,000 pages, at every crawl), rewrites it
on close and is left inconsistent by a killed process. This module is what
Python 3.13 ships as ``dbm.sqlite3``: one table of keys and values, opened in
constant time, safe across kill -9. ``HTTPCACHE_DBM_MODULE`` names it when
``dbm.gnu`` cannot be imported.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, MutableMapping

error = (sqlite3.Error, KeyError)


#: Writes committed together (a killed crawl loses at most these cache entries, never the file).
COMMIT_EVERY = 200


class Database(MutableMapping):
    """Bytes keys and values in a SQLite file (WAL; writes committed in groups and at close)."""

    def __init__(self, path: str, flag: str = "c"):
        uri = f"file:{path}?mode={'ro' if flag == 'r' else 'rwc'}"
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        self.unsaved = 0
        if flag != "r":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("CREATE TABLE IF NOT EXISTS dict (key BLOB PRIMARY KEY, value BLOB) WITHOUT ROWID")

    def __getitem__(self, key: str | bytes) -> bytes:
        row = self.conn.execute("SELECT value FROM dict WHERE key = ?", [_bytes(key)]).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: str | bytes, value: str | bytes) -> None:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN")
        self.conn.execute("INSERT OR REPLACE INTO dict (key, value) VALUES (?, ?)", [_bytes(key), _bytes(value)])
        self.unsaved += 1
        if self.unsaved >= COMMIT_EVERY:
            self.sync()

    def sync(self) -> None:
        """Commit the writes so far."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.unsaved = 0

    def __delitem__(self, key: str | bytes) -> None:
        if self.conn.execute("DELETE FROM dict WHERE key = ?", [_bytes(key)]).rowcount == 0:
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return self.conn.execute("SELECT 1 FROM dict WHERE key = ?", [_bytes(key)]).fetchone() is not None

    def __iter__(self) -> Iterator[bytes]:
        return (row[0] for row in self.conn.execute("SELECT key FROM dict"))

    def __len__(self) -> int:
        return self.conn.execute("SELECT count(*) FROM dict").fetchone()[0]

    def keys(self) -> list[bytes]:
        return list(self)

    def close(self) -> None:
        self.sync()
        self.conn.close()


def open(path: str, flag: str = "c", mode: int = 0o666) -> Database:  # noqa: A001 - the dbm interface
    """Open (``flag`` "c": create if missing; "r": read only) the database at ``path``."""
    return Database(path, flag)


def _bytes(value: object) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("utf-8")
