"""Extraction: a page (HTML text or bytes) and its URL in, an ``Article`` out.

Pure functions, no Scrapy: ``extract(page, url, profile="auto")``. One
module per site profile finds the title, date and body; ``page.finish``
applies the shared boilerplate, metadata and sanitizing rules.
"""

from __future__ import annotations

import re

from coopfeed.errors import ExtractionError
from crawler.extract import generic, hanweb, trs, wordpress
from crawler.extract.article import Article
from crawler.extract.decode import decode_page
from crawler.extract.page import Options, Page

PROFILES = {"hanweb": hanweb.extract, "wordpress": wordpress.extract, "trs": trs.extract,
            "generic": generic.extract}
HANWEB_SIGNS = re.compile(r"ZJEG_RSS\.content|<\$\[信息内容\]>|name=['\"]?i_articleid|name=['\"]?ContentStart|"
                          r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+", re.I)
WORDPRESS_SIGNS = re.compile(r"/wp-content/|/wp-includes/|class=['\"][^'\"]*\bentry-content\b|"
                             r"name=['\"]generator['\"][^>]*WordPress", re.I)
TRS_SIGNS = re.compile(r"TRS_Editor|Custom_UnionStyle|/t\d{8}_\d+\.s?html?", re.I)

__all__ = ["Article", "extract", "detect_profile", "PROFILES"]


def detect_profile(html: str, url: str = "") -> str:
    """Recognise the CMS from the page's markup (the URL helps only for TRS article names)."""
    if HANWEB_SIGNS.search(html):
        return "hanweb"
    if re.search(r"TRS_Editor|Custom_UnionStyle", html):
        return "trs"
    if WORDPRESS_SIGNS.search(html):
        return "wordpress"
    if TRS_SIGNS.search(url):
        return "trs"
    if HANWEB_SIGNS.search(url):
        return "hanweb"
    return "generic"


def extract(page: str | bytes, url: str, *, profile: str = "auto", timezone: str = "Asia/Shanghai",
            language: str | None = None, selectors: dict | None = None,
            content_type: str | None = None) -> Article:
    """Extract the article of one page; raises ExtractionError when it holds none."""
    html = decode_page(page, content_type)
    if profile == "auto":
        profile = detect_profile(html, url)
    if profile not in PROFILES:
        raise ExtractionError(f"unknown profile {profile!r} (expected auto or one of {', '.join(PROFILES)})")
    parsed = Page(html, url, Options(timezone=timezone, language=language, selectors=selectors or {}))
    return PROFILES[profile](parsed)
