"""Hanweb JCMS article pages (english.zj.gov.cn, en.sx.gov.cn, *.zj.gov.cn …).

Body between the ``ZJEG_RSS.content.begin/end`` comments (or ``<$[信息内容]>``),
else ``#zoom``; title from meta ArticleTitle; date from meta PubDate, then the
timestamp row under the title, then the URL path.
"""

from __future__ import annotations

import re

from crawler.extract.article import Article
from crawler.extract.page import Page, finish, fragment, pick_date, text_after, title_from_head

MARKERS = (
    re.compile(r"ZJEG_RSS\.content\.begin\s*-->(.*?)<!--\s*ZJEG_RSS\.content\.end", re.S | re.I),
    re.compile(r"<\$\[信息内容\]>begin\s*-->(.*?)<!--\s*<\$\[信息内容\]>end", re.S),
)
TITLE_SELECTORS = "td.title, .title, h1.title, p.con-title, .art_title h2, .article-title, h1"
BODY_SELECTORS = "#zoom, .bt_content, td.bt_content, div.bt_content, .article-content, #content"
DATE_META = ("PubDate", "Maketime", "firstpublishedtime", "pubdate", "publishdate", "article:published_time")
CONTENT_META = re.compile(r"<meta\s+name=['\"]?Content(Start|End)['\"]?\s*/?>", re.I)


def extract(page: Page) -> Article:
    """Extract a Hanweb article page."""
    body = _body(page)
    title_element = _first(page, page.override("title") or TITLE_SELECTORS)
    title = page.meta_value("ArticleTitle") or _text(title_element) or title_from_head(page)
    around = text_after(title_element, _first(page, BODY_SELECTORS) if body is not None else None)
    problems: list[str] = []
    custom_date = page.first_text(page.override("date")) if page.override("date") else None
    published = pick_date(page, [custom_date, page.meta_value(*DATE_META), around], problems)
    return finish(page, title=title, body=body, published=published, problems=problems,
                  origin=page.meta_value("ContentSource"), around=around)


def _body(page: Page):
    if page.override("body"):
        return _first(page, page.override("body"))
    for marker in MARKERS:
        match = marker.search(page.html)
        if match and match.group(1).strip():
            return fragment(CONTENT_META.sub("", match.group(1)))
    return _first(page, BODY_SELECTORS)


def _first(page: Page, selectors: str):
    found = page.select(selectors)
    return found[0] if found else None


def _text(element) -> str | None:
    if element is None:
        return None
    text = " ".join(element.text_content().split())
    return text or None
