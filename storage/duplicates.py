"""Near-duplicate detection: the same story stored from two sources, found by word-shingle and title comparison."""

from __future__ import annotations

import heapq
import re
from collections import OrderedDict
from datetime import datetime, timedelta
from difflib import SequenceMatcher

import sqlite_utils

# The method, and why it is cheap:
# 1. Candidates: rows of OTHER sources, in the same language, published within
#    WINDOW of the new item and not themselves duplicates (a range scan on the
#    published_utc index). Rows without a date are never compared.
# 2. Text: Jaccard similarity of the sets of word 4-gram shingles (each CJK
#    character counts as a word, so Chinese gets character 4-grams) >= 0.6.
#    A Jaccard of 0.6 needs sizes within a factor of 0.6, so only candidates
#    whose text length is within a factor of 2 are considered. Each of those is
#    first screened by its bottom-64 sketch (the 64 smallest shingle hashes,
#    computed once per item and content hash and kept while the Store is open):
#    two sets with Jaccard J share about J*64 sketch hashes, and candidates
#    sharing fewer than 0.35*64 (4 standard deviations below 0.6*64) are dropped.
#    The few left get the exact Jaccard.
# 3. Title: difflib ratio of the normalised titles >= 0.9 (titles of at least
#    10 characters, so "News" does not match "News"): catches a reworded body.
# Of two copies, the later-published one points to the earlier (storage/db.py),
# so the outcome does not depend on the order in which a crawl saved them.
WINDOW = timedelta(days=3)
SHINGLE_SIZE = 4
TEXT_THRESHOLD = 0.6
TITLE_THRESHOLD = 0.9
MIN_TITLE_CHARS = 10
LENGTH_FACTOR = 2.0
SKETCH_SIZE = 64
SKETCH_FLOOR = 0.35

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")
PUNCTUATION_RE = re.compile(r"[\W_]+")


def tokens(text: str) -> list[str]:
    """Lowercased words; each CJK character is a word of its own."""
    return TOKEN_RE.findall((text or "").lower())


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[int]:
    """Hashes of the word ``size``-grams of a text (empty when it has fewer words).

    Python's ``hash`` differs between processes: these values are never stored.
    """
    words = tokens(text)
    return {hash(tuple(words[i:i + size])) for i in range(len(words) - size + 1)}


def sketch(hashes: set[int]) -> tuple[int, ...]:
    """The bottom-k sketch of a shingle set: its ``SKETCH_SIZE`` smallest hashes."""
    return tuple(heapq.nsmallest(SKETCH_SIZE, hashes))


def jaccard(a: set, b: set) -> float:
    """|a ∩ b| / |a ∪ b|; 0 when either set is empty."""
    return len(a & b) / len(a | b) if a and b else 0.0


class TitleMatcher:
    """One title compared with many (difflib caches what it learns about the first)."""

    def __init__(self, title: str | None):
        self.title = _normal_title(title)
        self.matcher = SequenceMatcher(None, autojunk=False)
        self.matcher.set_seq2(self.title)

    def similarity(self, other: str | None) -> float:
        """difflib ratio against ``other``; 0 when either is short or the cheap upper bounds fail."""
        other = _normal_title(other)
        if min(len(self.title), len(other)) < MIN_TITLE_CHARS:
            return 0.0
        if 2 * min(len(self.title), len(other)) / (len(self.title) + len(other)) < TITLE_THRESHOLD:
            return 0.0
        self.matcher.set_seq1(other)
        return self.matcher.ratio() if self.matcher.quick_ratio() >= TITLE_THRESHOLD else 0.0


class Sketches:
    """(text length, bottom-k sketch) of stored texts, keyed by (id, content_hash), least recently used
    dropped first. An item saved through the same Store is remembered as it is saved: within a crawl,
    no stored text is read again."""

    def __init__(self, maxsize: int = 20_000):
        self.maxsize = maxsize
        self._cache: OrderedDict[tuple[str, str], tuple[int, tuple[int, ...]]] = OrderedDict()

    def remember(self, item: dict, hashes: set[int]) -> None:
        """Keep a just-saved item's length and sketch (``hashes``: its shingles)."""
        self._put((item["id"], item["content_hash"]), (len(item.get("text") or ""), sketch(hashes)))

    def of(self, db: sqlite_utils.Database, rows: list[dict]) -> dict[str, tuple[int, tuple[int, ...]]]:
        """(length, sketch) of ``rows`` (id, content_hash), reading the texts of those not cached yet."""
        missing = [row["id"] for row in rows if (row["id"], row["content_hash"]) not in self._cache]
        for row_id, text, digest in _texts(db, missing, "content_hash"):
            self._put((row_id, digest), (len(text or ""), sketch(shingles(text))))
        found = {}
        for row in rows:
            key = (row["id"], row["content_hash"])
            if key in self._cache:
                self._cache.move_to_end(key)
                found[row["id"]] = self._cache[key]
        return found

    def _put(self, key: tuple[str, str], value: tuple[int, tuple[int, ...]]) -> None:
        self._cache[key] = value
        if len(self._cache) > self.maxsize:
            self._cache.popitem(last=False)


def find_duplicate(db: sqlite_utils.Database, item: dict, sketches: Sketches | None = None) -> dict | None:
    """A stored item (id, published_utc) from another source that tells the same story, or None.
    The item's own sketch joins ``sketches`` (it is about to be stored)."""
    sketches = sketches or Sketches()
    mine = shingles(item.get("text") or "")
    if item.get("id") and item.get("content_hash"):
        sketches.remember(item, mine)
    candidates = _candidates(db, item)
    if not candidates:
        return None
    scores = _text_scores(db, item, mine, candidates, sketches)
    by_text = _best((scores.get(row["id"], 0.0), row) for row in candidates)
    if by_text[0] >= TEXT_THRESHOLD:
        return by_text[1]
    mine = TitleMatcher(item.get("title"))
    by_title = _best((mine.similarity(row["title"]), row) for row in candidates)
    return by_title[1] if by_title[0] >= TITLE_THRESHOLD else None


def _best(scored) -> tuple[float, dict]:
    """The highest (score, row); on a tie the first, i.e. the earliest published."""
    return max(scored, key=lambda pair: pair[0])


def _candidates(db: sqlite_utils.Database, item: dict) -> list[dict]:
    """Unduplicated items of other sources, same language, published within the window, oldest first."""
    if not item.get("published_utc"):
        return []
    published = datetime.fromisoformat(item["published_utc"])
    return list(db.query(
        "select id, title, published_utc, content_hash from items "
        "where published_utc between :low and :high and +source != :source and +language is :language "
        "and duplicate_of is null and id != :id order by published_utc",  # "+": only the window is indexed
        {"low": _z(published - WINDOW), "high": _z(published + WINDOW), "source": item.get("source"),
         "language": item.get("language"), "id": item.get("id")}))


def _text_scores(db: sqlite_utils.Database, item: dict, mine: set[int], candidates: list[dict],
                 sketches: Sketches) -> dict[str, float]:
    """Exact shingle Jaccard of ``item`` (``mine``: its shingles) against the candidates that pass the
    length and sketch screens."""
    if not mine:
        return {}
    size = len(item.get("text") or "")
    my_sketch = set(sketch(mine))
    close = [row_id for row_id, (length, theirs) in sketches.of(db, candidates).items()
             if length and size / LENGTH_FACTOR <= length <= size * LENGTH_FACTOR
             and _shared(my_sketch, theirs) >= SKETCH_FLOOR * min(len(my_sketch), len(theirs))]
    return {row_id: jaccard(mine, shingles(text)) for row_id, text in _texts(db, close)}


def _shared(mine: set[int], theirs: tuple[int, ...]) -> int:
    return sum(1 for value in theirs if value in mine)


def _texts(db: sqlite_utils.Database, ids: list[str], *extra: str) -> list[tuple]:
    """(id, text, *extra columns) of the given items."""
    if not ids:
        return []
    columns = ", ".join(("id", "text", *extra))
    marks = ", ".join("?" for _ in ids)
    return db.execute(f"select {columns} from items where id in ({marks})", ids).fetchall()


def _normal_title(title: str | None) -> str:
    return PUNCTUATION_RE.sub(" ", (title or "").lower()).strip()


def _z(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
