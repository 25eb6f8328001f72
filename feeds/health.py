"""The ``health`` feed: one entry per change of a source's status, so operators learn it in their reader.

Entries come from the store's ``health_events`` ("zj_news is broken: its list
pages show no article links …"); ids are ``tag:`` URIs of the event, so a
reader shows each change once.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from feeds.entries import TAG_AUTHORITY, Entry, tag_uri
from feeds.sanitize import xml_text
from storage import Store

NAME = "health"
TITLE = "Source health"
DESCRIPTION = "A new entry whenever a source becomes broken or degraded, or recovers."
HEADLINES = {"ok": "{source} is ok again", "degraded": "{source} is degraded", "broken": "{source} is broken"}


def health_entries(store: Store, limit: int, authority: str = TAG_AUTHORITY, home_url: str = "") -> list[Entry]:
    """The newest ``limit`` status changes as feed entries, newest first."""
    sources = {row["name"]: row for row in store.db.query("select name, title, start_urls from sources")}
    return [_entry(event, sources.get(event["source"], {}), authority, home_url)
            for event in store.health_events(limit)]


def _entry(event: dict, source: dict, authority: str, home_url: str) -> Entry:
    name = source.get("title") or event["source"]
    headline = HEADLINES.get(event["status"], "{source}: " + event["status"]).format(source=name)
    reason = event["reason"] or f"was {event['previous']}"
    when = datetime.fromisoformat(event["time"])
    text = f"{event['source']}: {event['previous']} → {event['status']} at {event['time']}. {reason}"
    return Entry(
        id=tag_uri(NAME, str(event["id"]), authority),
        url=_start_url(source) or home_url,
        title=xml_text(f"{headline}: {reason}" if event["reason"] else headline),
        updated=when,
        published=when,
        author="coopfeed",
        language="en",
        summary=xml_text(text),
        html=f"<p>{escape(xml_text(text))}</p>",
        categories=[(event["status"], event["status"])],
    )


def _start_url(source: dict) -> str | None:
    try:
        urls = json.loads(source.get("start_urls") or "[]")
    except json.JSONDecodeError:
        return None
    return next((url for url in urls if url.startswith(("http://", "https://"))), None)
