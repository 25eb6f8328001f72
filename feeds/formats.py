"""Serialise a topic's entries: RSS 2.0 and Atom 1.0 with feedgen, JSON Feed 1.1 by hand.

Output depends only on the entries (the feed's updated time is the newest
entry's), so an unchanged topic gives identical bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from coopfeed import __version__

GENERATOR = ("coopfeed", __version__, "https://github.com/coopfeed/coopfeed")
EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)  # the updated time of a feed with no entries
MEDIA_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}


@dataclass
class FeedInfo:
    """Feed-level facts shared by the three formats."""

    id: str
    title: str
    description: str
    home_url: str  # the alternate (HTML) page
    feed_urls: dict[str, str]  # format -> its own URL (rel=self)
    language: str | None


def updated_time(entries) -> datetime:
    return max((entry.updated for entry in entries), default=EPOCH)


def render_xml(info: FeedInfo, entries, kind: str) -> bytes:
    """RSS 2.0 (``kind="rss"``) or Atom 1.0 (``"atom"``) bytes, newest entry first."""
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(info.id)
    fg.title(info.title)
    fg.subtitle(info.description or info.title)
    fg.link(href=info.feed_urls[kind], rel="self", type=MEDIA_TYPES[kind])  # self first:
    fg.link(href=info.home_url, rel="alternate", type="text/html")  # RSS <link> is the last one
    fg.updated(updated_time(entries))
    fg.lastBuildDate(updated_time(entries))
    fg.generator(*GENERATOR)
    fg.author(name=GENERATOR[0])  # Atom needs an author; entries name their own
    if info.language:
        fg.language(info.language)
    for entry in entries:
        _add(fg, entry)
    data = fg.rss_str(pretty=True) if kind == "rss" else fg.atom_str(pretty=True)
    return data


def _add(fg: FeedGenerator, entry) -> None:
    fe = fg.add_entry(order="append")
    fe.id(entry.id)
    fe.guid(entry.id, permalink=False)
    fe.title(entry.title)
    fe.link(href=entry.url, rel="alternate", type="text/html")
    fe.updated(entry.updated)
    if entry.published:
        fe.published(entry.published)
    if entry.author:
        fe.author(name=entry.author)
        fe.dc.dc_creator(entry.author)
    for term, label in entry.categories:
        fe.category(term=term, label=label)
    fe.summary(entry.summary or entry.title)
    fe.content(entry.html, type="html")


def render_json(info: FeedInfo, entries) -> bytes:
    """JSON Feed 1.1 bytes (https://jsonfeed.org/version/1.1)."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.feed_urls["json"],
        "description": info.description or info.title,
        "language": info.language,
        "items": [_json_item(entry) for entry in entries],
    }
    if not info.language:
        del feed["language"]
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(entry) -> dict:
    item = {"id": entry.id, "url": entry.url, "title": entry.title, "content_html": entry.html,
            "summary": entry.summary, "date_modified": entry.updated.isoformat()}
    if entry.published:
        item["date_published"] = entry.published.isoformat()
    if entry.author:
        item["authors"] = [{"name": entry.author}]
    if entry.categories:
        item["tags"] = [label for _, label in entry.categories]
    if entry.language:
        item["language"] = entry.language
    return item
