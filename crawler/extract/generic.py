"""Unknown sites: trafilatura finds the body and the metadata; the shared rules clean it.

trafilatura runs in precision mode first (less page furniture); when that
keeps less than half of what its default mode keeps, it probably cut the
article short and the default result is used instead (measured on
bench/extraction.py). Dates: meta tags, then htmldate (through
trafilatura's metadata), then a date line under the headline, then the URL path.
"""

from __future__ import annotations

import copy
import logging

import lxml.html
import trafilatura
from trafilatura.htmlprocessing import convert_to_html

from crawler.extract.clean import is_date_line, is_info_line
from crawler.extract.page import Found, Page, element_text, text_after, title_from_head

logger = logging.getLogger(__name__)

#: htmldate without its extensive search: a real date in the markup or none, never a guess
#: from a copyright year or an unrelated number in the text.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
DATE_META = ("article:published_time", "datePublished", "PubDate", "pubdate", "publishdate", "dc.date",
             "dc.date.issued", "sailthru.date", "parsely-pub-date", "og:article:published_time")
#: The precision-mode result is kept unless it is shorter than this share of the default one.
PRECISION_SHARE = 0.5


def extract(page: Page) -> Found:
    """Find the article of any page with trafilatura."""
    document = _run(page, favor_precision=True)
    fuller = _run(page)
    if document is None or _length(document) < PRECISION_SHARE * _length(fuller):
        document = fuller
    date_line = _date_line(page)
    return Found(
        title=getattr(document, "title", None) or page.meta_value("og:title") or element_text(page.first("h1"))
        or title_from_head(page),
        body=_body(document),
        dates=[page.meta_value(*DATE_META), getattr(document, "date", None), date_line],
        author=getattr(document, "author", None),
        around=date_line or "",
    )


def _date_line(page: Page) -> str | None:
    """The visible date line under the headline ("发布时间：2022-05-20 16:45 来源：…"), if any."""
    for line in text_after(page.first("h1"), None, limit=300).splitlines():
        if is_date_line(line) or is_info_line(line):
            return line
    return None


def _run(page: Page, **options):
    """trafilatura's extraction with metadata; None when it finds nothing (or fails on odd input)."""
    # trafilatura parses the text itself (scores better than our tree) unless selectors removed parts
    source = copy.deepcopy(page.root) if page.selectors.get("remove") else page.html
    try:
        return trafilatura.bare_extraction(
            source, url=page.canonical, include_comments=False, with_metadata=True,
            date_extraction_params=DATE_PARAMS, **options)
    except Exception:  # third-party code on arbitrary input: no article rather than a crash
        logger.debug("trafilatura failed on %s", page.url, exc_info=True)
        return None


def _length(document) -> int:
    return len(getattr(document, "text", None) or "") if document is not None else 0


def _body(document):
    """trafilatura's body tree as an HTML element (None when it found no body)."""
    if document is None or document.body is None or not len(document.body):
        return None
    html_root = convert_to_html(copy.deepcopy(document.body))
    return lxml.html.fromstring(lxml.html.tostring(html_root[0], encoding="unicode"))
