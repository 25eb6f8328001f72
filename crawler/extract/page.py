"""A parsed page and the steps every profile shares: dates, metadata, finishing.

A profile finds the title, the body element and the date candidates; the
``finish`` step turns them into an ``Article`` with the shared rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from coopfeed.errors import ExtractionError
from crawler.extract.article import Article
from crawler.extract.clean import drop_boilerplate_elements, find_editor, find_origin
from crawler.extract.dates import BadDate, at_midnight, find_date_text, parse_date
from crawler.extract.render import body_html, clean_line, paragraphs, text_lines
from crawler.extract.urls import canonical_url, url_date

CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_RE = re.compile(r"[A-Za-z]")


@dataclass
class Options:
    """What the caller knows about the source: its zone, language, selector overrides."""

    timezone: str = "Asia/Shanghai"
    language: str | None = None
    selectors: dict = field(default_factory=dict)


class Page:
    """An HTML page parsed once, with lookups the profiles share."""

    def __init__(self, html: str, url: str, options: Options):
        self.html = html
        self.url = url
        self.canonical = canonical_url(url)
        self.options = options
        self.root = _parse(html)
        self.meta = _meta(self.root)

    def meta_value(self, *names: str) -> str | None:
        """The first non-empty <meta> content among ``names`` (name or property, any case)."""
        for name in names:
            value = self.meta.get(name.lower())
            if value:
                return value
        return None

    def select(self, selectors: str) -> list[HtmlElement]:
        """Elements matching a CSS selector list (invalid selectors match nothing)."""
        compiled = css(selectors)
        return compiled(self.root) if compiled is not None else []

    def first_text(self, selectors: str) -> str | None:
        """The cleaned text of the first matching element that has text."""
        for element in self.select(selectors):
            text = clean_line(element.text_content())
            if text:
                return text
        return None

    def override(self, key: str) -> str | None:
        """A selector override from the source configuration, if any."""
        return self.options.selectors.get(key)

    def html_lang(self) -> str | None:
        lang = self.root.get("lang") or self.root.get("xml:lang")
        return lang.split("-")[0].lower() if lang else None


@lru_cache(maxsize=512)
def css(selectors: str) -> CSSSelector | None:
    """A compiled CSS selector (compiling costs more than matching), None if it is invalid."""
    try:
        return CSSSelector(selectors)
    except Exception:  # cssselect raises several error types on bad input
        return None


def title_from_head(page: Page) -> str | None:
    """<title> without the site and column parts that portals join to it."""
    title = page.first_text("title")
    if not title:
        return None
    parts = [part.strip() for part in re.split(r"\s+[-|_–—]\s+|_", title) if part.strip()]
    return max(parts, key=len) if parts else None


def pick_date(page: Page, candidates: list[str | None], problems: list[str]) -> datetime | None:
    """The first candidate that parses (meta > visible line > URL path), refined by a later,
    more precise one that agrees with it (meta "10:09" + visible "10:09:55"); bad ones become problems."""
    bad: list[str] = []
    found = []
    for text in candidates:
        if not text:
            continue
        try:
            moment = parse_date(text, page.options.timezone)
        except BadDate as exc:
            bad.append(str(exc))
            continue
        if moment:
            found.append(moment)
    if found:
        _note_bad(bad, problems, "used a later date source")
        return _refine(found[0], found[1:])
    day = url_date(page.canonical)
    if day:
        _note_bad(bad, problems, "used the URL path date")
        return at_midnight(day, page.options.timezone)
    _note_bad(bad, problems, "no other date found")
    if not bad:
        problems.append("date: none found")
    return None


def _refine(first: datetime, later: list[datetime]) -> datetime:
    """A later date that equals ``first`` at ``first``'s precision but is more precise."""
    precision = 3 if first.second else 2 if (first.hour or first.minute) else 1
    for moment in later:
        same = moment.date() == first.date() and (
            precision == 1 or (precision == 2 and (moment.hour, moment.minute) == (first.hour, first.minute)))
        if same and precision < 3 and moment != first:
            return moment
    return first


def visible_date(text: str) -> str | None:
    """A date-shaped string on a visible line (the timestamp row)."""
    return find_date_text(text)


def finish(page: Page, *, title: str | None, body: HtmlElement | None, published: datetime | None,
           problems: list[str], author: str | None = None, origin: str | None = None,
           editor: str | None = None, around: str = "") -> Article:
    """Clean the body, fill origin/editor from its lines, and build the Article."""
    if body is None:
        raise ExtractionError("no article body found", field="body")
    full_text = "\n".join(text_lines(body))
    origin = _overridden(page, "origin", find_origin) or origin or find_origin(around) or find_origin(full_text)
    editor = _overridden(page, "editor", find_editor) or editor or find_editor(around) or find_editor(full_text)
    drop_boilerplate_elements(body, _as_list(page.override("remove")))
    text_paragraphs = [p for p in paragraphs(body) if not _is_meta_line(p)]
    if not text_paragraphs:
        raise ExtractionError("no article body found (the body is empty)", field="body")
    if not title:
        raise ExtractionError("no title found", field="title")
    return Article(
        url=page.canonical,
        title=clean_line(title),
        text="\n\n".join(text_paragraphs),
        html=body_html(body, page.canonical, text_paragraphs),
        published=published,
        author=author or None,
        origin=origin or None,
        editor=editor or None,
        language=page.options.language or page.html_lang() or guess_language(" ".join(text_paragraphs)),
        problems=problems,
    )


def _overridden(page: Page, key: str, finder) -> str | None:
    """A field read with the source's own selector: the labelled value, or the element's text."""
    if not page.override(key):
        return None
    text = page.first_text(page.override(key))
    return (finder(text) or text) if text else None


def guess_language(text: str) -> str:
    """"zh" when Chinese characters outnumber Latin letters, else "en"."""
    return "zh" if len(CJK_RE.findall(text)) > len(LATIN_RE.findall(text)) / 4 else "en"


def _is_meta_line(line: str) -> bool:
    """A short "Source: X" / "来源：X" line that opens or closes a body: metadata, not text."""
    return len(line) <= 80 and bool(re.match(r"^(source|来源|信息来源|文章来源)\s*[:：]", line, re.I))


def _note_bad(bad: list[str], problems: list[str], what: str) -> None:
    """One problem line for all the unparsable dates of a page."""
    if bad:
        values = ", ".join(repr(value) for value in dict.fromkeys(bad))
        problems.append(f"date: unparsable {values}; {what}")
    bad.clear()


def _as_list(value) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _parse(html: str) -> HtmlElement:
    """Parse any HTML, however broken; raise ExtractionError only when nothing is there."""
    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)
    if not html.strip():
        raise ExtractionError("empty page", field="body")
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not an HTML page ({exc})", field="body") from None
    return root


def _meta(root: HtmlElement) -> dict[str, str]:
    meta = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = content
    return meta


def text_after(start: HtmlElement | None, stop: HtmlElement | None, limit: int = 400) -> str:
    """The page text that follows ``start`` up to ``stop`` (the info line under a headline);
    text of one block stays on one line, each new block starts a new line."""
    if start is None:
        return ""
    pieces: list[str] = []
    size, block = 0, None
    for node in start.xpath("following::text()"):
        parent = node.getparent()
        if stop is not None and (parent is stop or stop in parent.iterancestors()):
            break
        if parent.tag in ("script", "style"):
            continue
        here = _block_of(parent)
        if here is not block and pieces:
            pieces.append("\n")
        block = here
        pieces.append(str(node))
        size += len(node)
        if size > limit:
            break
    return "\n".join(clean_line(line) for line in "".join(pieces).split("\n") if line.strip())


def _block_of(element: HtmlElement) -> HtmlElement:
    """The nearest enclosing block element (a table cell, a paragraph, a div…)."""
    from crawler.extract.render import BLOCK_TAGS

    for node in (element, *element.iterancestors()):
        if node.tag in BLOCK_TAGS or node.tag == "body":
            return node
    return element


def fragment(html: str) -> HtmlElement:
    """Parse an HTML fragment (between comment markers, say) inside one <div>."""
    return lxml.html.fragment_fromstring(html, create_parent="div")
