"""Unknown sites: trafilatura finds the body; our shared rules clean it.

trafilatura gets the page text itself (its own parser scores better than a
tree we parsed) and keeps formatting; links and images are left out because
asking for them changes which blocks it keeps (measured: F1 0.953 instead of
0.960 on bench/extraction.py). The HTML is that tree as simple HTML. Dates: meta tags, then htmldate
(through trafilatura's metadata), then the URL path.
"""

from __future__ import annotations

import lxml.html
import trafilatura
from trafilatura.htmlprocessing import convert_to_html

from crawler.extract.article import Article
from crawler.extract.page import Page, finish, pick_date, title_from_head

#: htmldate without its extensive search: a real date in the markup or none, never a guess
#: from a copyright year or an unrelated number in the text.
DATE_PARAMS = {"extensive_search": False, "original_date": True}
DATE_META = ("article:published_time", "datePublished", "pubdate", "PubDate", "publishdate", "date",
             "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date", "og:article:published_time")


def extract(page: Page) -> Article:
    """Extract any article page with trafilatura plus the shared cleaning."""
    document = trafilatura.bare_extraction(
        page.html, url=page.canonical, include_comments=False, with_metadata=True, include_formatting=True,
        date_extraction_params=DATE_PARAMS,
    )
    body = _body(page, document)
    problems: list[str] = []
    custom = page.first_text(page.override("date")) if page.override("date") else None
    candidates = [custom, page.meta_value(*DATE_META), getattr(document, "date", None)]
    published = pick_date(page, candidates, problems)
    title = (page.first_text(page.override("title")) if page.override("title") else None) or (
        getattr(document, "title", None) or page.meta_value("og:title") or title_from_head(page))
    author = page.first_text(page.override("author")) if page.override("author") else getattr(document, "author", None)
    return finish(page, title=title, body=body, published=published, problems=problems, author=author)


def _body(page: Page, document):
    """The body as an HTML element: the override selector, else trafilatura's tree."""
    if page.override("body"):
        found = page.select(page.override("body"))
        return found[0] if found else None
    if document is None or document.body is None or not len(document.body):
        return None
    html_root = convert_to_html(document.body)
    return lxml.html.fromstring(lxml.html.tostring(html_root[0], encoding="unicode"))
