"""Hanweb JCMS article pages (english.zj.gov.cn, en.sx.gov.cn, the *.zj.gov.cn family).

Body between the ``ZJEG_RSS.content.begin/end`` comments (or ``<$[信息内容]>``),
else ``#zoom`` / ``.bt_content``; title from meta ArticleTitle, then the
headline cell (never the three-part <title>); date from meta PubDate, then
the time row under the title, then Maketime, then the URL path.
"""

from __future__ import annotations

import copy
import re

import lxml.html
from lxml import etree

from crawler.extract.clean import drop_node, find_origin
from crawler.extract.dates import find_date_text
from crawler.extract.page import Found, Page, element_text, fragment, text_after, title_from_head

#: (begin comment, end comment, the markup between them) of each marker pair.
MARKERS = (
    (re.compile(r"ZJEG_RSS\.content\.begin", re.I), re.compile(r"ZJEG_RSS\.content\.end", re.I),
     re.compile(r"ZJEG_RSS\.content\.begin\s*-->(.*?)<!--\s*ZJEG_RSS\.content\.end", re.S | re.I)),
    (re.compile(r"<\$\[信息内容\]>begin"), re.compile(r"<\$\[信息内容\]>end"),
     re.compile(r"<\$\[信息内容\]>begin\s*-->(.*?)<!--\s*<\$\[信息内容\]>end", re.S)),
)
TITLE_SELECTORS = ("td.title", "h1.title", "p.con-title", ".art_title h2", ".article-title", ".title", "h1")
BODY_SELECTORS = ("#zoom", "td.bt_content", "div.bt_content", ".bt_content", ".article-content", "#content")
TIME_SELECTORS = ("td.time", ".time", ".pubtime", ".date", ".info")
DATE_META = ("PubDate", "firstpublishedtime", "publishdate", "article:published_time")


def extract(page: Page) -> Found:
    """Find the title, body, dates and origin of a Hanweb article page."""
    headline = page.first(*TITLE_SELECTORS)
    container = page.first(*BODY_SELECTORS)
    around = "\n".join(filter(None, [text_after(headline, container), _time_line(page)]))
    title = page.meta_value("ArticleTitle") or element_text(headline) or title_from_head(page)
    marked = _marked_body(page)
    return Found(
        title=title,
        body=marked if marked is not None else container,
        dates=[page.meta_value(*DATE_META), around, page.meta_value("Maketime")],
        origin=find_origin(around) or page.meta_value("ContentSource"),
        around=around,
    )


def _time_line(page: Page) -> str | None:
    """The text of a time row anywhere on the page (templates that put it below the body),
    never one inside a list: sidebars list other articles with their dates."""
    for selector in TIME_SELECTORS:
        for element in page.select(selector):
            text = element_text(element)
            if text and find_date_text(text) and not any(a.tag in ("li", "ul", "nav", "aside")
                                                         for a in element.iterancestors()):
                return text
    return None


def _marked_body(page: Page):
    """The body between the content markers, without the ContentStart/End metas (None if empty)."""
    for begin, end, markup in MARKERS:
        body = _between_comments(page.root, begin, end)
        if body is None:  # markers not siblings (tag soup): parse the markup between them again
            match = markup.search(page.html)
            body = fragment(match.group(1)) if match else None
        if body is not None and (element_text(body) or body.find(".//img") is not None):
            for meta in body.xpath(".//meta"):  # ContentStart / ContentEnd
                drop_node(meta)
            return body
    return None


def _between_comments(root, begin: re.Pattern, end: re.Pattern):
    """A <div> holding copies of the nodes between a begin and an end comment that are siblings."""
    for comment in root.iter(etree.Comment):
        if not begin.search(comment.text or ""):
            continue
        body = lxml.html.Element("div")
        body.text = comment.tail
        for node in comment.itersiblings():
            if isinstance(node, etree._Comment) and end.search(node.text or ""):
                return body
            body.append(copy.deepcopy(node))
        return None
    return None
