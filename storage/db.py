"""The Store: coopfeed's SQLite file, written by the crawler and read by the feeds, the CLI and users."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from coopfeed.errors import StoreError
from storage.clock import iso, stamp, to_utc, utc_now
from storage.duplicates import Sketches, find_duplicate
from storage.ids import item_id
from storage.schema import TABLES, ensure_schema
from storage.search import search_items

__all__ = ["Store", "content_hash", "utc_now"]

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ("title", "text", "html", "published", "author", "origin", "editor")
ARTICLE_FIELDS = ("url", *CONTENT_FIELDS, "language")
RUN_COLUMNS = "id, started, finished, pages, new, updated, unchanged, failed, status"


def content_hash(article: dict) -> str:
    """sha256 over the content fields: it changes exactly when the stored article would."""
    payload = json.dumps([article.get(field) for field in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _store_errors(method: Callable) -> Callable:
    """Turn any SQLite error inside a Store method into one StoreError line naming the file."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc

    return wrapper


class Store:
    """Items, sources, crawl runs and failures in one SQLite file (WAL mode), schema created on open.

    Example::

        with Store("coopfeed.db") as store:
            item_id, outcome = store.save_item(article, source="zj_news")
            store.search("援藏 Qiandongnan")
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db: sqlite_utils.Database = _open(self.path)
        self._sketches = Sketches()  # text sketches for duplicate screening, kept while open

    def close(self) -> None:
        """Close the connection (the file stays as it is)."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------

    @_store_errors
    def save_source(self, name: str, *, now: str | None = None, **fields: Any) -> None:
        """Insert or update a row of ``sources``; ``start_urls`` may be a list (stored as JSON)."""
        unknown = sorted(set(fields) - set(TABLES["sources"]["columns"]))
        if unknown:
            raise StoreError(f"{self.path}: sources has no column {', '.join(unknown)}")
        row = {"name": name, **fields}
        if isinstance(row.get("start_urls"), (list, tuple)):
            row["start_urls"] = json.dumps(list(row["start_urls"]), ensure_ascii=False)
        existing = self._get("sources", name)
        row.setdefault("added", existing["added"] if existing and existing.get("added") else stamp(now))
        self.db["sources"].upsert(row, pk="name")

    @_store_errors
    def save_item(self, article: dict, *, source: str, translated: bool = False,
                  now: str | None = None) -> tuple[str, str]:
        """Insert or update one article: (item id, "new" | "updated" | "unchanged"). Never a second row.

        Unchanged content (same ``content_hash``) only moves ``last_seen``.
        """
        now = stamp(now)
        row = _item_row(article, source, translated)
        with self._transaction():
            existing = self._get("items", row["id"])
            if existing is None:
                row.update(first_seen=now, last_seen=now, updated=now)
                self._mark_duplicate(row)
                self.db["items"].insert(row)
                return row["id"], "new"
            if existing["content_hash"] == row["content_hash"]:
                self.db["items"].update(row["id"], {"last_seen": now})
                return row["id"], "unchanged"
            row.pop("source")  # an article found again by another source stays with the first
            self.db["items"].update(row["id"], {**row, "last_seen": now, "updated": now})
            return row["id"], "updated"

    @_store_errors
    def record_failure(self, source: str, url: str, reason: str, kind: str = "fetch",
                       now: str | None = None, run_started: str | None = None) -> int:
        """Note a page that gave no article, or a field that went missing; returns the row id.

        ``kind``: fetch, http, timeout, body, title, date or parse.
        """
        table = self.db["failures"].insert({"url": url, "source": source, "reason": reason, "kind": kind,
                                            "time": stamp(now),
                                            "run_started": stamp(run_started) if run_started else None})
        return table.last_pk

    @_store_errors
    def record_run(self, source: str, started: str, finished: str, pages: int = 0, new: int = 0,
                   updated: int = 0, unchanged: int = 0, failed: int = 0, status: str = "finished") -> int:
        """Add a ``crawl_runs`` row (and set the source's ``last_run``); returns its id."""
        with self._transaction():
            table = self.db["crawl_runs"].insert({
                "source": source, "started": stamp(started), "finished": stamp(finished), "pages": pages,
                "new": new, "updated": updated, "unchanged": unchanged, "failed": failed, "status": status})
            self.db.execute("update sources set last_run = ? where name = ?", [stamp(finished), source])
        return table.last_pk

    def _mark_duplicate(self, row: dict) -> None:
        """Of a new item and its near-duplicate, the later-published points to the earlier one.

        When the new item is the earlier, the stored copy (and any row pointing to it) is
        re-pointed to it, so the outcome does not depend on the order of saving.
        """
        other = find_duplicate(self.db, row, self._sketches)
        if other is None:
            return
        logger.debug("%s and %s tell the same story", row["url"], other["id"])
        if other["published_utc"] <= row["published_utc"]:
            row["duplicate_of"] = other["id"]
            return
        self.db.execute("update items set duplicate_of = ? where id = ? or duplicate_of = ?",
                        [row["id"], other["id"], other["id"]])

    # -- reading ------------------------------------------------------------

    @_store_errors
    def item(self, id: str) -> dict | None:
        """One item by id, or None."""
        return self._get("items", id)

    @_store_errors
    def items(self, source: str | None = None, limit: int | None = None) -> list[dict]:
        """Items, newest first (undated ones by when they were first seen)."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["items"].rows_where(
            where, args, order_by="coalesce(published_utc, first_seen) desc", limit=limit))

    @_store_errors
    def known_urls(self, source: str) -> set[str]:
        """Canonical URLs already stored for a source."""
        return {row[0] for row in self.db.execute("select url from items where source = ?", [source])}

    @_store_errors
    def known_ids(self) -> set[str]:
        """Ids of every stored item, whatever its source (a crawl skips them)."""
        return {row[0] for row in self.db.execute("select id from items")}

    @_store_errors
    def retry_urls(self, source: str, kinds: tuple[str, ...] = ("http", "timeout", "fetch"),
                   limit: int = 200) -> list[str]:
        """URLs whose fetch failed before and that are still not stored: the next crawl tries again."""
        marks = ", ".join("?" for _ in kinds)
        rows = self.db.execute(
            f"select url from failures where source = ? and kind in ({marks}) "
            f"and url not in (select url from items where source = ?) "
            f"group by url order by max(id) desc limit ?", [source, *kinds, source, limit]).fetchall()
        return [row[0] for row in rows]

    @_store_errors
    def search(self, query: str, *, limit: int = 20, source: str | None = None,
               language: str | None = None) -> list[dict]:
        """Matches for ``query`` (English or Chinese), best first: dicts with id, url, source, title,
        published, language, snippet. See ``storage.search``."""
        return search_items(self.db, query, limit=limit, source=source, language=language)

    @_store_errors
    def failures(self, source: str | None = None) -> list[dict]:
        """Recorded failures, newest first."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["failures"].rows_where(where, args, order_by="id desc"))

    @_store_errors
    def source_health(self) -> list[dict]:
        """Per source: item count, newest date, the last run, and that run's failures by kind.

        Each dict: source, items, newest, last_added, last_run (dict or None), failures ({kind: count}),
        last_failure (url, kind, reason, time; or None).
        """
        return [self._health(name) for name in self._source_names()]

    # -- helpers ------------------------------------------------------------

    def _health(self, source: str) -> dict:
        run = next(iter(self.db.query(
            f"select {RUN_COLUMNS} from crawl_runs where source = ? order by started desc, id desc limit 1",
            [source])), None)
        count, last_added = self.db.execute(
            "select count(*), max(first_seen) from items where source = ?", [source]).fetchone()
        newest = self.db.execute(
            "select published from items where source = ? and published_utc is not null "
            "order by published_utc desc limit 1", [source]).fetchone()
        failures = self._run_failures(source, run)
        return {"source": source, "items": count, "newest": newest[0] if newest else None,
                "last_added": last_added, "last_run": run, "failures": _count_kinds(failures),
                "last_failure": failures[0] if failures else None}

    def _run_failures(self, source: str, run: dict | None) -> list[dict]:
        """Failures of one run, newest first: tagged with its start, or untagged but inside its time."""
        if run is None:
            return []
        return list(self.db.query(
            "select url, kind, reason, time from failures where source = :source and "
            "(run_started = :started or (run_started is null and time between :started and :finished)) "
            "order by id desc", {"source": source, "started": run["started"], "finished": run["finished"]}))

    def _source_names(self) -> list[str]:
        """Every source the store knows of: configured, with items, or with runs."""
        rows = self.db.execute("select name from sources union select source from items "
                               "union select source from crawl_runs")
        return sorted(name for (name,) in rows if name is not None)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT: a read-then-write no other writer can slip into."""
        if self.db.conn.in_transaction:
            yield
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.conn.execute("COMMIT")

    def _get(self, table: str, pk: str) -> dict | None:
        try:
            return self.db[table].get(pk)
        except sqlite_utils.db.NotFoundError:
            return None


def _item_row(article: dict, source: str, translated: bool) -> dict:
    """The ``items`` row for an article, without the times the store sets."""
    if not article.get("url"):
        raise StoreError(f"article without a url cannot be stored (title: {article.get('title')!r})")
    row = {field: article.get(field) for field in ARTICLE_FIELDS}
    row["published"] = iso(row["published"])
    try:
        published_utc = to_utc(row["published"])
    except StoreError as exc:
        raise StoreError(f"{row['url']}: {exc}") from None
    row.update(id=item_id(row["url"], row["language"], translated), source=source,
               published_utc=published_utc, content_hash=content_hash(row),
               translation_of=item_id(row["url"]) if translated else None)
    return row


def _count_kinds(failures: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for failure in sorted(failures, key=lambda row: row["kind"] or ""):
        counts[failure["kind"]] = counts.get(failure["kind"], 0) + 1
    return counts


def _open(path: Path) -> sqlite_utils.Database:
    """The database at ``path`` in WAL mode with the schema complete; StoreError if it cannot be."""
    db = None
    try:
        db = sqlite_utils.Database(path)
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")  # WAL: one fsync per checkpoint, not per item
        ensure_schema(db)
        return db
    except (sqlite3.Error, OSError) as exc:
        if db is not None:
            db.close()
        raise _open_error(path, exc) from None


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
