"""The pages: each view reads the store (``storage.browse``, ``Store.search``) and names its template.

A view raises ``HTTPError`` for a page that does not exist (404) or a
query it cannot answer (400); the app renders those as error pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from feeds.sanitize import safe_html, summary
from served.chart import bars
from served.feedlist import FORMATS, FeedList
from storage import Store, browse

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY = 200
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
ID_RE = re.compile(r"^[0-9a-f]{16}$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
HEALTH_FEED = "health"


class HTTPError(Exception):
    """A page that cannot be shown: its status and a one-line message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Page:
    """What a view found: the template to render and its values."""

    template: str
    context: dict = field(default_factory=dict)
    status: int = 200


@dataclass
class Site:
    """What the views share: the feed folder's list of feeds and the cached topic counts."""

    feeds: FeedList
    counts: browse.TopicCounts = field(default_factory=browse.TopicCounts)


def index(site: Site, store: Store, params: dict) -> Page:
    """The topics with their counts and subscribe links, the health feed and the OPML file."""
    counts = site.counts.get(store.db)
    feeds = site.feeds.feeds()
    listed = {feed.name for feed in feeds}
    topics = [{"name": f.name, "title": f.title, "description": f.description, "formats": f.formats,
               "count": counts.get(f.name, 0)} for f in feeds if f.name != HEALTH_FEED]
    topics += [{"name": name, "title": name, "description": "", "formats": (), "count": count}
               for name, count in sorted(counts.items()) if name not in listed]
    topics.sort(key=lambda t: (t["name"] != "all", t["name"].startswith("source-")))  # all, themes, portals
    health = next((feed for feed in feeds if feed.name == HEALTH_FEED), None)
    return Page("index.html", {"topics": topics, "health": health, "formats": FORMATS,
                               "opml": site.feeds.has_opml()})


def topic(site: Site, store: Store, params: dict, name: str) -> Page:
    """A topic's newest articles, a page at a time (``before`` = the last one shown)."""
    counts = site.counts.get(store.db)
    feed = next((f for f in site.feeds.feeds() if f.name == name), None)
    if not NAME_RE.match(name) or name == HEALTH_FEED or (feed is None and name not in counts):
        raise HTTPError(404, f"There is no topic named {name!r}.")
    before = _cursor(params.get("before"))
    rows = browse.topic_items(store.db, name, counts.get(name, 0), PAGE_SIZE + 1, before)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    older = "?" + urlencode({"before": f"{rows[-1]['newest']},{rows[-1]['rowid']}"}) if more else None
    return Page("topic.html", {
        "name": name, "title": feed.title if feed else name, "description": feed.description if feed else "",
        "formats": feed.formats if feed else (), "count": counts.get(name, 0), "items": _listed(store, rows),
        "older": older, "paged": before is not None, "all_formats": FORMATS})


def article(site: Site, store: Store, params: dict, item_id: str) -> Page:
    """One article as stored: its fields, the sanitized body, the original link and other languages."""
    item = browse.article(store.db, item_id) if ID_RE.match(item_id) else None
    if item is None:
        raise HTTPError(404, f"There is no article {item_id!r}.")
    body = safe_html(item.get("html"), item["url"])
    paragraphs = [] if body.strip() else [p for p in (item.get("text") or "").split("\n\n") if p.strip()]
    return Page("article.html", {"item": item, "body": body, "paragraphs": paragraphs})


def search(site: Site, store: Store, params: dict) -> Page:
    """Full-text search (``Store.search``, as ``coopfeed search``) with source and language filters."""
    query = params.get("q", "").strip()
    source = params.get("source") or None
    language = params.get("language") or None
    page = _page_number(params.get("page"))
    titles = browse.source_titles(store.db)
    if len(query) > MAX_QUERY:
        raise HTTPError(400, f"The query is too long (at most {MAX_QUERY} characters).")
    if CONTROL_RE.search(query):
        raise HTTPError(400, "The query holds a control character.")
    if source is not None and source not in titles:
        raise HTTPError(400, f"There is no source named {source!r}.")
    if language is not None and not LANGUAGE_RE.match(language):
        raise HTTPError(400, f"{language!r} is not a language code (en, zh …).")
    rows = store.search(query, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, source=source,
                        language=language) if query else []
    filters = {"q": query, **({"source": source} if source else {}), **({"language": language} if language else {})}
    links = {"previous": _page_link(filters, page - 1) if page > 1 else None,
             "next": _page_link(filters, page + 1) if len(rows) > PAGE_SIZE else None}
    return Page("search.html", {"query": query, "source": source, "language": language, "page": page,
                                "results": rows[:PAGE_SIZE], "first": (page - 1) * PAGE_SIZE + 1, "sources": titles,
                                "languages": browse.languages(store.db), "links": links})


def sources(site: Site, store: Store, params: dict) -> Page:
    """Every source's health: status and reason, last run, counts, newest article, failures, a chart of runs."""
    titles = browse.source_titles(store.db)
    rows = []
    for health in store.source_health():
        name = health["source"]
        rows.append({**health, "title": titles.get(name, name), "latest": browse.latest_added(store.db, name),
                     "chart": bars(browse.run_chart(store.db, name))})
    feeds = site.feeds.feeds()
    return Page("sources.html", {"sources": rows, "topic_names": {feed.name for feed in feeds},
                                 "health_feed": any(feed.name == HEALTH_FEED for feed in feeds)})


def _listed(store: Store, rows: list[dict]) -> list[dict]:
    titles = browse.source_titles(store.db)
    return [{**row, "summary": summary(row.get("text")), "source_title": titles.get(row["source"], row["source"])}
            for row in rows]


def _cursor(value: str | None) -> tuple[str, int] | None:
    """``before=<newest>,<rowid>`` as a tuple; 400 when it is not one."""
    if value is None:
        return None
    newest, _, rowid = value.rpartition(",")
    try:
        datetime.fromisoformat(newest.replace("Z", "+00:00"))
        if rowid.isdigit() and int(rowid) < 2**63:
            return newest, int(rowid)
    except ValueError:
        pass
    raise HTTPError(400, f"before={value!r} is not a position in the list (time,number).")


def _page_number(value: str | None) -> int:
    if value is None or value == "":
        return 1
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise HTTPError(400, f"page={value!r} is not a page number (1 to {MAX_PAGE}).")
    return int(value)


def _page_link(filters: dict, page: int) -> str:
    return "/search?" + urlencode({**filters, **({"page": page} if page > 1 else {})})
