"""An entry of an existing RSS/Atom feed (as parsed by feedparser) as an Article."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import lxml.html

from coopfeed.errors import ExtractionError
from crawler.extract.article import Article
from crawler.extract.clean import is_boilerplate_line
from crawler.extract.dates import BadDate, parse_date
from crawler.extract.page import guess_language
from crawler.extract.render import body_html, clean_line, text_lines
from crawler.extract.urls import canonical_url


def entry_content(entry: dict) -> str:
    """The fullest HTML the entry carries: content:encoded / Atom content, else the summary."""
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best if len(best) >= len(entry.get("summary", "")) else entry.get("summary", "")


def entry_text_length(entry: dict) -> int:
    """Characters of text in the entry's content (to decide whether to fetch the page)."""
    html = entry_content(entry)
    return len(lxml.html.fromstring(html).text_content()) if html.strip() else 0


def from_feed_entry(entry: dict, *, timezone: str = "Asia/Shanghai", language: str | None = None) -> Article:
    """Build an Article from a feedparser entry; ExtractionError when it has no link or no text."""
    link = entry.get("link")
    if not link:
        raise ExtractionError("feed entry has no link", field="url")
    html = entry_content(entry)
    body = lxml.html.fragment_fromstring(html, create_parent="div") if html.strip() else None
    text_paragraphs = [line for line in text_lines(body) if not is_boilerplate_line(line)] if body is not None else []
    if not text_paragraphs:
        raise ExtractionError("feed entry has no text", field="body")
    url = canonical_url(link)
    problems: list[str] = []
    published = entry_date(entry.get("published") or entry.get("updated"), timezone, problems)
    return Article(
        url=url,
        title=clean_line(entry.get("title") or "") or url,
        text="\n\n".join(text_paragraphs),
        html=body_html(body, url, text_paragraphs, is_boilerplate_line),
        published=published,
        author=entry.get("author") or None,
        language=language or guess_language(" ".join(text_paragraphs)),
        problems=problems,
    )


def entry_date(value: str | None, timezone: str, problems: list[str]):
    """An RFC 822 (RSS) or RFC 3339 (Atom) date in the source's zone; None (with a problem) if absent."""
    if not value:
        problems.append("date: none found")
        return None
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(timezone))
        return moment.astimezone(ZoneInfo(timezone))
    except (TypeError, ValueError, IndexError):
        pass
    try:
        found = parse_date(value, timezone)
    except BadDate:
        found = None
    if found is None:
        problems.append(f"date: unparsable {value!r}; no other date found")
    return found
