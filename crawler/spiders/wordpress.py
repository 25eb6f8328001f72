"""WordPress sites: archive pages ``/page/N/`` and single posts ``/YYYY/MM/DD/slug/``."""

from __future__ import annotations

import re

from scrapy.http import Response

from crawler.listings import ListLink
from crawler.spiders.base import SourceSpider

POST_RE = re.compile(r"/\d{4}/\d{2}/\d{2}/[^/?#]+/?$")
POST_TITLES = "article .entry-title a, .post .entry-title a, h2.entry-title a, h3.entry-title a"
NEXT_PAGE = "link[rel=next]::attr(href), a.next::attr(href), .nav-previous a::attr(href), a[rel=next]::attr(href)"


class WordPressSpider(SourceSpider):
    """Archive pages in order; posts are the entry titles of the main loop."""

    name = "wordpress"

    def parse_listing(self, response: Response):
        links = self._post_links(response)
        requests = self.follow_articles(links)
        yield from requests
        page = response.meta.get("list_page", 1)
        next_href = response.css(NEXT_PAGE).get()
        if next_href and self.keep_listing(len(requests), page):
            yield self.listing_request(response.urljoin(next_href), page + 1)

    def _post_links(self, response: Response) -> list[ListLink]:
        anchors = response.css(POST_TITLES)
        if not anchors:  # themes without entry titles: permalinks in the main content (or anywhere)
            main = response.css("main, #main, #primary, #content")
            anchors = main[0].css("a") if main else response.css("a")
        links = []
        for anchor in anchors:
            url = response.urljoin(anchor.attrib.get("href", ""))
            if POST_RE.search(url.split("?")[0]):
                links.append(ListLink(url, " ".join(anchor.css("::text").getall()).strip()))
        return links
