"""TRS WCM columns: ``index.html``, ``index_1.html``…, articles ``YYYYMM/tYYYYMMDD_ID.html``.

The page count sits only in the ``createPageHTML(count, current, "index",
"html")`` script. Works through a translation wrapper too: links are matched
on the unwrapped address and further list pages are wrapped the same way.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response

from crawler.extract.urls import canonical_url, is_translation
from crawler.listings import ListLink, trs_pages, with_query
from crawler.spiders.base import SourceSpider

ARTICLE_RE = re.compile(r"/t\d{8}_\d+\.s?html?$")


class TrsSpider(SourceSpider):
    """List pages of a TRS column and the articles under that column's folder."""

    name = "trs"

    def parse_listing(self, response: Response):
        list_url = canonical_url(response.url)
        folder = posixpath.dirname(urlsplit(list_url).path) + "/"
        links = [link for link in self._links(response) if _in_column(link.url, folder)]
        requests = self.follow_articles(links)
        yield from requests
        page = response.meta.get("list_page", 1)
        if response.meta.get("fanned"):
            return
        pages = trs_pages(response.text)
        if pages and pages[1] == 0 and self.fan_out():  # every list page at once: the count is known
            for number in range(1, pages[0]):
                url = self._wrap(response, urljoin(list_url, f"{pages[2]}_{number}.{pages[3]}"))
                yield self.listing_request(url, number + 1, meta={"fanned": True})
            return
        next_url = self._next_page(response, list_url)
        if next_url and self.keep_listing(len(requests), page):
            yield self.listing_request(next_url, page + 1)

    def _links(self, response: Response) -> list[ListLink]:
        links = []
        for anchor in response.css("a[href]"):
            url = response.urljoin(anchor.attrib["href"])
            title = anchor.attrib.get("title") or " ".join(anchor.css("::text").getall())
            links.append(ListLink(url, " ".join(title.split())))
        return links

    def _next_page(self, response: Response, list_url: str) -> str | None:
        pages = trs_pages(response.text)
        if pages:
            count, current, stem, ext = pages
            if current + 1 >= count:
                return None
            target = urljoin(list_url, f"{stem}_{current + 1}.{ext}")
        else:
            href = response.xpath("//a[contains(., '下一页') or contains(., 'Next page')]/@href").get()
            if not href:
                return None
            target = canonical_url(response.urljoin(href))
        return self._wrap(response, target)

    def _wrap(self, response: Response, target: str) -> str:
        """``target`` wrapped like the page being read (through the translator or not)."""
        if is_translation(response.url):
            return with_query(response.url, **{_wrapped_param(response.url): target})
        return target


def _in_column(url: str, folder: str) -> bool:
    path = urlsplit(canonical_url(url)).path
    return bool(ARTICLE_RE.search(path)) and path.startswith(folder)


def _wrapped_param(wrapper_url: str) -> str:
    """The query parameter of a wrapper address that carries the original URL."""
    query = urlsplit(wrapper_url).query
    for name in ("query", "u", "url"):
        if re.search(rf"(^|&){name}=https?", query) or re.search(rf"(^|&){name}=http%3A", query, re.I):
            return name
    return "query"
