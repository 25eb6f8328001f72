"""Near-duplicate detection: the same release published by two portals.

Cheap by construction: only items of OTHER sources, in the same language,
published within three days, are compared; the test is the Jaccard overlap
of word 3-gram shingles of the text (CJK characters count as words), or of
the title words when the texts are short.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlite_utils

TOKEN_RE = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)
WINDOW = timedelta(days=3)
TEXT_THRESHOLD = 0.35
TITLE_THRESHOLD = 0.6


def tokens(text: str) -> list[str]:
    """Lowercased word tokens; each CJK character is one token."""
    return [token.lower() for token in TOKEN_RE.findall(text or "")]


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    """The set of word ``size``-grams of a text."""
    words = tokens(text)
    return {tuple(words[i:i + size]) for i in range(max(0, len(words) - size + 1))}


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b| (0 for two empty sets)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def find_duplicate(db: sqlite_utils.Database, item: dict) -> dict | None:
    """An item (id, published_utc) from another source that tells the same story, if any."""
    if not item.get("published_utc"):
        return None
    published = datetime.fromisoformat(item["published_utc"])
    rows = db.query(
        "select id, title, text, published_utc from items where source != :source and language is :language "
        "and published_utc between :low and :high and duplicate_of is null and id != :id",
        {"source": item["source"], "language": item.get("language"), "id": item["id"],
         "low": _utc(published - WINDOW), "high": _utc(published + WINDOW)},
    )
    text_shingles = shingles(item.get("text") or "")
    title_words = set(tokens(item.get("title") or ""))
    for row in rows:
        if (jaccard(text_shingles, shingles(row["text"] or "")) >= TEXT_THRESHOLD
                or jaccard(title_words, set(tokens(row["title"] or ""))) >= TITLE_THRESHOLD):
            return row
    return None


def _utc(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
