"""Which topics an article belongs to, for many topics at once: each article is read once.

An article is read once and every topic is decided from the set of keywords
found in it. Latin keywords match whole words, case-insensitively: the
article's words are looked up in a set (a keyword of several words: its words
in a row); Chinese keywords match as substrings. No big regular expression
runs over the text: a 300-keyword alternation read 3 MB/s.

The full-text index is the pre-filter: only articles the FTS index finds for
some keyword (its longest word, for a Latin one) of three or more characters
are read, plus those with Chinese text when a topic has a shorter Chinese
keyword; an article neither finds holds no keyword. Topics with ``include_regex``/``exclude_regex`` read every
article (with the ``regex`` module's time limit), those with an FTS5 ``query``
take its hits.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from coopfeed.errors import ConfigError
from feeds.topics import CJK_RE, Topic

#: Seconds a topic's patterns may take on one article (user regexes can backtrack catastrophically).
PATTERN_TIMEOUT = 1.0
MIN_TRIGRAM = 3  # shorter keywords cannot be looked up in the trigram index
WORD_RE = re.compile(r"\w+")


def keyword_key(keyword: str) -> str:
    """A keyword as compared: lowercased; a Latin one as its words (``\\w+``) joined by single spaces."""
    keyword = keyword.lower()
    return keyword if CJK_RE.search(keyword) else " ".join(WORD_RE.findall(keyword))


class TopicIndex:
    """The topics' keywords compiled once; ``why(topic, item, found)`` decides membership."""

    def __init__(self, topics: Iterable[Topic]):
        self.topics = list(topics)
        self.names: dict[str, str] = {}  # keyword key -> the keyword as configured
        self.include = {t.name: {keyword_key(k) for k in t.include} for t in self.topics}
        self.exclude = {t.name: {keyword_key(k) for k in t.exclude} for t in self.topics}
        for topic in self.topics:
            for keyword in (*topic.include, *topic.exclude):
                self.names.setdefault(keyword_key(keyword), keyword)
        self.latin = {key for key in self.names if not CJK_RE.search(key)}
        self.chinese = [key for key in self.names if CJK_RE.search(key)]
        self.phrases: dict[str, list[str]] = {}  # first word -> the Latin keywords of several words
        for key in sorted(self.latin):
            if " " in key:
                self.phrases.setdefault(key.split()[0], []).append(key)
        self.patterns = {t.name: (_user(t.include_regex), _user(t.exclude_regex)) for t in self.topics}
        self.fts_ids: dict[str, set[str]] = {}
        #: What the FTS index is asked for: a Chinese keyword, or the longest word of a Latin one.
        self.probes = {key if key in self.chinese else max(key.split(), key=len) for key in self.names}
        short = [probe for probe in self.probes if len(probe) < MIN_TRIGRAM]
        #: Every article must be scanned: a Latin keyword without a word of 3+ letters, or a user regex.
        self.reads_everything = any(not CJK_RE.search(p) for p in short) or \
            any(t.include_regex or t.exclude_regex for t in self.topics)
        #: Articles with Chinese text must be scanned: a Chinese keyword too short for the index.
        self.short_chinese = bool(short)

    def load_queries(self, db: sqlite3.Connection) -> None:
        """The ids each topic's FTS5 ``query`` finds."""
        for topic in self.topics:
            if topic.query:
                self.fts_ids[topic.name] = _fts_ids(db, topic.query, topic.name)

    def candidates(self, db: sqlite3.Connection) -> set[int]:
        """Rowids the FTS index finds for some keyword's probe of three or more characters."""
        long = sorted(probe for probe in self.probes if len(probe) >= MIN_TRIGRAM)
        rowids: set[int] = set()
        for start in range(0, len(long), 200):  # FTS5 takes a long OR, but not an unbounded one
            query = " OR ".join('"' + keyword.replace('"', '""') + '"' for keyword in long[start:start + 200])
            rowids.update(row[0] for row in db.execute("select rowid from items_fts where items_fts match ?",
                                                       [query]))
        return rowids

    def found(self, item: dict) -> set[str]:
        """The keys of the keywords in the item's title or text."""
        haystack = f"{item.get('title') or ''}\n{item.get('text') or ''}".lower()
        words = WORD_RE.findall(haystack)
        found = self.latin.intersection(words)
        starts = self.phrases.keys() & set(words) if self.phrases else ()
        if starts:
            joined = f" {' '.join(words)} "
            found.update(key for start in starts for key in self.phrases[start] if f" {key} " in joined)
        if self.chinese and not haystack.isascii():
            found.update(key for key in self.chinese if key in haystack)
        return found

    def by_keywords(self, topic: Topic) -> bool:
        """Whether only keywords decide (no query, no patterns): with none found, the item is out."""
        return not (topic.matches_everything or topic.query or topic.include_regex)

    def why(self, topic: Topic, item: dict, found: set[str]) -> str | None:
        """Why the item belongs to the topic ("all", the query, the keyword), or None."""
        if topic.sources and item["source"] not in topic.sources:
            return None
        if topic.languages and item.get("language") not in topic.languages:
            return None
        if topic.collapse_duplicates and item.get("duplicate_of"):
            return None
        include, exclude = self.patterns[topic.name]
        if found & self.exclude[topic.name] or (exclude is not None and self._search(exclude, item, topic)):
            return None
        if topic.matches_everything:
            return "all"
        if item["id"] in self.fts_ids.get(topic.name, ()):
            return f"query {topic.query!r}"
        hits = found & self.include[topic.name]
        if hits:
            return f"keyword {self.names[max(hits, key=len)]!r}"
        match = self._search(include, item, topic) if include is not None else None
        return f"pattern {match.group(0)!r}" if match else None

    def _search(self, pattern: Any, item: dict, topic: Topic):
        haystack = f"{item.get('title') or ''}\n{item.get('text') or ''}"
        try:
            return pattern.search(haystack, timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            raise ConfigError(f"topic {topic.name!r}: its patterns took over {PATTERN_TIMEOUT:g} s on item "
                              f"{item['id']} (a regex that backtracks without end?): rewrite them") from None


def _user(patterns: tuple[str, ...]) -> Any:
    """The topic's patterns as one ``regex`` pattern (it can stop a search that runs too long), or None."""
    if not patterns:
        return None
    import regex

    return regex.compile("|".join(f"(?:{p})" for p in patterns), regex.I)


def _fts_ids(db: sqlite3.Connection, query: str, topic: str) -> set[str]:
    try:
        rows = db.execute("select items.id from items_fts join items on items.rowid = items_fts.rowid "
                          "where items_fts match ?", [query]).fetchall()
    except sqlite3.OperationalError as exc:
        raise ConfigError(f"topic {topic!r}: bad FTS5 query {query!r} ({exc})") from None
    return {row[0] for row in rows}
