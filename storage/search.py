"""Full-text search over stored items: quoted FTS5 (trigram), LIKE for short terms.

User text never reaches MATCH raw: sqlite-utils' ``quote_fts`` quotes each
term. The trigram index cannot match terms shorter than three characters
(common in Chinese: 援藏), so such queries fall back to LIKE.
"""

from __future__ import annotations

import re

import sqlite_utils

TERM_RE = re.compile(r'"((?:[^"]|"")*)"')
MIN_TRIGRAM = 3
FIELDS = "items.id, items.url, items.source, items.title, items.published, items.language"


def search_items(db: sqlite_utils.Database, query: str, *, limit: int = 20, source: str | None = None,
                 language: str | None = None) -> list[dict]:
    """Matches for ``query``, best first (bm25; newest first for LIKE), with a short snippet."""
    quoted = db.quote_fts(query.strip())
    terms = [term.replace('""', '"') for term in TERM_RE.findall(quoted)]
    terms = [term for term in terms if term.strip()]
    if not terms:
        return []
    where, args = _filters(source, language)
    if all(len(term) >= MIN_TRIGRAM for term in terms):
        sql = (f"select {FIELDS}, items.text from items_fts join items on items.rowid = items_fts.rowid "
               f"where items_fts match :query{where} order by items_fts.rank limit :limit")
        rows = db.query(sql, {"query": quoted, "limit": limit, **args})
    else:
        rows = _like_rows(db, terms, where, args, limit)
    return [_with_snippet(row, terms[0]) for row in rows]


def _like_rows(db: sqlite_utils.Database, terms: list[str], where: str, args: dict, limit: int):
    conditions = []
    for index, term in enumerate(terms):
        args[f"t{index}"] = f"%{_escape_like(term)}%"
        conditions.append(f"(items.title like :t{index} escape '\\' or items.text like :t{index} escape '\\')")
    sql = (f"select {FIELDS}, items.text from items where {' and '.join(conditions)}{where} "
           f"order by items.published_utc desc limit :limit")
    return db.query(sql, {**args, "limit": limit})


def _with_snippet(row: dict, term: str) -> dict:
    row["snippet"] = _snippet(row.pop("text") or "", term)
    return row


def _filters(source: str | None, language: str | None) -> tuple[str, dict]:
    where, args = "", {}
    if source:
        where += " and items.source = :source"
        args["source"] = source
    if language:
        where += " and items.language = :language"
        args["language"] = language
    return where, args


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _snippet(text: str, term: str, width: int = 40) -> str:
    at = text.lower().find(term.lower())
    if at < 0:
        return text[: width * 2]
    start = max(0, at - width)
    end = at + len(term) + width
    return ("…" if start else "") + text[start:at] + f"[{text[at:at + len(term)]}]" + text[at + len(term):end] + (
        "…" if end < len(text) else "")
