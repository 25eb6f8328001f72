"""Extraction: a page (HTML text or bytes) and its URL in, an ``Article`` out.

Pure functions, no Scrapy and no network::

    from crawler.extract import extract
    article = extract(body, url, profile="auto", timezone="Asia/Shanghai")

One module per site profile (hanweb, wordpress, trs, generic) finds the
title, body, dates and metadata; ``page.assemble`` applies the shared
boilerplate, metadata, date and sanitizing rules.
"""

from __future__ import annotations

import re

from coopfeed.errors import ConfigError
from crawler.extract import generic, hanweb, trs, wordpress
from crawler.extract.article import Article
from crawler.extract.decode import decode_page
from crawler.extract.page import Options, Page, assemble

PROFILES = {"hanweb": hanweb.extract, "wordpress": wordpress.extract, "trs": trs.extract,
            "generic": generic.extract}
#: Markup only these CMSs write, strongest first.
MARKUP_SIGNS = (
    ("hanweb", re.compile(r"ZJEG_RSS\.content|<\$\[信息内容\]>|name\s*=\s*['\"]?i_articleid\b", re.I)),
    ("trs", re.compile(r"\bTRS_Editor\b")),
    ("wordpress", re.compile(r"/wp-content/|/wp-includes/|class\s*=\s*['\"][^'\"]*\bentry-content\b|"
                             r"<meta[^>]+content\s*=\s*['\"]WordPress", re.I)),
)
#: Article addresses of each CMS: the page's own URL first, then links in the markup.
URL_SIGNS = (
    ("hanweb", re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")),
    ("trs", re.compile(r"/t\d{8}_\d+\.s?html?")),
)

__all__ = ["Article", "PROFILES", "detect_profile", "extract"]


def detect_profile(html: str, url: str = "") -> str:
    """The CMS profile of a page ("hanweb", "wordpress", "trs" or "generic") from its markup and URL."""
    for profile, sign in MARKUP_SIGNS:
        if sign.search(html):
            return profile
    for text in (url, html):
        for profile, sign in URL_SIGNS:
            if sign.search(text):
                return profile
    return "generic"


def extract(page: str | bytes, url: str, *, profile: str = "auto", timezone: str = "Asia/Shanghai",
            language: str | None = None, selectors: dict | None = None,
            content_type: str | None = None) -> Article:
    """Extract the article of one page; raises ExtractionError when it has no body or no title."""
    html = decode_page(page, content_type)
    if profile == "auto":
        profile = detect_profile(html, url)
    if profile not in PROFILES:
        raise ConfigError(f"unknown profile {profile!r} (expected auto or one of {', '.join(PROFILES)})")
    parsed = Page(html, url, Options(timezone=timezone, language=language, selectors=selectors or {}))
    return assemble(parsed, PROFILES[profile](parsed))
