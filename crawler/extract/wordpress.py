"""WordPress posts: ``h1.entry-title``, ``time.entry-date``, ``.entry-content``.

Date: ``time.entry-date.published[datetime]`` > ``article:published_time`` >
the visible date of themes without a datetime attribute > the URL path.
"""

from __future__ import annotations

from crawler.extract.article import Article
from crawler.extract.page import Page, finish, pick_date, title_from_head

TITLE_SELECTORS = "h1.entry-title, .entry-header h1, h1.post-title, article h1, h1"
BODY_SELECTORS = ".entry-content, .post-content, .td-post-content, article .content, .single-content"
AUTHOR_SELECTORS = ".byline .author a, .byline .fn, .author.vcard a, a[rel=author], .entry-author-name"
DROP_IN_BODY = [".sharedaddy", ".jp-relatedposts", ".wp-block-buttons", ".post-tags", ".yarpp-related",
                ".wpcnt", ".code-block", "ins.adsbygoogle"]


def extract(page: Page) -> Article:
    """Extract a WordPress single post."""
    body = _first(page, page.override("body") or BODY_SELECTORS)
    problems: list[str] = []
    published = pick_date(page, _date_candidates(page), problems)
    author = page.first_text(page.override("author") or AUTHOR_SELECTORS) or page.meta_value("author")
    title = (page.first_text(page.override("title") or TITLE_SELECTORS)
             or page.meta_value("og:title") or title_from_head(page))
    if body is not None:
        for selector in DROP_IN_BODY:
            for element in page.select(selector):
                if element.getparent() is not None:
                    element.getparent().remove(element)
    return finish(page, title=title, body=body, published=published, problems=problems, author=author)


def _date_candidates(page: Page) -> list[str | None]:
    custom = page.first_text(page.override("date")) if page.override("date") else None
    published = page.select("time.entry-date.published, time.published, .posted-on time, time.entry-date")
    attributes = [element.get("datetime") for element in published if element.get("datetime")]
    visible = page.first_text(".entry-date, .posted-on, .post-date, .entry-meta .date, time")
    return [custom, *attributes, page.meta_value("article:published_time", "datePublished"), visible]


def _first(page: Page, selectors: str):
    found = page.select(selectors)
    return found[0] if found else None
