"""Reading the store page by page: topic counts and listings, one article, the sources' health and runs.

Every query walks an index (``EXPLAIN QUERY PLAN`` in tests/test_web.py):
a topic's newest items come from the newest-first index (probing
``item_topics``) when the topic holds a good share of the items, from
``item_topics`` (then sorted) when it is small; translations share their original's ``url`` (indexed);
topic counts are cached until ``item_topics`` or ``topic_rules`` change.
"""

from __future__ import annotations

import threading

import sqlite_utils

from storage.schema import NEWEST

#: A topic holding at least this share of the items is listed by walking the newest-first index: a walk
#: probes about 1/share rows per item shown.
DENSE_TOPIC = 1 / 200
#: Runs shown per source (the chart of new articles per run).
RUNS_SHOWN = 20
LIST_COLUMNS = ("items.rowid as rowid, items.id, items.url, items.source, items.title, items.published, "
                f"items.first_seen, items.language, items.text, {NEWEST} as newest")


class TopicCounts:
    """Items per topic, counted once and again only after topic membership changed (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: tuple | None = None
        self._counts: dict[str, int] = {}

    def get(self, db: sqlite_utils.Database) -> dict[str, int]:
        """{topic: items}, from the cache while membership is unchanged."""
        token = _membership_token(db)
        with self._lock:
            if token != self._token:
                self._counts = dict(db.execute(
                    "select topic, count(*) from item_topics group by topic").fetchall())
                self._token = token
            return dict(self._counts)


def _membership_token(db: sqlite_utils.Database) -> tuple:
    """Changes whenever membership does: rows are only added (new rowids) or deleted with a rule change."""
    last_row = db.execute("select max(rowid) from item_topics").fetchone()[0]
    rules = db.execute("select max(evaluated), count(*) from topic_rules").fetchone()
    return (last_row, *rules)


def topic_items(db: sqlite_utils.Database, topic: str, members: int | None = None, limit: int = 20,
                before: tuple[str, int] | None = None, columns: str = LIST_COLUMNS) -> list[dict]:
    """A topic's items, newest first (ties: newest row first), older than ``before`` ((newest, rowid) of the
    last one shown). ``members``: how many items the topic has (picks the plan), counted when not given.

    A topic holding at least DENSE_TOPIC of the items walks the newest-first index and stops at the limit;
    a smaller one sorts its members (a walk would pass many rows of other topics first)."""
    if members is None:
        members = db.execute("select count(*) from item_topics where topic = ?", [topic]).fetchone()[0]
    args: dict = {"topic": topic, "limit": limit}
    older = ""
    if before:
        args.update(newest=before[0], rowid=before[1])
        older = (f" and {NEWEST} <= :newest and ({NEWEST} < :newest or items.rowid < :rowid)")
    order = f"order by {NEWEST} desc, items.rowid desc limit :limit"
    total = db.execute("select max(rowid) from items").fetchone()[0] or 0
    if members >= total * DENSE_TOPIC:
        sql = (f"select {columns} from items indexed by idx_items_newest where exists (select 1 "
               f"from item_topics where item_topics.item_id = items.id and item_topics.topic = :topic)"
               f"{older} {order}")
    else:
        sql = (f"select {columns} from item_topics join items on items.id = item_topics.item_id "
               f"where item_topics.topic = :topic{older} {order}")
    return list(db.query(sql, args))


def article(db: sqlite_utils.Database, item_id: str) -> dict | None:
    """One item as stored, with its portal's title, its topics and its other language versions."""
    row = next(iter(db.query("select items.*, sources.title as source_title from items left join sources "
                             "on sources.name = items.source where items.id = ?", [item_id])), None)
    if row is None:
        return None
    row["topics"] = [topic for (topic,) in db.execute(
        "select topic from item_topics where item_id = ? order by topic", [item_id])]
    row["versions"] = versions(db, row)
    return row


def versions(db: sqlite_utils.Database, item: dict) -> list[dict]:
    """The item's original and translations: a translated copy keeps its original's URL (and names it
    in ``translation_of``), so they are the other items at the same ``url``."""
    rows = db.query("select id, title, language, translation_of from items where url = ? and id != ? "
                    "order by translation_of is not null, language", [item["url"], item["id"]])
    return [{**row, "original": row["id"] == item.get("translation_of")} for row in rows]


def source_titles(db: sqlite_utils.Database) -> dict[str, str]:
    """{source name: title} of every configured source."""
    return {name: title or name for name, title in db.execute("select name, title from sources order by name")}


def languages(db: sqlite_utils.Database) -> list[str]:
    """The distinct item languages."""
    return distinct_values(db, "items", "language")


def distinct_values(db: sqlite_utils.Database, table: str, column: str) -> list[str]:
    """The distinct non-null values of an indexed column, one index seek each (not a scan of the index)."""
    found: list[str] = []
    while True:
        row = db.execute(f"select min({column}) from {table} where {column} > ?", [found[-1] if found else ""])
        value = row.fetchone()[0]
        if value is None:
            return found
        found.append(value)


def latest_added(db: sqlite_utils.Database, source: str) -> dict | None:
    """The source's most recently stored item (id, title, published, first_seen, language), or None."""
    return next(iter(db.query("select id, title, published, first_seen, language from items where source = ? "
                              "order by first_seen desc limit 1", [source])), None)


def run_chart(db: sqlite_utils.Database, source: str, limit: int = RUNS_SHOWN) -> list[dict]:
    """The source's last ``limit`` runs, oldest first: started, status, new, updated, failed."""
    rows = db.query("select started, status, coalesce(new, 0) as new, coalesce(updated, 0) as updated, "
                    "coalesce(failed, 0) as failed from crawl_runs where source = ? "
                    "order by started desc, id desc limit ?", [source, limit])
    return list(rows)[::-1]
