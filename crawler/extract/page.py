"""A parsed page, what a profile found on it, and the shared steps that make the Article.

A profile reads a ``Page`` and returns ``Found`` (title, body element, date
candidates, author, origin, editor); ``assemble`` applies the source's
selector overrides and the shared rules (boilerplate, metadata lines,
dates, language, sanitizing) and builds the ``Article``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from coopfeed.errors import ConfigError, ExtractionError
from crawler.extract import clean, dates
from crawler.extract.article import Article
from crawler.extract.render import BLOCK_TAGS, body_html, clean_line, text_lines
from crawler.extract.urls import canonical_url, translation_language, url_date

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_RE = re.compile(r"[A-Za-z]")
CJK_LANGUAGES = ("zh", "ja", "ko")
#: Characters lxml refuses in text (XML 1.0 forbids them), removed before parsing.
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TITLE_SEPARATORS_RE = re.compile(r"\s+[-|_–—·]\s+|\s*_\s*|\s*[|｜]\s*")
#: Selector keys that name one element whose text is the field's value.
FIELD_KEYS = ("title", "body", "date", "origin", "editor", "author")


@dataclass
class Options:
    """What the caller knows about the source: its zone, language, selector overrides."""

    timezone: str = "Asia/Shanghai"
    language: str | None = None
    selectors: dict = field(default_factory=dict)


@dataclass
class Found:
    """What a profile found on a page, before the shared rules."""

    title: str | None = None
    body: HtmlElement | None = None
    #: Date strings, best first (meta tags, then the visible date line).
    dates: list[str | None] = field(default_factory=list)
    author: str | None = None
    origin: str | None = None
    editor: str | None = None
    #: Text near the headline (the info line) where origin and editor fields are looked for.
    around: str = ""


class Page:
    """An HTML page parsed once, with the lookups the profiles share."""

    def __init__(self, html: str, url: str, options: Options):
        self.html = html
        self.url = url
        self.canonical = canonical_url(url)
        self.options = options
        self.selectors = compile_selectors(options.selectors)
        self.root = parse_html(html)
        self.meta = _meta(self.root)
        clean.drop_elements(self.root, self.selectors.get("remove", []))

    def meta_value(self, *names: str) -> str | None:
        """The first non-empty <meta> content among ``names`` (name, property or itemprop; any case)."""
        for name in names:
            value = self.meta.get(name.lower())
            if value:
                return value
        return None

    def select(self, selector: str | CSSSelector) -> list[HtmlElement]:
        """Elements matching a CSS selector, in document order (none for an invalid one)."""
        compiled = selector if isinstance(selector, CSSSelector) else css(selector)
        return compiled(self.root) if compiled is not None else []

    def first(self, *selectors: str) -> HtmlElement | None:
        """The first element, trying the selectors in order, that has text (or an image)."""
        for selector in selectors:
            for element in self.select(selector):
                if clean_line(element.text_content()) or element.find(".//img") is not None:
                    return element
        return None

    def first_text(self, *selectors: str) -> str | None:
        """The cleaned text of the first element, trying the selectors in order, that has text."""
        element = self.first(*selectors)
        return element_text(element)

    def html_lang(self) -> str | None:
        """The primary subtag of ``<html lang>`` ("en" for "en-US"), if any."""
        lang = (self.root.get("lang") or self.root.get("xml:lang") or "").strip()
        return lang.split("-")[0].split("_")[0].lower() or None


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector | None:
    """A compiled CSS selector (compiling costs more than matching), None if it is invalid."""
    try:
        return CSSSelector(selector)
    except (SelectorError, TypeError):
        return None


def compile_selectors(selectors: dict | None) -> dict:
    """The source's selector overrides checked and compiled; ConfigError naming a key whose selector
    is invalid. Every key is checked; only the extraction keys (fields, ``remove``) are returned."""
    compiled: dict = {}
    for key, value in (selectors or {}).items():
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        found = [css(v) if isinstance(v, str) else None for v in values]
        for selector, selector_found in zip(values, found):
            if selector_found is None:
                raise ConfigError(f"selectors.{key}: {selector!r} is not a valid CSS selector")
        if key == "remove":
            compiled[key] = found
        elif key in FIELD_KEYS:
            compiled[key] = found[0] if found else None
    return compiled


def parse_html(html: str) -> HtmlElement:
    """Parse any HTML, however broken; ExtractionError when there is nothing to parse, or a
    ``too_large`` one when the page nests deeper than libxml2 reads (it would drop the rest)."""
    html = XML_ILLEGAL_RE.sub("", html)
    if not html.strip():
        raise ExtractionError("empty page", field="body")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False)
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not an HTML page ({exc})", field="body") from None
    if root is None or not isinstance(root.tag, str):
        raise ExtractionError("not an HTML page", field="body")
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise ExtractionError("the page nests elements deeper than 256 levels: it cannot be read whole",
                              field="too_large")
    return root


def assemble(page: Page, found: Found, title_required: bool = True) -> Article:
    """Apply the overrides and the shared rules to what a profile found; build the Article.

    Without ``title_required`` (the generic path) a page with a body but no title is an
    Article with ``title=None`` and a "title: …" problem instead of an ExtractionError.
    """
    found = _overridden(page, found)
    if found.body is None:
        raise ExtractionError("no article body found", field="body")
    problems: list[str] = []
    if not found.title:
        if title_required:
            raise ExtractionError("no title found", field="title")
        problems.append("title: no title found")
    title = clean_line(found.title) if found.title else None
    clean.drop_elements(found.body, page.selectors.get("remove", []))
    clean.drop_boilerplate_elements(found.body)
    _drop_leading_title(found.body, _title_variants(page, title))
    lines = text_lines(found.body)
    origin = found.origin or clean.find_origin(found.around) or _first_of(clean.origin_of, lines)
    editor = found.editor or clean.find_editor(found.around) or _first_of(clean.editor_of, lines)
    paragraphs, note_editor = _paragraphs(lines)
    if not paragraphs and not title_required:
        paragraphs = lines  # every line looked like boilerplate: the extractor's text is all there is
    if not paragraphs:
        raise ExtractionError("no article body found (the body is empty)", field="body")
    published = dates.choose(found.dates, url_date(page.canonical), page.options.timezone, problems)
    return Article(
        url=page.canonical,
        title=title,
        text="\n\n".join(paragraphs),
        html=body_html(found.body, page.canonical, paragraphs, clean.is_boilerplate_line),
        published=published,
        author=_short(found.author),
        origin=_short(origin),
        editor=_short(editor or note_editor),
        language=_language(page, paragraphs),
        problems=problems,
    )


def title_from_head(page: Page) -> str | None:
    """The <title> without the site and column names portals join to it."""
    title = element_text(page.root.find(".//title"))
    if not title:
        return None
    known = _site_names(page)
    parts = [p.strip() for p in TITLE_SEPARATORS_RE.split(title) if p.strip()]
    kept = [p for p in parts if p.lower() not in known] or parts
    return kept[0] if len(kept) == 1 else max(kept, key=len)


def without_site_name(page: Page, title: str) -> str:
    """A headline without the site name the page joins to it ("Headline | Site" -> "Headline")."""
    title = clean_line(title)
    parts = TITLE_SEPARATORS_RE.split(title)
    known = _site_names(page)
    if len(parts) > 1 and parts[-1].strip().lower() in known:
        return clean_line(title[: title.rfind(parts[-1])].rstrip(" -|_–—·｜")) or title
    if len(parts) > 1 and parts[0].strip().lower() in known:
        return clean_line(title[len(parts[0]):].lstrip(" -|_–—·｜")) or title
    return title


def _site_names(page: Page) -> set[str]:
    return {clean_line(v).lower() for v in (page.meta_value("SiteName", "og:site_name", "ColumnName"),) if v}


def text_after(start: HtmlElement | None, stop: HtmlElement | None, limit: int = 400) -> str:
    """The page text after ``start`` up to ``stop`` (the info line under a headline), one line per block."""
    if start is None:
        return ""
    pieces: list[str] = []
    size, block = 0, None
    for node in start.xpath("following::text()"):
        owner = node.getparent()
        container = owner.getparent() if node.is_tail else owner
        if container is None or (stop is not None and (container is stop or stop in container.iterancestors())):
            break
        if not node.is_tail and (not isinstance(owner.tag, str) or owner.tag in ("script", "style")):
            continue
        here = _block_of(container)
        if here is not block and pieces:
            pieces.append("\n")
        block = here
        pieces.append(str(node))
        size += len(node)
        if size > limit:
            break
    return "\n".join(clean_line(line) for line in "".join(pieces).split("\n") if clean_line(line))


def guess_language(text: str) -> str:
    """"zh" when Chinese characters are a fair share of the letters, else "en"."""
    return "zh" if len(CJK_RE.findall(text)) > len(LATIN_RE.findall(text)) / 4 else "en"


def fragment(html: str) -> HtmlElement:
    """Parse an HTML fragment (between comment markers, say) inside one <div>."""
    return lxml.html.fragment_fromstring(XML_ILLEGAL_RE.sub("", html), create_parent="div")


def _overridden(page: Page, found: Found) -> Found:
    """``found`` with the fields the source's selectors name read from those elements instead."""
    selected = {key: _select_one(page, key) for key in FIELD_KEYS}
    texts = {key: element_text(element) for key, element in selected.items() if key != "body"}
    return Found(
        title=texts["title"] or found.title,
        body=selected["body"] if page.selectors.get("body") is not None else found.body,
        dates=[texts["date"], *found.dates],
        author=texts["author"] or found.author,
        origin=_labelled(texts["origin"], clean.find_origin) or found.origin,
        editor=_labelled(texts["editor"], clean.find_editor) or found.editor,
        around=found.around,
    )


def _select_one(page: Page, key: str) -> HtmlElement | None:
    selector = page.selectors.get(key)
    if selector is None:
        return None
    matches = page.select(selector)
    return matches[0] if matches else None


def _labelled(text: str | None, finder) -> str | None:
    """A field's value from its element's text: the labelled value ("来源：X" -> X), else the text."""
    return (finder(text) or text) if text else None


def _paragraphs(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines that are article text, and the editor of a trailing "（责任编辑：X）" note."""
    kept = [line for line in lines if not clean.is_boilerplate_line(line)]
    editor = None
    if kept:
        kept[-1], editor = clean.split_editor_note(kept[-1])
        kept = [line for line in kept if line]
    return kept, editor


def _title_variants(page: Page, title: str | None) -> list[list[str]]:
    """The tokens of every form of the headline the page carries (title, og:title, h1, <title>)."""
    h1s = [element_text(h1) for h1 in page.root.iter("h1")][:2]
    variants = [title, page.meta_value("og:title"), page.meta_value("twitter:title"), *h1s,
                element_text(page.root.find(".//title"))]
    return [tokens for tokens in (_tokens(v) for v in variants if v) if tokens]


def _drop_leading_title(body: HtmlElement, variants: list[list[str]]) -> None:
    """Remove the headline when the body repeats it as its first line."""
    lines = text_lines(body)
    if not lines or _tokens(lines[0]) not in variants:
        return
    wanted = _tokens(lines[0])
    for node in body.iter(*BLOCK_TAGS):
        if node is not body and _tokens(clean_line(node.text_content())) == wanted:
            clean.drop_node(node)
            return


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _first_of(reader, lines: list[str]) -> str | None:
    for line in lines:
        value = reader(line)
        if value:
            return value
    return None


def _language(page: Page, paragraphs: list[str]) -> str:
    """The caller's language, else a translation's target, else <html lang>, else a script check.

    A template's stock ``lang="en"`` on a page of Chinese text does not count.
    """
    if page.options.language:
        return page.options.language
    script = guess_language(" ".join(paragraphs)[:5000])
    declared = translation_language(page.url) or page.html_lang()
    if declared and not (script == "zh" and declared not in CJK_LANGUAGES):
        return declared
    return script


def _short(value: str | None, limit: int = 120) -> str | None:
    value = clean_line(value or "")
    return value[:limit] if value else None


def element_text(element: HtmlElement | None) -> str | None:
    """The cleaned text of an element (None for no element or no text)."""
    if element is None:
        return None
    return clean_line(element.text_content()) or None


def _meta(root: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = content
    return meta


def _block_of(element: HtmlElement) -> HtmlElement:
    """The nearest enclosing block element (a table cell, a paragraph, a div…)."""
    for node in (element, *element.iterancestors()):
        if node.tag in BLOCK_TAGS or node.tag == "body":
            return node
    return element
