"""Feed entries: what every format says about one stored item.

The id is a ``tag:`` URI built from the item id, so it never changes for the
same article (not on re-crawl, not on edit, not on http -> https).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from feeds.sanitize import safe_html, summary, xml_text

#: Never change these: every GUID ever published is built from them.
TAG_AUTHORITY = "coopfeed.invalid"
TAG_DATE = "2026"


def tag_uri(kind: str, name: str, authority: str = TAG_AUTHORITY) -> str:
    """``tag:coopfeed.invalid,2026:item:<id>`` (RFC 4151), stable for the life of the item."""
    return f"tag:{authority},{TAG_DATE}:{kind}:{name}"


@dataclass
class Entry:
    """One feed entry, format-independent."""

    id: str
    url: str
    title: str
    updated: datetime
    published: datetime | None
    author: str | None
    language: str | None
    summary: str
    html: str
    categories: list[tuple[str, str]] = field(default_factory=list)  # (term, label)


def entry_from_item(item: dict, categories: list[tuple[str, str]], authority: str = TAG_AUTHORITY,
                    source_title: str | None = None) -> Entry:
    """Build an Entry from an ``items`` row (and its topics as categories).

    The author is the byline, else the original source ("Source: X"), else the portal.
    """
    published = _time(item.get("published"))
    changed_later = item.get("updated") and item.get("updated") != item.get("first_seen")
    updated = _time(item["updated"]) if changed_later or published is None else published
    return Entry(
        id=tag_uri("item", item["id"], authority),
        url=item["url"],
        title=xml_text(item.get("title")) or item["url"],
        updated=updated,
        published=published,
        author=xml_text(item.get("author") or item.get("origin") or source_title) or None,
        language=item.get("language"),
        summary=summary(item.get("text")),
        html=safe_html(item.get("html"), item["url"]) or f"<p>{summary(item.get('text'), 2000)}</p>",
        categories=categories,
    )


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
