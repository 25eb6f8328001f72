"""The store's tables, indexes and full-text index, created or completed idempotently with sqlite-utils."""

from __future__ import annotations

import logging
import re

import sqlite_utils

from coopfeed.errors import StoreError
from storage.clock import to_utc

logger = logging.getLogger(__name__)

# The schema is part of the product (users query it with SQL, sqlite-utils and
# Datasette): change it only by adding columns, and document every change.
TABLES: dict[str, dict] = {
    "sources": {
        "columns": {"name": str, "title": str, "profile": str, "start_urls": str, "language": str,
                    "timezone": str, "schedule": str, "added": str, "last_run": str,
                    "status": str, "status_reason": str, "status_since": str},
        "pk": "name",
    },
    "items": {
        "columns": {"id": str, "url": str, "source": str, "title": str, "published": str,
                    "published_utc": str, "author": str, "origin": str, "editor": str, "language": str,
                    "text": str, "html": str, "first_seen": str, "last_seen": str, "updated": str,
                    "content_hash": str, "translation_of": str, "duplicate_of": str, "changed": str},
        "pk": "id",
        "indexes": [["source", "first_seen"], ["published_utc"], ["url"], ["updated"], ["changed"],
                    ["language"]],
    },
    "crawl_runs": {
        "columns": {"id": int, "source": str, "started": str, "finished": str, "pages": int, "new": int,
                    "updated": int, "unchanged": int, "failed": int, "status": str, "links": int,
                    "not_modified": int, "listing_complete": int, "error": str},
        "pk": "id",
        "indexes": [["source", "started"]],
    },
    "failures": {
        "columns": {"id": int, "url": str, "source": str, "reason": str, "kind": str, "time": str,
                    "run_started": str},
        "pk": "id",
        "indexes": [["source", "time"]],
    },
    "failed_pages": {  # article pages to fetch again, with backoff, until stored or given up
        "columns": {"source": str, "url": str, "fetch_url": str, "item_id": str, "kind": str, "reason": str,
                    "attempts": int, "first_failed": str, "last_failed": str, "next_attempt": str, "given_up": int},
        "pk": ("source", "url"),
        "indexes": [["source", "next_attempt"], ["item_id"]],
    },
    "health_events": {  # one row per change of a source's status (the health feed)
        "columns": {"id": int, "source": str, "status": str, "previous": str, "reason": str, "time": str},
        "pk": "id",
        "indexes": [["time"]],
    },
    "ingested": {  # the cluster writer's receipts: a message stored once, even when read again after a crash
        "columns": {"id": str, "time": str},
        "pk": "id",
        "indexes": [["time"]],
    },
    "cluster_rounds": {  # rounds of a cluster crawl still open: their run row and the counts so far
        "columns": {"round": str, "source": str, "run_id": int, "started": str, "counters": str},
        "pk": "round",
    },
    "item_topics": {
        "columns": {"item_id": str, "topic": str, "assigned": str},
        "pk": ("item_id", "topic"),
        "foreign_keys": [("item_id", "items", "id")],
        "indexes": [["topic"]],
    },
    "topic_rules": {  # written by feeds/membership.py: when each topic's rule last ran
        "columns": {"topic": str, "rule_hash": str, "evaluated": str, "members": int},
        "pk": "topic",
    },
}

FTS_COLUMNS = ["title", "text"]
CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
#: Bumped with every change above: a store already at this version skips the checks on open.
SCHEMA_VERSION = 9
#: Newest first, as feeds, pages and searches list items: ``order by NEWEST desc`` walks this index.
NEWEST = "coalesce(published_utc, first_seen)"
#: The FTS index follows title and text only: touching ``last_seen`` or ``duplicate_of`` re-indexes nothing.
FTS_UPDATE_TRIGGER = """CREATE TRIGGER "items_au" AFTER UPDATE OF "title", "text" ON "items" BEGIN
  INSERT INTO "items_fts" ("items_fts", rowid, "title", "text") VALUES('delete', old.rowid, old."title", old."text");
  INSERT INTO "items_fts" (rowid, "title", "text") VALUES (new.rowid, new."title", new."text");
END"""


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create what is missing (tables, columns, indexes, the FTS index); leave everything else alone.

    A store already at SCHEMA_VERSION (``PRAGMA user_version``) is left as it is without a look.
    """
    if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    for name, spec in TABLES.items():
        table = db.table(name)
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"))
        else:
            _add_missing_columns(table, spec["columns"])
        for columns in spec.get("indexes", []):
            table.create_index(columns, if_not_exists=True)
    db.execute(f"CREATE INDEX IF NOT EXISTS idx_items_newest ON items({NEWEST})")
    # The near-duplicate candidates of a new item, read from the index alone: content_hash and
    # duplicate_of come after text and html in the row, whose overflow pages would be read for them.
    db.execute("CREATE INDEX IF NOT EXISTS idx_items_window ON items"
               "(published_utc, language, source, duplicate_of, id, content_hash, title)")
    ensure_fts(db)
    ensure_bigrams(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def ensure_fts(db: sqlite_utils.Database) -> None:
    """The trigram FTS5 index over title and text (external content: the text is stored once, in
    ``items``), kept current by triggers; the update trigger fires only when title or text change.

    trigram, not the default tokenizer: that one keeps a whole run of Chinese
    characters as a single token. ``replace=True`` makes this a no-op when the
    index is already right and rebuilds one made with other settings.
    """
    db.table("items").enable_fts(FTS_COLUMNS, fts_version="FTS5", tokenize="trigram",
                                 create_triggers=True, replace=True)
    update = db.execute("select sql from sqlite_master where type = 'trigger' and name = 'items_au'").fetchone()
    if update is None or update[0] != FTS_UPDATE_TRIGGER:
        db.execute('DROP TRIGGER IF EXISTS "items_au"')
        db.execute(FTS_UPDATE_TRIGGER)


def ensure_bigrams(db: sqlite_utils.Database) -> None:
    """``items_cjk``: the Chinese character pairs of each item, an FTS5 index for two-character terms
    (援藏, 四川), which the trigram index cannot find. coopfeed keeps it current (``Store``); a new
    one is filled from the stored items."""
    if db["items_cjk"].exists():
        return
    db.execute("CREATE VIRTUAL TABLE items_cjk USING fts5(bigrams, tokenize='unicode61')")
    rows = db.execute("select rowid, title, text from items").fetchall()
    db.conn.executemany("insert into items_cjk (rowid, bigrams) values (?, ?)",
                        [(rowid, pairs) for rowid, title, text in rows if (pairs := cjk_bigrams(title, text))])


def cjk_bigrams(*texts: str | None) -> str:
    """The distinct pairs of adjacent CJK characters in the texts, space-separated ("援藏 藏工 …")."""
    pairs = {run[i:i + 2] for text in texts for run in CJK_RUN_RE.findall(text or "") for i in range(len(run) - 1)}
    return " ".join(sorted(pairs))


def _add_missing_columns(table: sqlite_utils.db.Table, columns: dict[str, type]) -> None:
    """Add the columns an older file lacks, and fill the ones derived from others."""
    present = table.columns_dict
    for column, kind in columns.items():
        if column not in present:
            logger.info("adding column %s.%s to an older store", table.name, column)
            table.add_column(column, kind)
            if (table.name, column) == ("items", "published_utc"):
                _backfill_published_utc(table)
            if (table.name, column) == ("items", "changed"):
                table.db.execute("update items set changed = updated")


def _backfill_published_utc(table: sqlite_utils.db.Table) -> None:
    """Derive ``published_utc`` for rows stored before that column existed."""
    rows = list(table.db.execute("select id, published from items where published is not null"))
    with table.db.atomic():
        for item_id, published in rows:
            try:
                utc = to_utc(published)
            except StoreError:
                continue  # an unparseable old value stays undated for ordering
            table.db.execute("update items set published_utc = ? where id = ?", [utc, item_id])
