"""Baseline for bench/feeds.py: bare feedgen writing each topic's newest items as RSS and Atom.

    python bench/baseline_feedgen.py DB OUT_DIR LIMIT

Reads the topic membership coopfeed stored (``item_topics``), so it does the same
selection without rules, sanitizing, JSON Feed, OPML, index page or change detection.
"""

from __future__ import annotations

import sys
from pathlib import Path

import sqlite_utils
from feedgen.feed import FeedGenerator

NEWEST = """select items.* from items join item_topics on item_topics.item_id = items.id
where item_topics.topic = ? order by items.published_utc desc limit ?"""


def write_topic(db: sqlite_utils.Database, topic: str, out: Path, limit: int) -> None:
    """One topic's RSS and Atom files."""
    fg = FeedGenerator()
    fg.id(f"tag:bench.invalid,2026:{topic}")
    fg.title(topic)
    fg.link(href=f"http://127.0.0.1/{topic}.atom", rel="self")
    fg.link(href="http://127.0.0.1/", rel="alternate")
    fg.description(topic)
    for row in db.query(NEWEST, [topic, limit]):
        entry = fg.add_entry(order="append")
        entry.id(f"tag:bench.invalid,2026:{row['id']}")
        entry.title(row["title"])
        entry.link(href=row["url"])
        entry.published(row["published"])
        entry.updated(row["published"])
        entry.description(row["text"][:300])
        entry.content(row["html"], type="CDATA")
    fg.rss_file(str(out / f"{topic}.rss"))
    fg.atom_file(str(out / f"{topic}.atom"))


def main() -> None:
    db = sqlite_utils.Database(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    for (topic,) in db.execute("select distinct topic from item_topics"):
        write_topic(db, topic, out, int(sys.argv[3]))


if __name__ == "__main__":
    main()
