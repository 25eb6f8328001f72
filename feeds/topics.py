"""Topics: which stored items a feed carries, declared as rules in TOML.

A rule matches an item when (its FTS5 ``query`` matches OR one of its
``include`` keywords / ``include_regex`` patterns occurs in the title or
text), no ``exclude`` keyword or ``exclude_regex`` pattern occurs, and the
item's source and language pass the filters. A topic with no query and no
include terms matches every item. Keywords match whole words in Latin
script and as substrings in Chinese. ``all`` and one ``source-<name>`` topic
per source are built in.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass

from coopfeed.errors import ConfigError

TOPIC_KEYS = {"name", "title", "description", "query", "include", "exclude", "include_regex",
              "exclude_regex", "sources", "languages", "limit"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: Feed names the build writes besides the topics (``feeds/health.py``).
RESERVED_NAMES = {"health"}
CJK_RE = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Topic:
    """A named feed and the rule that picks its items."""

    name: str
    title: str
    description: str = ""
    query: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_regex: tuple[str, ...] = ()
    exclude_regex: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    limit: int | None = None
    #: Leave out near-duplicates of items from other sources (off for one-source feeds).
    collapse_duplicates: bool = True
    #: A feed of the region/theme kind (not ``all``, not a per-source feed).
    builtin: bool = False

    @property
    def rule_hash(self) -> str:
        """Changes exactly when the rule changes: membership is then evaluated again."""
        rule = {k: v for k, v in asdict(self).items() if k not in ("title", "description", "limit", "builtin")}
        return hashlib.sha256(json.dumps(rule, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def matches_everything(self) -> bool:
        return not (self.query or self.include or self.include_regex)


def builtin_topics(sources: dict[str, str]) -> list[Topic]:
    """``all`` and one feed per source (``sources`` maps name to title)."""
    topics = [Topic("all", "All articles", "Every article from every source.", builtin=True)]
    for name, title in sources.items():
        topics.append(Topic(f"source-{name}", title or name, f"Every article from {title or name}.",
                            sources=(name,), collapse_duplicates=False, builtin=True))
    return topics


def parse_topics(entries: list[dict], sources: dict[str, str]) -> list[Topic]:
    """Validate ``[[topic]]`` tables and add the built-in topics; errors name file, topic and key."""
    topics = builtin_topics(sources)
    names = {topic.name for topic in topics} | RESERVED_NAMES
    for entry in entries:
        topic = _parse_one(entry, set(sources))
        if topic.name in names:
            raise ConfigError(f"{entry.get('_file')}: topic {topic.name!r} is declared twice (or is built in)")
        names.add(topic.name)
        topics.append(topic)
    return topics


def _parse_one(entry: dict, source_names: set[str]) -> Topic:
    where = f"{entry.get('_file', 'config')}: topic {entry.get('name', '?')!r}"
    values = {k: v for k, v in entry.items() if k != "_file"}
    unknown = sorted(set(values) - TOPIC_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(TOPIC_KEYS))})")
    name = values.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ConfigError(f"{where}: 'name' must be lowercase letters, digits, '_' or '-'")
    lists = {key: _strings(values, key, where) for key in
             ("include", "exclude", "include_regex", "exclude_regex", "sources", "languages")}
    for pattern in lists["include_regex"] + lists["exclude_regex"]:
        import regex  # the `regex` module (with its time limit) only for topics that have patterns

        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise ConfigError(f"{where}: bad regular expression {pattern!r}: {exc}") from None
    missing = [s for s in lists["sources"] if s not in source_names]
    if missing and source_names:
        raise ConfigError(f"{where}: unknown source {missing[0]!r} in 'sources'")
    limit = values.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ConfigError(f"{where}: 'limit' must be a whole number >= 1")
    query = values.get("query", "")
    if not isinstance(query, str):
        raise ConfigError(f"{where}: 'query' must be a string (an FTS5 query)")
    return Topic(name=name, title=str(values.get("title") or name), description=str(values.get("description", "")),
                 query=query.strip(), limit=limit, **{k: tuple(v) for k, v in lists.items()})


def _strings(values: dict, key: str, where: str) -> list[str]:
    value = values.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of non-empty strings")
    return [v.strip() for v in value]


DEFAULT_BASE_URL = "http://127.0.0.1:8080/"
FEEDS_KEYS = {"base_url": str, "limit": int, "title": str, "tag_authority": str}


@dataclass(frozen=True)
class FeedSettings:
    """The ``[feeds]`` table: where feeds are served, how many entries, the title prefix."""

    base_url: str | None = None  # None: where coopfeed serves them, else DEFAULT_BASE_URL
    limit: int = 50
    title: str = "coopfeed"
    tag_authority: str = "coopfeed.invalid"


def load_topics(config_path) -> tuple[list[Topic], FeedSettings]:
    """Topics (built-in + ``[[topic]]``) and ``[feeds]`` settings of a configuration file."""
    from coopfeed.tomlfile import read_config

    config = read_config(config_path)
    sources = {entry.get("name"): str(entry.get("title") or entry.get("name")) for entry in config["source"]}
    return parse_topics(config["topic"], sources), parse_feed_settings(config["feeds"], config_path)


def parse_feed_settings(table: dict, where) -> FeedSettings:
    """Validate the ``[feeds]`` table."""
    for key, value in table.items():
        kind = FEEDS_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"{where}: [feeds] has unknown key {key!r} (allowed: {', '.join(FEEDS_KEYS)})")
        if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and value < 1):
            raise ConfigError(f"{where}: [feeds] {key!r} must be a {'whole number >= 1' if kind is int else 'string'}")
    return FeedSettings(**table)
