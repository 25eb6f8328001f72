"""Build every topic's feeds, the OPML file and the index page into one folder.

    report = build_feeds(store, topics, Path("feeds"), base_url="http://127.0.0.1:8080/")

Files are written atomically and only when their bytes change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from coopfeed.errors import FeedError
from feeds import health
from feeds.entries import TAG_AUTHORITY, Entry, entry_from_item, tag_uri
from feeds.formats import FeedInfo, render_json, render_xml
from feeds.membership import assign_topics
from feeds.pages import index_html, opml
from feeds.topics import Topic
from feeds.write import remove_stale_temporaries, write_if_changed
from storage import Store
from storage.locks import build_lock

DEFAULT_LIMIT = 50
EXTENSIONS = {"rss": "rss", "atom": "atom", "json": "json"}


@dataclass
class BuildReport:
    """What a build did: entries per topic, and which files were (re)written."""

    entries: dict[str, int] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def build_feeds(store: Store, topics: list[Topic], out_dir: Path, *, base_url: str,
                limit: int = DEFAULT_LIMIT, title: str = "coopfeed", authority: str = TAG_AUTHORITY) -> BuildReport:
    """Assign topics, then write ``<topic>.rss/.atom/.json``, the ``health`` feeds, ``topics.opml`` and
    ``index.html``. One build of a store runs at a time (others wait for it)."""
    base_url = base_url.rstrip("/") + "/"
    check_out_dir(out_dir)
    with build_lock(store.path):
        remove_stale_temporaries(out_dir)  # left by a build killed while writing
        counts = assign_topics(store, topics)
        labels = {topic.name: topic.title for topic in topics if not topic.name.startswith("source-")}
        report = BuildReport()
        pages = []
        for topic in topics:
            entries = topic_entries(store, topic, topic.limit or limit, labels, authority)
            info = _info(topic.name, topic.title, topic.description, entries, base_url, title, authority,
                         topic.languages)
            _write_feeds(out_dir, topic.name, info, entries, report)
            pages.append(_page(topic.name, topic.title, topic.description, info, entries, counts.get(topic.name, 0)))
        events = health.health_entries(store, limit, authority, home_url=f"{base_url}index.html#{health.NAME}")
        info = _info(health.NAME, health.TITLE, health.DESCRIPTION, events, base_url, title, authority, ("en",))
        _write_feeds(out_dir, health.NAME, info, events, report)
        pages.append(_page(health.NAME, health.TITLE, health.DESCRIPTION, info, events, len(events)))
        _write(out_dir / "topics.opml", opml(f"{title} topics", pages), report)
        _write(out_dir / "index.html", index_html(title, pages, base_url + "topics.opml"), report)
    return report


def check_out_dir(out_dir: Path) -> None:
    """FeedError when the feed folder holds Python code (``--out feeds`` in the project folder would
    write into coopfeed's own ``feeds`` package)."""
    if out_dir.is_dir() and any(out_dir.glob("*.py")):
        raise FeedError(f"{out_dir}: holds Python code (a package, not a feed folder): choose another --out")


def _write_feeds(out_dir: Path, name: str, info: FeedInfo, entries: list[Entry], report: BuildReport) -> None:
    report.entries[name] = len(entries)
    for kind, data in (("rss", render_xml(info, entries, "rss")), ("atom", render_xml(info, entries, "atom")),
                       ("json", render_json(info, entries))):
        _write(out_dir / f"{name}.{EXTENSIONS[kind]}", data, report)


def _page(name: str, title: str, description: str, info: FeedInfo, entries: list[Entry], count: int) -> dict:
    """What the OPML file and the index page say of one feed."""
    return {"name": name, "title": title, "description": description, "urls": info.feed_urls,
            "home": info.home_url, "latest": entries[:5], "count": count}


def topic_entries(store: Store, topic: Topic, limit: int, labels: dict[str, str],
                  authority: str = TAG_AUTHORITY) -> list[Entry]:
    """The newest ``limit`` entries of a topic (undated items placed by when they were first seen)."""
    items = list(store.db.query(
        "select items.* from items join item_topics on item_topics.item_id = items.id "
        "where item_topics.topic = ? order by coalesce(items.published_utc, items.first_seen) desc, items.id "
        "limit ?", [topic.name, limit]))
    categories = _categories(store, [item["id"] for item in items], labels)
    portals = {row["name"]: row["title"] for row in store.db.query("select name, title from sources")}
    return [entry_from_item(item, categories.get(item["id"], []), authority, portals.get(item["source"]))
            for item in items]


def _categories(store: Store, ids: list[str], labels: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if not ids:
        return found
    marks = ", ".join("?" for _ in ids)
    for row in store.db.query(f"select item_id, topic from item_topics where item_id in ({marks}) "
                              "order by topic", ids):
        if row["topic"] in labels and row["topic"] != "all":
            found[row["item_id"]].append((row["topic"], labels[row["topic"]]))
    return found


def _info(name: str, label: str, description: str, entries: list[Entry], base_url: str, title: str,
          authority: str, languages: tuple[str, ...] = ()) -> FeedInfo:
    found = Counter(entry.language for entry in entries if entry.language)
    language = languages[0] if len(languages) == 1 else (found.most_common(1)[0][0] if found else "en")
    return FeedInfo(
        id=tag_uri("topic", name, authority),
        title=f"{title}: {label}",
        description=description or label,
        home_url=f"{base_url}index.html#{name}",
        feed_urls={kind: f"{base_url}{name}.{ext}" for kind, ext in EXTENSIONS.items()},
        language=language,
    )


def _write(path: Path, data: bytes, report: BuildReport) -> None:
    (report.written if write_if_changed(path, data) else report.unchanged).append(path.name)
