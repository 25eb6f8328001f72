"""Search over stored items: quoted FTS5 trigram queries ranked by bm25, LIKE when a term is too short."""

from __future__ import annotations

import re

import sqlite_utils

from storage.schema import NEWEST

# User text never reaches MATCH raw: every term is double-quoted, so FTS5
# syntax (AND, OR, NOT, -, *, :, parentheses) is just text. The trigram index
# cannot match a term shorter than three characters: a two-character Chinese
# term (援藏) is looked up in the index of character pairs (``items_cjk``), any
# other short term ("Li", 藏) becomes a LIKE condition over title and text.
# Longer terms of the same query still use the trigram index and rank the
# results (bm25); a query of short terms only lists its matches newest first,
# walking the newest-first index until the page is full.
MIN_TRIGRAM = 3
TITLE_WEIGHT = 2.0  # bm25 column weight: a hit in the title counts double
#: Past this many matches, results come newest first: bm25 over 100,000 matches takes half a second
#: and ranks a term that is everywhere by little more than chance.
MAX_RANKED = 10_000
#: A walk probes the trigram index row by row only when at least this share of the items match: a probe
#: of a long phrase costs milliseconds, and reading the matching rowids once costs about as much as 50k of them.
DENSE = 0.5
#: At most this many matches are read and sorted; more are found walking the newest-first index.
FEW = 2_000
COLUMNS = "items.id, items.url, items.source, items.title, items.published, items.language, items.text"
PHRASE_RE = re.compile(r'"([^"]*)"|(\S+)')
SPACE_RE = re.compile(r"\s+")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")  # FTS5 reads a NUL as the end of the query string
CJK_PAIR_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}")


def query_terms(query: str) -> list[str]:
    """The terms of a query: words, or "phrases in quotes"; a stray quote is dropped.

    Example: ``query_terms('援藏 "Li Qiang" scrapy-redis') == ["援藏", "Li Qiang", "scrapy-redis"]``
    """
    query = CONTROL_RE.sub(" ", query)
    if query.count('"') % 2:
        query += '"'
    terms = (SPACE_RE.sub(" ", phrase or word).strip() for phrase, word in PHRASE_RE.findall(query))
    return [term.replace('"', "") for term in terms if term.replace('"', "")]


def search_items(db: sqlite_utils.Database, query: str, *, limit: int = 20, offset: int = 0,
                 source: str | None = None, language: str | None = None) -> list[dict]:
    """Items matching every term of ``query``, best first, each with a short ``snippet``.

    Terms of 3+ characters go to FTS5 (ranked by bm25, or newest first past MAX_RANKED matches);
    shorter ones use the pair index or LIKE. With no long term at all, newest items come first.
    ``offset`` skips that many matches (paging).
    """
    terms = query_terms(query)
    if not terms:
        return []
    long = [term for term in terms if len(term) >= MIN_TRIGRAM]
    short = [term for term in terms if len(term) < MIN_TRIGRAM]
    filters, args = _filters(source, language)
    args.update(limit=_limit(limit), offset=max(0, offset))
    if long:
        args["match"] = " ".join(f'"{term}"' for term in long)
        matches = _count(db, "items_fts", args["match"])
        if matches <= MAX_RANKED:
            rows = _ranked_rows(db, filters, _short_conditions(short, args, walk=False), args)
            return [_with_snippet(row, terms) for row in rows]
        walk = not (short or filters)
        filters += _member("items_fts", ":match", walk and matches >= _total(db) * DENSE)
    else:
        pairs = [f'"{term}"' for term in short if CJK_PAIR_RE.fullmatch(term)]
        walk = len(short) == 1 and not filters and (not pairs or _count(db, "items_cjk", pairs[0]) > FEW)
    rows = _newest_rows(db, filters + _short_conditions(short, args, walk), args, walk)
    return [_with_snippet(row, terms) for row in rows]


def _ranked_rows(db: sqlite_utils.Database, filters: str, likes: str, args: dict):
    """The FTS5 match (``args["match"]``) ranked by bm25 inside the index, so that only the rows shown
    are read from ``items``; the filters come as a set of rowids from their indexes. Short terms
    (``likes``) are checked on the matches, before the limit."""
    within = f" and rowid in (select rowid from items where 1{filters})" if filters else ""
    ranked = (f"select rowid, bm25(items_fts, {TITLE_WEIGHT}, 1.0) as score from items_fts "
              f"where items_fts match :match{within}")
    if likes:
        sql = (f"select {COLUMNS} from ({ranked}) as hits join items on items.rowid = hits.rowid "
               f"where 1{likes} order by hits.score limit :limit offset :offset")
    else:
        sql = (f"select {COLUMNS} from ({ranked} order by score limit :limit offset :offset) as hits "
               f"join items on items.rowid = hits.rowid order by hits.score")
    return db.query(sql, args)


def _count(db: sqlite_utils.Database, table: str, match: str) -> int:
    """How many items an FTS5 match finds (counted on the index alone)."""
    return db.execute(f"select count(*) from {table} where {table} match ?", [match]).fetchone()[0]


def _total(db: sqlite_utils.Database) -> int:
    return db.execute("select max(rowid) from items").fetchone()[0] or 0


def _newest_rows(db: sqlite_utils.Database, where: str, args: dict, walk: bool):
    """Rows meeting the conditions in ``where``, newest first. With ``walk`` (one condition, many
    matches) SQLite walks down the newest-first index and stops at the limit; otherwise it reads the
    matches and sorts them (a walk under a second condition could read the whole table in vain)."""
    table = "items indexed by idx_items_newest" if walk else "items"
    sql = f"select {COLUMNS} from {table} where 1{where} order by {NEWEST} desc limit :limit offset :offset"
    return db.query(sql, args)


def _member(table: str, param: str, probe: bool) -> str:
    """" and" the item is among an FTS5 table's matches: probed row by row (a seek in the index per row,
    for a walk down the newest-first index that soon meets a match), else read as a set once."""
    if probe:
        return f" and exists (select 1 from {table} where {table} match {param} and {table}.rowid = items.rowid)"
    return f" and items.rowid in (select rowid from {table} where {table} match {param})"


def _short_conditions(terms: list[str], args: dict, walk: bool) -> str:
    """One condition per short term (the pair index for two Chinese characters, else title/text LIKE),
    each starting with " and"; the values are added to ``args``."""
    where = ""
    for index, term in enumerate(terms):
        if CJK_PAIR_RE.fullmatch(term):
            args[f"t{index}"] = f'"{term}"'
            where += _member("items_cjk", f":t{index}", walk)
            continue
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
