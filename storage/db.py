"""The Store: coopfeed's SQLite file, written by the crawler and read by the feeds, the CLI and users."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import sqlite_utils

from coopfeed.errors import StoreError
from storage.browse import distinct_values
from storage.clock import iso, stamp, to_utc, utc_now
from storage.connection import open_database, store_errors, transaction
from storage.duplicates import Sketches, find_duplicate
from storage.ids import item_id
from storage.runs import RUN_COLUMNS, CrawlLog
from storage import browse
from storage.schema import NEWEST, TABLES, cjk_bigrams
from storage.search import search_items

__all__ = ["Store", "content_hash", "utc_now"]

logger = logging.getLogger(__name__)

CONTENT_FIELDS = ("title", "text", "html", "published", "author", "origin", "editor")
ARTICLE_FIELDS = ("url", *CONTENT_FIELDS, "language")
ITEM_COLUMNS = f"items.*, items.rowid as rowid, {NEWEST} as newest"
#: What tells whether an item's feed entry changed, without its text (``changed`` moves with every edit), and
#: what a headline shows.
ITEM_KEY_COLUMNS = ("items.id, items.source, items.language, items.changed, items.updated, items.url, items.title, "
                    "items.published, items.first_seen")


def content_hash(article: dict) -> str:
    """sha256 over the content fields: it changes exactly when the stored article would."""
    payload = json.dumps([article.get(field) for field in CONTENT_FIELDS], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Store(CrawlLog):
    """Items, sources, crawl runs and failures in one SQLite file (WAL mode), schema created on open.

    Example::

        with Store("coopfeed.db") as store:
            item_id, outcome = store.save_item(article, source="zj_news")
            store.search("援藏 Qiandongnan")
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db: sqlite_utils.Database = open_database(self.path)
        self._sketches = Sketches()  # text sketches for duplicate screening, kept while open

    def close(self) -> None:
        """Close the connection (the file stays as it is)."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------

    @store_errors
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

    @store_errors
    def save_item(self, article: dict, *, source: str, translated: bool = False,
                  now: str | None = None) -> tuple[str, str]:
        """Insert or update one article: (item id, "new" | "updated" | "unchanged"). Never a second row.

        Unchanged content (same ``content_hash``) only moves ``last_seen``. A stored page leaves
        ``failed_pages``.
        """
        [result] = self.save_items([(article, source, translated)], now=now)
        if isinstance(result, StoreError):
            raise result
        return result

    @store_errors
    def save_items(self, articles: list[tuple[dict, str, bool]],
                   now: str | None = None) -> list[tuple[str, str] | StoreError]:
        """Save a batch of (article, source, translated) in one transaction, like ``save_item`` each:
        per article its (id, outcome), or the StoreError that kept it out (the others are saved)."""
        now = stamp(now)
        results: list[tuple[str, str] | StoreError] = []
        with transaction(self.db):
            for article, source, translated in articles:
                try:
                    row = _item_row(article, source, translated)
                except StoreError as exc:
                    results.append(exc)
                    continue
                results.append((row["id"], self._save_row(row, now)))
        return results

    def _save_row(self, row: dict, now: str) -> str:
        """Insert or update one prepared row inside the caller's transaction; returns the outcome."""
        db = self.db
        db.execute("delete from failed_pages where item_id = ?", [row["id"]])
        existing = db.execute("select rowid, content_hash from items where id = ?", [row["id"]]).fetchone()
        if existing is None:
            row.update(first_seen=now, last_seen=now, updated=now, changed=now)
            self._mark_duplicate(row, now)
            cursor = db.execute(f"insert into items ({', '.join(row)}) values ({', '.join('?' * len(row))})",
                                list(row.values()))
            self._index_bigrams(cursor.lastrowid, row)
            return "new"
        if existing[1] == row["content_hash"]:
            db.execute("update items set last_seen = ? where id = ?", [now, row["id"]])
            return "unchanged"
        row.pop("source")  # an article found again by another source stays with the first
        values = {**row, "last_seen": now, "updated": now, "changed": now}
        db.execute(f"update items set {', '.join(f'{column} = ?' for column in values)} where id = ?",
                   [*values.values(), row["id"]])
        db.execute("delete from items_cjk where rowid = ?", [existing[0]])
        self._index_bigrams(existing[0], row)
        return "updated"

    def _index_bigrams(self, rowid: int, row: dict) -> None:
        pairs = cjk_bigrams(row.get("title"), row.get("text"))
        if pairs:
            self.db.execute("insert into items_cjk (rowid, bigrams) values (?, ?)", [rowid, pairs])

    def _mark_duplicate(self, row: dict, now: str) -> None:
        """Of a new item and its near-duplicate, the later-published points to the earlier one.

        When the new item is the earlier, the stored copy (and any row pointing to it) is
        re-pointed to it, so the outcome does not depend on the order of saving; the re-pointed
        rows are ``changed`` now, so topic membership looks at them again.
        """
        other = find_duplicate(self.db, row, self._sketches)
        if other is None:
            return
        logger.debug("%s and %s tell the same story", row["url"], other["id"])
        if other["published_utc"] <= row["published_utc"]:
            row["duplicate_of"] = other["id"]
            return
        self.db.execute("update items set duplicate_of = ?, changed = ? where id = ? or duplicate_of = ?",
                        [row["id"], now, other["id"], other["id"]])

    # -- reading ------------------------------------------------------------

    @store_errors
    def item(self, id: str) -> dict | None:
        """One item by id, or None."""
        return self._get("items", id)

    @store_errors
    def items(self, source: str | None = None, limit: int | None = None) -> list[dict]:
        """Items, newest first (undated ones by when they were first seen)."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["items"].rows_where(
            where, args, order_by="coalesce(published_utc, first_seen) desc", limit=limit))

    @store_errors
    def topic_items(self, topic: str, limit: int, before: tuple[str, int] | None = None,
                    members: int | None = None, columns: str = ITEM_COLUMNS) -> list[dict]:
        """A topic's items (every column, or ``columns``), newest first (undated ones by when they were first
        seen); see ``storage.browse.topic_items``."""
        return browse.topic_items(self.db, topic, members, limit, before, columns=columns)

    @store_errors
    def items_by_id(self, ids: list[str]) -> list[dict]:
        """Items (every column) in the order of ``ids``; ids not stored are left out."""
        if not ids:
            return []
        rows = {row["id"]: row for row in self.db.query(
            f"select {ITEM_COLUMNS} from items where id in ({', '.join('?' * len(ids))})", ids)}
        return [rows[item_id] for item_id in ids if item_id in rows]

    @store_errors
    def known_urls(self, source: str) -> set[str]:
        """Canonical URLs already stored for a source."""
        return {row[0] for row in self.db.execute("select url from items where source = ?", [source])}

    @store_errors
    def known_ids(self) -> set[str]:
        """Ids of every stored item, whatever its source (a crawl skips them)."""
        return {row[0] for row in self.db.execute("select id from items")}

    @store_errors
    def search(self, query: str, *, limit: int = 20, offset: int = 0, source: str | None = None,
               language: str | None = None) -> list[dict]:
        """Matches for ``query`` (English or Chinese), best first: dicts with id, url, source, title,
        published, language, snippet. See ``storage.search``."""
        return search_items(self.db, query, limit=limit, offset=offset, source=source, language=language)

    @store_errors
    def failures(self, source: str | None = None) -> list[dict]:
        """Recorded failures, newest first."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["failures"].rows_where(where, args, order_by="id desc"))

    @store_errors
    def source_health(self) -> list[dict]:
        """Per source: status, item count, newest date, the last run, and that run's failures by kind.

        Each dict: source, status (ok | degraded | broken | unknown before a first run), reason, since,
        items, newest, last_added, last_run (dict or None), failures ({kind: count}), last_failure
        (url, kind, reason, time; or None), retrying and given_up (failed pages).
        """
        return [self._health(name) for name in self._source_names()]

    # -- helpers ------------------------------------------------------------

    def _health(self, source: str) -> dict:
        run = next(iter(self.db.query(
            f"select {RUN_COLUMNS} from crawl_runs where source = ? order by started desc, id desc limit 1",
            [source])), None)
        count, last_added = self.db.execute(
            "select count(*), max(first_seen) from items where source = ?", [source]).fetchone()
        # max() walks the index led by published_utc down to the source's first row: sorting the
        # source's rows took 40 ms at 50,000 items a source.
        newest = self.db.execute(
            "select published from items where source = :source and published_utc = "
            "(select max(published_utc) from items where source = :source) limit 1", {"source": source}).fetchone()
        failures = self._run_failures(source, run)
        status = self.db.execute("select status, status_reason, status_since from sources where name = ?",
                                 [source]).fetchone() or (None, None, None)
        retrying, given_up = self.db.execute(
            "select count(*) - coalesce(sum(given_up), 0), coalesce(sum(given_up), 0) from failed_pages "
            "where source = ?", [source]).fetchone()
        return {"source": source, "status": status[0] or "unknown", "reason": status[1] or "",
                "since": status[2], "items": count, "newest": newest[0] if newest else None,
                "last_added": last_added, "last_run": run, "failures": _count_kinds(failures),
                "last_failure": failures[0] if failures else None, "retrying": retrying, "given_up": given_up}

    def _run_failures(self, source: str, run: dict | None) -> list[dict]:
        """Failures of one run, newest first: tagged with its start, or untagged but inside its time."""
        if run is None:
            return []
        return list(self.db.query(
            "select url, kind, reason, time from failures where source = :source and "
            "(run_started = :started or (run_started is null and time between :started and :finished)) "
            "order by id desc", {"source": source, "started": run["started"],
                                 "finished": run["finished"] or run["started"]}))

    def _source_names(self) -> list[str]:
        """Every source the store knows of: configured, with items, or with runs."""
        rows = self.db.execute("select name from sources union select source from crawl_runs")
        names = {name for (name,) in rows} | set(distinct_values(self.db, "items", "source"))
        return sorted(name for name in names if name is not None)

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
