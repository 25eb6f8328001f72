"""A big store for the benchmarks: N items in the real schema, bulk-loaded, the full-text indexes built once.

    python bench/bigstore.py N --out DIR/coopfeed.db [--base-url http://127.0.0.1:8800]

The items are the replica's generated articles (replica/synthetic.py) of the
demo's portals, spread evenly over the demo sources (the Chinese portal's share
in Chinese), stored as a crawl of them would store them. Beside the store it
writes the demo's ``sources.toml`` and ``topics.toml`` so that ``coopfeed feeds
build --config DIR/sources.toml --db DIR/coopfeed.db`` works on it. Topics are
not assigned: the first ``feeds build`` does that (bench/feeds.py times it).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coopfeed.demo import write_demo_config  # noqa: E402
from replica.synthetic import synthetic_articles  # noqa: E402
from replica.truth import SOURCE_OF_PORTAL  # noqa: E402
from storage import Store  # noqa: E402
from storage.db import _item_row  # noqa: E402
from storage.schema import cjk_bigrams  # noqa: E402

BATCH = 5000
NEWEST = datetime(2026, 11, 30, 12, 0)
SEEN = "2026-12-01T00:00:00+00:00"
ORIGINS = {"en": "Zhejiang Daily", "zh": "浙江在线"}


def article_rows(count: int, base_url: str):
    """``count`` items rows in batches, an equal share from each portal."""
    portals = list(SOURCE_OF_PORTAL)
    for index, portal in enumerate(portals):
        share = count // len(portals) + (index < count % len(portals))
        articles = synthetic_articles(portal, share, NEWEST)
        for start in range(0, share, BATCH):
            yield [_row(article, portal, base_url) for article in articles[start:start + BATCH]]


def _row(article, portal: str, base_url: str) -> dict:
    text = "\n\n".join(article.paragraphs)
    html = "".join(f"<p>{paragraph}</p>" for paragraph in article.paragraphs)
    fields = {"url": base_url + article.path, "title": article.title, "published": article.published_aware,
              "author": article.author or None, "origin": article.origin or ORIGINS[article.language],
              "editor": article.editor or None, "language": article.language, "text": text, "html": html}
    row = _item_row(fields, SOURCE_OF_PORTAL[portal], translated=False)
    row.update(first_seen=SEEN, last_seen=SEEN, updated=SEEN, changed=SEEN)
    return row


def build(count: int, out: Path, base_url: str) -> float:
    """Write the store; returns the seconds it took."""
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_demo_config(out.parent, base_url)
    with Store(out) as store:
        db = store.db
        for name in SOURCE_OF_PORTAL.values():
            store.save_source(name, now=SEEN, title=name, profile="bench")
        trigger = db.execute("select sql from sqlite_master where name = 'items_ai'").fetchone()[0]
        db.execute("drop trigger items_ai")
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("BEGIN")
        for batch in article_rows(count, base_url):
            columns = list(batch[0])
            db.conn.executemany(f"insert or ignore into items ({', '.join(columns)}) "
                                f"values ({', '.join('?' * len(columns))})",
                                [[row[column] for column in columns] for row in batch])
        db.execute("insert into items_fts (items_fts) values ('rebuild')")
        db.conn.executemany("insert into items_cjk (rowid, bigrams) values (?, ?)",
                            ((rowid, cjk_bigrams(title, text)) for rowid, title, text in
                             db.execute("select rowid, title, text from items where language = 'zh'")))
        db.execute(trigger)
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("ANALYZE")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", type=int, help="how many items")
    parser.add_argument("--out", type=Path, required=True, help="the store to write (must not exist)")
    parser.add_argument("--base-url", default="http://127.0.0.1:8800", help="the replica address in the URLs")
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"bigstore: {args.out} exists")
    seconds = build(args.items, args.out, args.base_url.rstrip("/"))
    print(f"{args.items} items in {args.out} ({args.out.stat().st_size / 1e6:.0f} MB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
