"""The store's tables, created (or completed) idempotently with sqlite-utils.

The schema is part of the product: users query it. README.md documents it.
"""

from __future__ import annotations

import sqlite_utils

TABLES: dict[str, dict] = {
    "sources": {
        "columns": {"name": str, "title": str, "profile": str, "start_urls": str, "language": str,
                    "timezone": str, "schedule": str, "added": str, "last_run": str},
        "pk": "name",
    },
    "items": {
        "columns": {"id": str, "url": str, "source": str, "title": str, "published": str,
                    "published_utc": str, "author": str, "origin": str, "editor": str, "language": str,
                    "text": str, "html": str, "first_seen": str, "last_seen": str, "updated": str,
                    "content_hash": str, "translation_of": str, "duplicate_of": str},
        "pk": "id",
        "indexes": [["source"], ["published_utc"], ["url"], ["updated"]],
    },
    "crawl_runs": {
        "columns": {"id": int, "source": str, "started": str, "finished": str, "pages": int, "new": int,
                    "updated": int, "unchanged": int, "failed": int, "status": str},
        "pk": "id",
        "indexes": [["source", "started"]],
    },
    "failures": {
        "columns": {"id": int, "url": str, "source": str, "reason": str, "kind": str, "time": str,
                    "run_started": str},
        "pk": "id",
        "indexes": [["source", "time"]],
    },
    "item_topics": {
        "columns": {"item_id": str, "topic": str, "assigned": str},
        "pk": ("item_id", "topic"),
        "indexes": [["topic"]],
    },
    "topic_rules": {
        "columns": {"topic": str, "rule_hash": str, "evaluated": str},
        "pk": "topic",
    },
}

FTS_COLUMNS = ["title", "text"]


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and the FTS index; change nothing else."""
    for name, spec in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"])
        else:
            missing = {col: kind for col, kind in spec["columns"].items() if col not in table.columns_dict}
            for column, kind in missing.items():
                table.add_column(column, kind)
        for columns in spec.get("indexes", []):
            table.create_index(columns, if_not_exists=True)
    if not db["items"].detect_fts():
        # trigram: English and Chinese alike (the default tokenizer keeps a run of
        # Chinese characters as one token); triggers keep the index in step.
        db["items"].enable_fts(FTS_COLUMNS, fts_version="FTS5", tokenize="trigram", create_triggers=True)
