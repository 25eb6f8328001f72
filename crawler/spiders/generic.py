"""Unknown sites: find article links on the start pages, follow "next" links.

An article link stays on the site, looks like an article address (a date or
a long number in the path, or an .htm(l) page deeper than the list) and has a
headline-length anchor text; ``selectors.links`` (CSS) overrides the guess.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.http import Response

from crawler.listings import ListLink
from crawler.spiders.base import SourceSpider

DATE_IN_PATH = re.compile(r"/(19|20)\d{2}[-/]?(0?[1-9]|1[0-2])([-/]?\d{1,2})?/|/t(19|20)\d{6}_|/n\d/(19|20)\d{2}/")
LONG_NUMBER = re.compile(r"\d{5,}")
PAGE_SUFFIX = re.compile(r"\.(s?html?|php|aspx?)$")
SKIP_PATH = re.compile(r"/(tag|tags|category|author|search|login|page)/|/(index|default)\.s?html?$", re.I)
NEXT_TEXT = ("next", "older", "more", "下一页", "下页", "»", "›", ">")
MIN_TITLE = 15


class GenericSpider(SourceSpider):
    """Link discovery plus the generic (trafilatura-based) extractor."""

    name = "generic"

    def parse_listing(self, response: Response):
        requests = self.follow_articles(self._article_links(response))
        yield from requests
        page = response.meta.get("list_page", 1)
        next_url = self._next_page(response)
        if next_url and self.keep_listing(len(requests), page) and page < (self.source.max_list_pages or 10):
            yield self.listing_request(next_url, page + 1)

    def _article_links(self, response: Response) -> list[ListLink]:
        custom = self.source.selectors.get("links")
        anchors = response.css(custom) if custom else response.css("a[href]")
        links = []
        for anchor in anchors:
            url = response.urljoin(anchor.attrib.get("href", ""))
            title = " ".join(" ".join(anchor.css("::text").getall()).split())
            if custom or looks_like_article(url, title, response.url):
                links.append(ListLink(url, title))
        return links

    def _next_page(self, response: Response) -> str | None:
        href = response.css("link[rel=next]::attr(href), a[rel=next]::attr(href), a.next::attr(href)").get()
        if href:
            return response.urljoin(href)
        for anchor in response.css("a[href]"):
            text = " ".join(anchor.css("::text").getall()).strip().lower()
            if text in NEXT_TEXT or text.startswith(("next", "下一页")):
                return response.urljoin(anchor.attrib["href"])
        return None


def looks_like_article(url: str, title: str, list_url: str) -> bool:
    """Same host, an article-shaped path, and a headline-length anchor text."""
    parts, list_parts = urlsplit(url), urlsplit(list_url)
    if parts.scheme not in ("http", "https") or parts.hostname != list_parts.hostname:
        return False
    path = parts.path
    if SKIP_PATH.search(path) or path in ("", "/") or path == list_parts.path:
        return False
    if len(title) < MIN_TITLE and not re.search(r"[\u4e00-\u9fff]{6,}", title):
        return False
    if DATE_IN_PATH.search(path) or LONG_NUMBER.search(path):
        return True
    return bool(PAGE_SUFFIX.search(path)) and path.count("/") > list_parts.path.count("/")
