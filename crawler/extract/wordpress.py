"""WordPress posts: ``h1.entry-title``, ``time.entry-date``, ``.entry-content``.

Date: ``time.entry-date.published[datetime]`` > ``article:published_time`` >
the visible date of themes without a datetime attribute ("June 3, 2021") >
the URL path. Jetpack share and related-posts blocks inside the body go.
"""

from __future__ import annotations

from lxml.cssselect import CSSSelector

from crawler.extract.clean import drop_elements
from crawler.extract.page import Found, Page, title_from_head

TITLE_SELECTORS = ("h1.entry-title", ".entry-header h1", "h1.post-title", "article h1", ".entry-title", "h1")
BODY_SELECTORS = (".entry-content", ".post-content", ".td-post-content", ".single-content", "article .content")
AUTHOR_SELECTORS = (".byline .author a", ".byline .fn", ".author.vcard .fn", ".author.vcard a", "a[rel=author]",
                    ".entry-author-name", ".byline")
PUBLISHED_SELECTORS = ("time.entry-date.published[datetime]", "time.published[datetime]",
                       ".posted-on time[datetime]:not(.updated)")
VISIBLE_DATE_SELECTORS = ("time.entry-date", ".entry-date", ".posted-on", ".post-date", ".entry-meta .date")
DROP_IN_BODY = [CSSSelector(s) for s in (
    ".sharedaddy", ".jp-relatedposts", "#jp-relatedposts", ".wp-block-buttons", ".post-tags", ".yarpp-related",
    ".wpcnt", ".code-block", "ins.adsbygoogle", ".addtoany_share_save_container", ".wp-block-jetpack-sharing-buttons",
)]


def extract(page: Page) -> Found:
    """Find the title, body, dates and author of a WordPress single post."""
    body = page.first(*BODY_SELECTORS)
    if body is not None:
        drop_elements(body, DROP_IN_BODY)
    author = page.first_text(*AUTHOR_SELECTORS)
    return Found(
        title=page.first_text(*TITLE_SELECTORS) or page.meta_value("og:title") or title_from_head(page),
        body=body,
        dates=[_published_attribute(page), page.meta_value("article:published_time", "datePublished"),
               page.first_text(*VISIBLE_DATE_SELECTORS)],
        author=_without_by(author) or page.meta_value("author"),
    )


def _published_attribute(page: Page) -> str | None:
    for selector in PUBLISHED_SELECTORS:
        for element in page.select(selector):
            if element.get("datetime", "").strip():
                return element.get("datetime")
    return None


def _without_by(author: str | None) -> str | None:
    """"by Li Na" -> "Li Na"."""
    if not author:
        return None
    words = author.split()
    return " ".join(words[1:] if words[0].lower() in ("by", "posted") else words) or None
