"""The Store: coopfeed's SQLite file, written by the crawler and read by the feeds.

Example::

    store = Store("coopfeed.db")
    item_id, outcome = store.save_item(article, source="zj_news")
    store.search("Qiandongnan")
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from coopfeed.errors import StoreError
from storage.duplicates import find_duplicate
from storage.ids import item_id
from storage.schema import ensure_schema
from storage.search import search_items

CONTENT_FIELDS = ("title", "text", "html", "published", "author", "origin", "editor")
ARTICLE_FIELDS = ("url", *CONTENT_FIELDS, "language")


def utc_now() -> str:
    """The current time, UTC, ISO 8601 with offset, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def to_utc(published: str | None) -> str | None:
    """An ISO 8601 time with offset as UTC ('…Z'); None stays None."""
    if not published:
        return None
    moment = datetime.fromisoformat(published)
    if moment.tzinfo is None:
        raise StoreError(f"published time {published!r} has no time zone")
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def content_hash(article: dict) -> str:
    """sha256 over the content fields: changes exactly when the article changed."""
    payload = json.dumps([article.get(field) for field in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Store:
    """Items, sources, crawl runs and failures in one SQLite file (WAL mode)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.enable_wal()
            ensure_schema(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable SQLite store ({exc})") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open ({exc.strerror})") from None

    def close(self) -> None:
        self.db.close()

    # -- writing ------------------------------------------------------------

    def save_source(self, name: str, **fields: Any) -> None:
        """Insert or update a row of ``sources``."""
        row = {"name": name, **fields}
        if isinstance(row.get("start_urls"), (list, tuple)):
            row["start_urls"] = json.dumps(list(row["start_urls"]))
        existing = self._get("sources", name)
        row.setdefault("added", existing.get("added") if existing else utc_now())
        self.db["sources"].upsert(row, pk="name")

    def save_item(self, article: dict, *, source: str, translated: bool = False,
                  now: str | None = None) -> tuple[str, str]:
        """Upsert an article: (item id, "new" | "updated" | "unchanged"). Never a second row."""
        now = now or utc_now()
        row = {field: article.get(field) for field in ARTICLE_FIELDS}
        row.update(id=item_id(row["url"], row["language"], translated), source=source,
                   published_utc=to_utc(row["published"]), content_hash=content_hash(article),
                   last_seen=now)
        if translated:
            row["translation_of"] = item_id(row["url"])
        existing = self._get("items", row["id"])
        with self.db.conn:
            if existing is None:
                row.update(first_seen=now, updated=now)
                self._mark_duplicate(row)
                self.db["items"].insert(row)
                return row["id"], "new"
            if existing["content_hash"] == row["content_hash"]:
                self.db["items"].update(row["id"], {"last_seen": now})
                return row["id"], "unchanged"
            row["updated"] = now
            row.pop("source")  # an article found again by another source stays with the first
            self.db["items"].update(row["id"], row)
            return row["id"], "updated"

    def _mark_duplicate(self, row: dict) -> None:
        """The later-published of two copies of one story points to the earlier one."""
        other = find_duplicate(self.db, row)
        if other is None:
            return
        if other["published_utc"] <= row["published_utc"]:
            row["duplicate_of"] = other["id"]
        else:
            self.db["items"].update(other["id"], {"duplicate_of": row["id"]})

    def record_failure(self, source: str, url: str, reason: str, kind: str = "fetch",
                       now: str | None = None, run_started: str | None = None) -> None:
        """Note a page that gave no article (or a field that went missing)."""
        self.db["failures"].insert({"url": url, "source": source, "reason": reason, "kind": kind,
                                    "time": now or utc_now(), "run_started": run_started})

    def record_run(self, source: str, *, started: str, finished: str, pages: int = 0, new: int = 0,
                   updated: int = 0, unchanged: int = 0, failed: int = 0, status: str = "finished") -> int:
        """Add a ``crawl_runs`` row; returns its id."""
        table = self.db["crawl_runs"].insert({
            "source": source, "started": started, "finished": finished, "pages": pages, "new": new,
            "updated": updated, "unchanged": unchanged, "failed": failed, "status": status})
        if self._get("sources", source):
            self.db["sources"].update(source, {"last_run": finished})
        return table.last_pk

    # -- reading ------------------------------------------------------------

    def item(self, id: str) -> dict | None:
        """One item by id, or None."""
        return self._get("items", id)

    def items(self, source: str | None = None, limit: int | None = None) -> list[dict]:
        """Items, newest first (undated ones by when they were first seen)."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["items"].rows_where(
            where, args, order_by="coalesce(published_utc, first_seen) desc", limit=limit))

    def known_ids(self) -> set[str]:
        """Ids of every stored item, whatever its source (a crawl skips them)."""
        return {row[0] for row in self.db.execute("select id from items")}

    def retry_urls(self, source: str, kinds: tuple[str, ...] = ("http", "timeout", "fetch"),
                   limit: int = 200) -> list[str]:
        """URLs whose fetch failed before and that are still not stored: the next crawl tries again."""
        marks = ", ".join("?" for _ in kinds)
        rows = self.db.execute(
            f"select url from failures where source = ? and kind in ({marks}) "
            f"and url not in (select url from items where source = ?) "
            f"group by url order by max(id) desc limit ?", [source, *kinds, source, limit]).fetchall()
        return [row[0] for row in rows]

    def search(self, query: str, *, limit: int = 20, source: str | None = None,
               language: str | None = None) -> list[dict]:
        """Full-text matches, best first; see ``storage.search``."""
        return search_items(self.db, query, limit=limit, source=source, language=language)

    def failures(self, source: str | None = None) -> list[dict]:
        """Recorded failures, newest first."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["failures"].rows_where(where, args, order_by="id desc"))

    def source_health(self) -> list[dict]:
        """Per source: items, newest date, the last run and its failures by kind."""
        health = []
        names = [row["name"] for row in self.db.query("select name from sources order by name")]
        names += [row["source"] for row in self.db.query(
            "select distinct source from items where source not in (select name from sources)")]
        for name in names:
            last_run = next(self.db["crawl_runs"].rows_where(
                "source = ?", [name], order_by="id desc", limit=1), None)
            counts = self.db.execute(
                "select count(*), max(published) from items where source = ?", [name]).fetchone()
            health.append({"source": name, "items": counts[0], "newest": counts[1], "last_run": last_run,
                           "failures": self._failure_kinds(name, last_run)})
        return health

    def _failure_kinds(self, source: str, run: dict | None) -> dict[str, int]:
        if not run:
            return {}
        rows = self.db.execute(
            "select kind, count(*) from failures where source = ? and run_started >= ? "
            "group by kind order by kind", [source, run["started"]]).fetchall()
        return dict(rows)

    def _get(self, table: str, pk: str) -> dict | None:
        try:
            return self.db[table].get(pk)
        except sqlite_utils.db.NotFoundError:
            return None
