"""Jinja2 templates (autoescaped) and the filters the pages use: times with their zone, marked snippets."""

from __future__ import annotations

import re
from datetime import datetime
from http import HTTPStatus

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
MARK_RE = re.compile(r"\[([^\[\]]+)\]")


def environment(**globals_: object) -> Environment:
    """The template environment, with ``globals_`` (site title, whether /db/ is served) in every page."""
    env = Environment(loader=PackageLoader("served", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)  # a typo fails the tests
    env.globals.update(when=when, at=at, mark=mark, feed_types=FEED_TYPES, **globals_)
    return env


def render(env: Environment, template: str, context: dict) -> bytes:
    """A page as UTF-8 bytes."""
    return env.get_template(template).render(**context).encode("utf-8")


def reason(status: int) -> str:
    """The reason phrase of a status (404: Not Found)."""
    return HTTPStatus(status).phrase


def when(published: str | None, first_seen: str | None = None) -> str:
    """A publication time with its own zone (``2019-07-02 09:18 UTC+08:00``), else when first seen."""
    if published:
        return at(published)
    return f"undated, first seen {at(first_seen)}" if first_seen else "undated"


def at(value: str) -> str:
    """A stored time with its zone: ``2026-12-06 08:46 UTC``."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.strftime("%z")
    zone = "UTC" if offset in ("+0000", "") else f"UTC{offset[:3]}:{offset[3:]}"
    return f"{moment.strftime('%Y-%m-%d %H:%M')} {zone}"


def mark(snippet: str) -> Markup:
    """A search snippet, escaped, its [found term] in <mark>."""
    return Markup(MARK_RE.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(snippet)), count=1))
