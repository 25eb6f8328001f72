"""Search over stored items: quoted FTS5 trigram queries ranked by bm25, LIKE when a term is too short."""

from __future__ import annotations

import re

import sqlite_utils

# User text never reaches MATCH raw: every term is double-quoted, so FTS5
# syntax (AND, OR, NOT, -, *, :, parentheses) is just text. The trigram index
# cannot match a term shorter than three characters (援藏, "Li"): such a term
# becomes a LIKE condition over title and text, and the longer terms of the
# same query still use the index (all LIKE when every term is short).
MIN_TRIGRAM = 3
TITLE_WEIGHT = 2.0  # bm25 column weight: a hit in the title counts double
COLUMNS = "items.id, items.url, items.source, items.title, items.published, items.language, items.text"
PHRASE_RE = re.compile(r'"([^"]*)"|(\S+)')
SPACE_RE = re.compile(r"\s+")


def query_terms(query: str) -> list[str]:
    """The terms of a query: words, or "phrases in quotes"; a stray quote is dropped.

    Example: ``query_terms('援藏 "Li Qiang" scrapy-redis') == ["援藏", "Li Qiang", "scrapy-redis"]``
    """
    if query.count('"') % 2:
        query += '"'
    terms = (SPACE_RE.sub(" ", phrase or word).strip() for phrase, word in PHRASE_RE.findall(query))
    return [term.replace('"', "") for term in terms if term.replace('"', "")]


def search_items(db: sqlite_utils.Database, query: str, *, limit: int = 20, source: str | None = None,
                 language: str | None = None) -> list[dict]:
    """Items matching every term of ``query``, best first, each with a short ``snippet``.

    Terms of 3+ characters go to FTS5 (ranked by bm25); shorter ones become LIKE
    conditions on title and text. With no long term at all, newest items come first.
    """
    terms = query_terms(query)
    if not terms:
        return []
    long = [term for term in terms if len(term) >= MIN_TRIGRAM]
    where, args = _filters(source, language)
    where += _like_conditions([term for term in terms if len(term) < MIN_TRIGRAM], args)
    rows = _fts_rows(db, long, where, args, limit) if long else _like_rows(db, where, args, limit)
    return [_with_snippet(row, terms) for row in rows]


def _fts_rows(db: sqlite_utils.Database, terms: list[str], where: str, args: dict, limit: int | None):
    """FTS5 match of all terms (each quoted), ranked by bm25."""
    match = " ".join(f'"{term}"' for term in terms)
    sql = (f"select {COLUMNS} from items_fts join items on items.rowid = items_fts.rowid "
           f"where items_fts match :match{where} "
           f"order by bm25(items_fts, {TITLE_WEIGHT}, 1.0) limit :limit")
    return db.query(sql, {**args, "match": match, "limit": _limit(limit)})


def _like_rows(db: sqlite_utils.Database, where: str, args: dict, limit: int | None):
    """Rows meeting the LIKE conditions in ``where``; title hits first, then newest."""
    sql = (f"select {COLUMNS} from items where 1{where} "
           f"order by items.title like :t0 escape '\\' desc, "
           f"coalesce(items.published_utc, items.first_seen) desc limit :limit")
    return db.query(sql, {**args, "limit": _limit(limit)})


def _like_conditions(terms: list[str], args: dict) -> str:
    """One " and (title like … or text like …)" per term; the patterns are added to ``args``."""
    where = ""
    for index, term in enumerate(terms):
        args[f"t{index}"] = f"%{_escape_like(term)}%"
        where += f" and (items.title like :t{index} escape '\\' or items.text like :t{index} escape '\\')"
    return where


def _filters(source: str | None, language: str | None) -> tuple[str, dict]:
    """SQL conditions (each starting with " and") and their arguments for the optional filters."""
    where, args = "", {}
    if source:
        where += " and items.source = :source"
        args["source"] = source
    if language:
        where += " and items.language = :language"
        args["language"] = language
    return where, args


def _limit(limit: int | None) -> int:
    return -1 if limit is None else limit  # SQLite: a negative LIMIT means no limit


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _with_snippet(row: dict, terms: list[str]) -> dict:
    row["snippet"] = snippet(row.pop("text") or "", terms)
    return row


def snippet(text: str, terms: list[str], width: int = 40) -> str:
    """One line of ``text`` around the first term found in it, the term in [brackets]."""
    text = SPACE_RE.sub(" ", text).strip()
    lowered = text.lower()
    found = [(lowered.find(term.lower()), term) for term in terms if term.lower() in lowered]
    if not found:
        return text[: width * 2] + ("…" if len(text) > width * 2 else "")
    at, term = min(found)
    start, end = max(0, at - width), min(len(text), at + len(term) + width)
    return ("…" if start else "") + text[start:at] + f"[{text[at:at + len(term)]}]" + \
        text[at + len(term):end] + ("…" if end < len(text) else "")
