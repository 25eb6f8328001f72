"""Baseline for bench/feeds.py: bare feedgen writing each topic's newest items as RSS and Atom
(and a JSON Feed with json.dumps), the same files coopfeed writes for those topics.

    python bench/baseline_feedgen.py DB OUT_DIR LIMIT [TOPIC,TOPIC,...]

Reads the topic membership coopfeed stored (``item_topics``), so it does the same
selection without rules, sanitizing, OPML, index page or change detection.
Without a topic list it writes every topic.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import sqlite_utils
from feedgen.feed import FeedGenerator

NEWEST = """select items.* from items join item_topics on item_topics.item_id = items.id
where item_topics.topic = ? order by coalesce(items.published_utc, items.first_seen) desc limit ?"""


def write_topic(db: sqlite_utils.Database, topic: str, out: Path, limit: int) -> None:
    """One topic's RSS, Atom and JSON Feed files."""
    fg = FeedGenerator()
    fg.id(f"tag:bench.invalid,2026:{topic}")
    fg.title(topic)
    fg.link(href=f"http://127.0.0.1/{topic}.atom", rel="self")
    fg.link(href="http://127.0.0.1/", rel="alternate")
    fg.description(topic)
    items = []
    for row in db.query(NEWEST, [topic, limit]):
        entry = fg.add_entry(order="append")
        entry.id(f"tag:bench.invalid,2026:{row['id']}")
        entry.title(row["title"])
        entry.link(href=row["url"])
        entry.published(row["published"])
        entry.updated(row["published"])
        entry.description(row["text"][:300])
        entry.content(row["html"], type="CDATA")
        items.append({"id": row["id"], "url": row["url"], "title": row["title"], "content_html": row["html"],
                      "date_published": row["published"]})
    fg.rss_file(str(out / f"{topic}.rss"))
    fg.atom_file(str(out / f"{topic}.atom"))
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": topic, "items": items}
    (out / f"{topic}.json").write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    db = sqlite_utils.Database(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    topics = sys.argv[4].split(",") if len(sys.argv) > 4 else [
        topic for (topic,) in db.execute("select distinct topic from item_topics")]
    for topic in topics:
        write_topic(db, topic, out, int(sys.argv[3]))


if __name__ == "__main__":
    main()
