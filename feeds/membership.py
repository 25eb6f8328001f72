"""Topic membership in the store (``item_topics``), kept in step with the rules.

A topic whose rule changed (or is new) is evaluated over every item; an
unchanged one only over items ``changed`` since its last evaluation (new, edited,
or re-pointed as a near-duplicate); a topic no longer configured loses its rows.
One assignment of a store runs at a time. SQL users query ``item_topics``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from coopfeed.errors import ConfigError
from feeds.topics import Matcher, Topic
from storage import Store
from storage.clock import utc_now
from storage.connection import transaction
from storage.locks import build_lock

ITEM_COLUMNS = "id, source, language, title, text, duplicate_of"


def assign_topics(store: Store, topics: list[Topic], now: str | None = None) -> dict[str, int]:
    """Bring ``item_topics`` up to date; returns the number of items per topic."""
    now = now or utc_now()
    db = store.db
    with build_lock(store.path), transaction(db):
        rules = {row["topic"]: row for row in db["topic_rules"].rows}
        for name in set(rules) - {topic.name for topic in topics}:
            db.execute("delete from item_topics where topic = ?", [name])
            db.execute("delete from topic_rules where topic = ?", [name])
        for topic in topics:
            rule = rules.get(topic.name)
            since = rule["evaluated"] if rule and rule["rule_hash"] == topic.rule_hash else None
            _evaluate(store, topic, since, now)
            db["topic_rules"].upsert({"topic": topic.name, "rule_hash": topic.rule_hash, "evaluated": now},
                                     pk="topic")
    return dict(db.execute("select topic, count(*) from item_topics group by topic").fetchall())


def matching_items(store: Store, topic: Topic) -> Iterator[tuple[dict, str]]:
    """(item, why) for every stored item the topic's rule takes, newest first."""
    matcher = _matcher(store, topic)
    rows = store.db.query(f"select {ITEM_COLUMNS}, url, published from items "
                          "order by coalesce(published_utc, first_seen) desc")
    for item in rows:
        why = _why(matcher, item)
        if why:
            yield item, why


def _evaluate(store: Store, topic: Topic, since: str | None, now: str) -> None:
    db = store.db
    matcher = _matcher(store, topic)
    if since is None:
        db.execute("delete from item_topics where topic = ?", [topic.name])
        rows = db.query(f"select {ITEM_COLUMNS} from items")
    else:
        rows = list(db.query(f"select {ITEM_COLUMNS} from items where changed >= ?", [since]))
        db.conn.executemany("delete from item_topics where topic = ? and item_id = ?",
                            [(topic.name, row["id"]) for row in rows])
    members = [{"item_id": row["id"], "topic": topic.name, "assigned": now} for row in rows if _why(matcher, row)]
    db["item_topics"].insert_all(members, pk=("item_id", "topic"), replace=True)


def _why(matcher: Matcher, item: dict) -> str | None:
    if matcher.topic.collapse_duplicates and item.get("duplicate_of"):
        return None
    return matcher.why(item)


def _matcher(store: Store, topic: Topic) -> Matcher:
    matcher = Matcher.compile(topic)
    if topic.query:
        try:
            rows = store.db.execute(
                "select items.id from items_fts join items on items.rowid = items_fts.rowid "
                "where items_fts match ?", [topic.query]).fetchall()
        except sqlite3.OperationalError as exc:
            raise ConfigError(f"topic {topic.name!r}: bad FTS5 query {topic.query!r} ({exc})") from None
        matcher.fts_ids = {row[0] for row in rows}
    return matcher
