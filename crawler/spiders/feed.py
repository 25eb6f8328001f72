"""Existing RSS/Atom feeds as sources: entries become articles beside the crawled ones.

``fetch_full``: "never" takes the entry's own content; "always" fetches each
linked page and extracts it; "auto" (default) fetches the page only when the
entry carries less than FULL_TEXT characters of text (a teaser feed).
"""

from __future__ import annotations

import feedparser
from scrapy import Request
from scrapy.http import Response

from coopfeed.errors import ExtractionError
from crawler.extract.feedentry import entry_text_length, from_feed_entry
from coopfeed.htmlpolicy import is_web_url
from crawler.extract.urls import canonical_url
from crawler.items import ArticleItem
from crawler.spiders.base import SourceSpider

FULL_TEXT = 500


class FeedSpider(SourceSpider):
    """Reads a feed; follows RFC 5005 ``rel="next"`` pages when the feed has them."""

    name = "feed"

    def parse_listing(self, response: Response):
        parsed = feedparser.parse(response.body, response_headers={"content-type": _content_type(response)})
        if parsed.bozo and not parsed.entries:
            yield self.failure(response.url, f"not a readable feed ({parsed.bozo_exception})", kind="parse",
                               meta=response.meta)
            return
        new = 0
        for entry in parsed.entries:
            link = entry.get("link")
            if link:
                self.count("links")
            if link and not is_web_url(link):
                yield self.failure(link, "the entry's link is not an http(s) address: not published", kind="link")
                continue
            if not link or self.is_known(link) or canonical_url(link) in self.requested:
                continue
            new += 1
            self.requested.add(canonical_url(link))
            yield from self._entry(entry, response.url)
        page = response.meta.get("list_page", 1)
        next_link = next((l.href for l in parsed.feed.get("links", []) if l.get("rel") == "next"), None)
        if next_link and self.keep_listing(new, page):
            yield self.listing_request(response.urljoin(next_link), page + 1)

    def _entry(self, entry, feed_url: str):
        mode = self.source.fetch_full
        if mode == "always" or (mode == "auto" and entry_text_length(entry) < FULL_TEXT):
            yield Request(entry["link"], callback=self.parse_article, errback=self.failed,
                          meta={"list_title": entry.get("title", "")})
            return
        try:
            article = from_feed_entry(entry, timezone=self.source.timezone, language=self.source.language)
        except ExtractionError as exc:
            yield self.failure(entry.get("link") or feed_url, str(exc), kind=exc.field)
            return
        yield ArticleItem(self.source.name, article.to_dict(), False, list(article.problems))


def _content_type(response: Response) -> str:
    value = response.headers.get("Content-Type")
    return value.decode("latin-1") if value else "application/xml"
