"""Topic membership in the store (``item_topics``), kept in step with the rules.

Topics whose rule changed (or is new) are evaluated over every item; the
others only over items ``changed`` since their last evaluation (new, edited,
or re-pointed as a near-duplicate); a topic no longer configured loses its
rows. All topics of an evaluation share one pass over the items
(``feeds.matching``). One assignment of a store runs at a time. SQL users
query ``item_topics``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from feeds.matching import TopicIndex
from feeds.topics import CJK_RE, Topic
from storage import Store
from storage.clock import utc_now
from storage.connection import transaction
from storage.locks import build_lock

ITEM_COLUMNS = "rowid, id, source, language, title, text, duplicate_of"


def assign_topics(store: Store, topics: list[Topic], now: str | None = None) -> dict[str, int]:
    """Bring ``item_topics`` up to date; returns the number of items per topic (kept in ``topic_rules``,
    so that no build counts a big table again)."""
    now = now or utc_now()
    db = store.db
    with build_lock(store.path), transaction(db):
        rules = {row["topic"]: row for row in db["topic_rules"].rows}
        for name in set(rules) - {topic.name for topic in topics}:
            db.execute("delete from item_topics where topic = ?", [name])
            db.execute("delete from topic_rules where topic = ?", [name])
        current = [t for t in topics if t.name in rules and rules[t.name]["rule_hash"] == t.rule_hash]
        changed = [t for t in topics if t not in current]
        counts = {t.name: _members(db.conn, t.name, rules[t.name]["members"]) for t in current}
        if changed:
            db.conn.executemany("delete from item_topics where topic = ?", [(t.name,) for t in changed])
            counts.update(_assign(store, changed, None, now))
        if current:
            delta = _assign(store, current, min(rules[t.name]["evaluated"] for t in current), now)
            counts.update({t.name: counts[t.name] + delta[t.name] for t in current})
        db.conn.executemany("insert or replace into topic_rules (topic, rule_hash, evaluated, members) "
                            "values (?, ?, ?, ?)", [(t.name, t.rule_hash, now, counts[t.name]) for t in topics])
    return {name: count for name, count in counts.items() if count}


def _members(conn, topic: str, known: int | None) -> int:
    """A topic's item count as the last assignment left it (counted once for a store from before counts
    were kept)."""
    if known is not None:
        return known
    return conn.execute("select count(*) from item_topics where topic = ?", [topic]).fetchone()[0]


def matching_items(store: Store, topic: Topic) -> Iterator[tuple[dict, str]]:
    """(item, why) for every stored item the topic's rule takes, newest first."""
    index = TopicIndex([topic])
    index.load_queries(store.db.conn)
    rows = store.db.query(f"select {ITEM_COLUMNS}, url, published from items "
                          "order by coalesce(published_utc, first_seen) desc")
    for item in rows:
        why = index.why(topic, item, index.found(item))
        if why:
            yield item, why


def _assign(store: Store, topics: list[Topic], since: str | None, now: str) -> dict[str, int]:
    """Evaluate ``topics`` over every item (``since`` None) or over those changed since, in one pass;
    returns how many items each topic gained (fewer than none: lost).

    Topics that only filter (``all``, ``source-<name>``, languages) are one SQL statement each.
    """
    db = store.db
    where, args = ("", []) if since is None else (" where changed >= ?", [since])
    gained = Counter({topic.name: 0 for topic in topics})
    if since is not None:
        for topic in topics:
            gained[topic.name] -= db.conn.execute(
                "delete from item_topics where topic = ? and item_id in (select id from items where changed >= ?)",
                [topic.name, since]).rowcount
    filters = [topic for topic in topics if _filters_only(topic)]
    for topic in filters:
        gained[topic.name] += _assign_by_sql(db.conn, topic, where, args, now)
    topics = [topic for topic in topics if topic not in filters]
    if not topics:
        return dict(gained)
    index = TopicIndex(topics)
    index.load_queries(db.conn)
    scan_all = since is not None or index.reads_everything
    candidates = set() if scan_all else index.candidates(db.conn)
    always = [topic for topic in topics if not index.by_keywords(topic)]
    members = []
    for item in db.query(f"select {ITEM_COLUMNS} from items{where}", args):
        found = index.found(item) if scan_all or _may_hold_keywords(item, index, candidates) else set()
        members += [(item["id"], topic.name, now) for topic in (topics if found else always)
                    if index.why(topic, item, found)]
    db.conn.executemany("insert or replace into item_topics (item_id, topic, assigned) values (?, ?, ?)", members)
    gained.update(topic for _, topic, _ in members)
    return dict(gained)


def _filters_only(topic: Topic) -> bool:
    return topic.matches_everything and not (topic.exclude or topic.exclude_regex)


def _assign_by_sql(conn, topic: Topic, where: str, args: list, now: str) -> int:
    """A topic without keywords: its sources, languages and duplicate rule as one INSERT … SELECT; returns
    the rows inserted."""
    conditions, values = [], []
    for column, allowed in (("source", topic.sources), ("language", topic.languages)):
        if allowed:
            conditions.append(f"{column} in ({', '.join('?' * len(allowed))})")
            values += allowed
    if topic.collapse_duplicates:
        conditions.append("duplicate_of is null")
    condition = " and ".join(conditions)
    where = where + (f" and {condition}" if where and condition else f" where {condition}" if condition else "")
    table = "items indexed by idx_items_changed" if args else "items"  # not the source index: few rows changed
    return conn.execute(f"insert or replace into item_topics (item_id, topic, assigned) select id, ?, ? "
                        f"from {table}{where}", [topic.name, now, *args, *values]).rowcount


def _may_hold_keywords(item: dict, index: TopicIndex, candidates: set[int]) -> bool:
    """The pre-filter: an FTS hit, or Chinese text when some keyword is too short for the index."""
    if item["rowid"] in candidates:
        return True
    return index.short_chinese and bool(CJK_RE.search(f"{item.get('title') or ''}{item.get('text') or ''}"))
