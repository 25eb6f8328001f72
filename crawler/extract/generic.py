"""Unknown sites: trafilatura finds the body; the page's own markup gives title, dates and author.

One trafilatura run in its default (balanced) mode, which already weighs its
own extractor against readability and jusText. Its precision mode and edge
trimming by a second extractor were measured and dropped: they cost recall on
the set they were not tuned on (bench/README.md, "Extraction quality"). The
metadata is read from the page directly (trafilatura's metadata step cost
as much as half an extraction): title from ``og:title``, the ``<h1>``, then
``<title>`` without the site name; dates from meta tags, htmldate, a date line
under the headline, then the URL path; author from meta tags and JSON-LD.
"""

from __future__ import annotations

import copy
import logging

import lxml.html
import trafilatura
from htmldate import find_date
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.metadata import examine_meta, extract_meta_json

from crawler.extract.clean import is_date_line, is_info_line
from crawler.extract.page import Found, Page, element_text, text_after, title_from_head, without_site_name

logger = logging.getLogger(__name__)

#: htmldate without its extensive search: a real date in the markup or none, never a guess
#: from a copyright year or an unrelated number in the text.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
DATE_META = ("article:published_time", "datePublished", "PubDate", "pubdate", "publishdate", "dc.date",
             "dc.date.issued", "sailthru.date", "parsely-pub-date", "og:article:published_time")


def extract(page: Page) -> Found:
    """Find the article of any page with trafilatura."""
    date_line = _date_line(page)
    return Found(
        title=title(page),
        body=_body(_run(page)),
        dates=[page.meta_value(*DATE_META), _htmldate(page), date_line],
        author=_author(page),
        around=date_line or "",
    )


def title(page: Page) -> str | None:
    """The headline: ``og:title``, else the page's only ``<h1>``, else ``<title>``, without the site name."""
    h1s = [text for text in (element_text(h1) for h1 in page.root.iter("h1")) if text]
    for candidate in (page.meta_value("og:title", "twitter:title"), h1s[0] if len(h1s) == 1 else None):
        if candidate:
            return without_site_name(page, candidate)
    return title_from_head(page) or (h1s[0] if h1s else None)


def _date_line(page: Page) -> str | None:
    """The visible date line under the headline ("发布时间：2022-05-20 16:45 来源：…"), if any."""
    for line in text_after(page.first("h1"), None, limit=300).splitlines():
        if is_date_line(line) or is_info_line(line):
            return line
    return None


def _htmldate(page: Page) -> str | None:
    """The publication date htmldate reads from the markup (it works on a copy of the tree)."""
    try:
        return find_date(page.root, url=page.canonical, **DATE_PARAMS)
    except Exception:  # third-party code on arbitrary input
        logger.debug("htmldate failed on %s", page.url, exc_info=True)
        return None


def _author(page: Page) -> str | None:
    """The author named in the meta tags or the JSON-LD (trafilatura's readers of both)."""
    try:
        found = examine_meta(page.root)
        if found.author and " " not in found.author:  # a handle or a site name, as trafilatura rules
            found.author = None
        return extract_meta_json(page.root, found).author
    except Exception:  # third-party code on arbitrary input
        logger.debug("author metadata failed on %s", page.url, exc_info=True)
        return None


def body(page: Page, favor_precision: bool = False):
    """trafilatura's body of the page (in its precision mode if asked) as an HTML element, or None."""
    return _body(_run(page, favor_precision=favor_precision))


def _run(page: Page, favor_precision: bool = False):
    """trafilatura's extraction, comments excluded; None when it finds nothing (or fails on odd input)."""
    # trafilatura parses the text itself (scores better than our tree) unless selectors removed parts
    source = copy.deepcopy(page.root) if page.selectors.get("remove") else page.html
    try:
        return trafilatura.bare_extraction(source, url=page.canonical, include_comments=False,
                                           favor_precision=favor_precision)
    except Exception:  # third-party code on arbitrary input: no article rather than a crash
        logger.debug("trafilatura failed on %s", page.url, exc_info=True)
        return None


def _body(document):
    """trafilatura's body tree as an HTML element (None when it found no body)."""
    if document is None or document.body is None or not len(document.body):
        return None
    html_root = convert_to_html(copy.deepcopy(document.body))
    parsed = lxml.html.document_fromstring(lxml.html.tostring(html_root[0], encoding="unicode"))
    return _line_breaks(parsed.find("body"))


def _line_breaks(body):
    """A body that is one paragraph of newline-separated lines is trafilatura's page-text rescue
    (short pages: one line per block of the page); each line becomes a paragraph, as trafilatura's
    own text output shows it, so the headline and the date line under it are lines of their own."""
    children = list(body)
    if len(children) != 1 or len(children[0]) or "\n" not in (children[0].text or "").strip():
        return body
    paragraph = children[0]
    lines = [line for line in paragraph.text.split("\n") if line.strip()]
    paragraph.text = lines[0]
    for line in reversed(lines[1:]):
        sibling = lxml.html.Element(paragraph.tag)
        sibling.text = line
        paragraph.addnext(sibling)
    return body
