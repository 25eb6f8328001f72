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
from feeds.state import BuildState
from feeds.topics import Topic
from feeds.write import remove_stale_temporaries, write_if_changed
from storage import Store
from storage.db import ITEM_KEY_COLUMNS
from storage.locks import build_lock

DEFAULT_LIMIT = 50
PAGE_HEADLINES = 5  # the newest headlines of each topic on the index page
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
        report, state = BuildReport(), BuildState(out_dir, list(EXTENSIONS.values()))
        pages = []
        portals = {row["name"]: row["title"] for row in store.db.query("select name, title from sources")}
        for topic in topics:
            members = counts.get(topic.name, 0)
            newest = TopicItems.read(store, topic.name, topic.limit or limit, members, labels, portals, authority)
            info = _info(topic.name, topic.title, topic.description, newest.languages(), base_url, title,
                         authority, topic.languages)
            _write_feeds(out_dir, topic.name, info, newest, report, state)
            pages.append(_page(topic.name, topic.title, topic.description, info, newest.headlines(PAGE_HEADLINES),
                               members))
        events = health.health_entries(store, limit, authority, home_url=f"{base_url}index.html#{health.NAME}")
        info = _info(health.NAME, health.TITLE, health.DESCRIPTION, [], base_url, title, authority, ("en",))
        _write_feeds(out_dir, health.NAME, info, Prepared(events), report, state)
        pages.append(_page(health.NAME, health.TITLE, health.DESCRIPTION, info, events, len(events)))
        _write(out_dir / "topics.opml", opml(f"{title} topics", pages), report)
        _write(out_dir / "index.html", index_html(title, pages, base_url + "topics.opml"), report)
        state.save()
    return report


def check_out_dir(out_dir: Path) -> None:
    """FeedError when the feed folder holds Python code (``--out feeds`` in the project folder would
    write into coopfeed's own ``feeds`` package)."""
    if out_dir.is_dir() and any(out_dir.glob("*.py")):
        raise FeedError(f"{out_dir}: holds Python code (a package, not a feed folder): choose another --out")


def _write_feeds(out_dir: Path, name: str, info: FeedInfo, newest: TopicItems | Prepared, report: BuildReport,
                 state: BuildState) -> None:
    """A feed's three files, rendered only when what they are made from changed since the last build."""
    report.entries[name] = newest.count
    if state.fresh(name, info, newest.made_from()):
        report.unchanged.extend(f"{name}.{extension}" for extension in EXTENSIONS.values())
        return
    entries = newest.entries()
    for kind, data in (("rss", render_xml(info, entries, "rss")), ("atom", render_xml(info, entries, "atom")),
                       ("json", render_json(info, entries))):
        _write(out_dir / f"{name}.{EXTENSIONS[kind]}", data, report)


def _page(name: str, title: str, description: str, info: FeedInfo, entries: list[Entry], count: int) -> dict:
    """What the OPML file and the index page say of one feed."""
    return {"name": name, "title": title, "description": description, "urls": info.feed_urls,
            "home": info.home_url, "latest": entries[:PAGE_HEADLINES], "count": count}


@dataclass
class TopicItems:
    """A topic's newest items as keys read from the store (what decides whether its files change); their
    full rows are read, and entries built, only when needed."""

    items: list[dict]
    categories: dict[str, list[tuple[str, str]]]
    portals: dict[str, str]
    authority: str
    store: Store | None = None
    rows: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, store: Store, topic: str, limit: int, members: int | None, labels: dict[str, str],
             portals: dict[str, str], authority: str = TAG_AUTHORITY) -> TopicItems:
        """The newest ``limit`` items of a topic (undated items placed by when they were first seen)."""
        items = store.topic_items(topic, limit, members=members, columns=ITEM_KEY_COLUMNS)
        return cls(items, _categories(store, [item["id"] for item in items], labels), portals, authority, store)

    @property
    def count(self) -> int:
        return len(self.items)

    def languages(self) -> list[str]:
        return [item["language"] for item in self.items if item.get("language")]

    def made_from(self) -> list[tuple]:
        """What the entries are built from (an item's ``changed`` moves with every edit of its content)."""
        return [(item["id"], item["changed"], item["updated"], self.categories.get(item["id"], []),
                 self.portals.get(item["source"])) for item in self.items]

    def headlines(self, count: int) -> list[Entry]:
        """The newest entries as far as a headline shows them (title, link, dates), built without the text."""
        return [entry_from_item(item, [], self.authority) for item in self.items[:count]]

    def entries(self) -> list[Entry]:
        """Every entry, from the items' full rows."""
        if self.store is not None and len(self.rows) < len(self.items):
            self.rows = self.store.items_by_id([item["id"] for item in self.items])
        return [entry_from_item(item, self.categories.get(item["id"], []), self.authority,
                                self.portals.get(item["source"])) for item in self.rows]


@dataclass
class Prepared:
    """Entries built already (the health feed's)."""

    built: list[Entry]

    @property
    def count(self) -> int:
        return len(self.built)

    def made_from(self) -> list[Entry]:
        return self.built

    def entries(self) -> list[Entry]:
        return self.built


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


def _info(name: str, label: str, description: str, found_languages: list[str], base_url: str, title: str,
          authority: str, languages: tuple[str, ...] = ()) -> FeedInfo:
    found = Counter(found_languages)
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
