"""Hanweb JCMS columns: the datastore on the column page, then the dataproxy.

The dataproxy address, webid, unitid and columnid come from the page's own
``<nextgroup>`` link and jpage set-up (they differ between sites); records
are read in ranges of three screen pages, as the jpage widget does.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.listings import ListLink, jpage_settings, parse_datastore, proxy_form, with_query
from crawler.spiders.base import LIST_PRIORITY, SourceSpider

ARTICLE_RE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?$")
DEFAULT_PER_PAGE = 15
SCREENS_PER_REQUEST = 3


class HanwebSpider(SourceSpider):
    """Column pages of Hanweb sites (english.zj.gov.cn, en.sx.gov.cn and the *.zj.gov.cn family)."""

    name = "hanweb"

    def parse_listing(self, response: Response):
        store = parse_datastore(response.text, response.url)
        if store is None:  # an older static template: plain links and pageNum pages
            yield from self._static_listing(response)
            return
        requests = self.follow_articles(_articles(store.links))
        yield from requests
        settings = jpage_settings(response.text)
        total = store.total or settings.get("totalRecord")
        if not store.nextgroup or not self.keep_listing(len(requests), 1):
            return
        per_page = int(settings.get("perPage") or DEFAULT_PER_PAGE)
        step = per_page * SCREENS_PER_REQUEST
        starts = [store.record_count + 1]
        if total and self.fan_out():  # every range at once: the total is known
            starts = list(range(store.record_count + 1, int(total) + 1, step))
        for page, start in enumerate(starts, start=2):
            yield self._range_request(response.url, store.nextgroup, start, per_page, total, page,
                                      chained=len(starts) == 1)

    def _range_request(self, referer: str, nextgroup: str, start: int, per_page: int,
                       total: Any, page: int, chained: bool = True) -> Request:
        """POST startrecord..endrecord to the dataproxy, as the jpage widget does."""
        proxy_url, form = proxy_form(nextgroup)
        end = start + per_page * SCREENS_PER_REQUEST - 1
        self.count("list_pages")
        url = with_query(proxy_url, startrecord=start, endrecord=end, perpage=per_page)
        return FormRequest(
            url, formdata=form, callback=self.parse_proxy, errback=self.failed, priority=LIST_PRIORITY,
            headers={"Referer": referer, "X-Requested-With": "XMLHttpRequest"},
            meta={"list_page": page, "nextgroup": nextgroup, "end": end, "per_page": per_page,
                  "referer": referer, "total": total, "chained": chained},
        )

    def parse_proxy(self, response: Response):
        """A dataproxy answer: follow its records, ask for the next range until the total."""
        store = parse_datastore(response.text, response.url)
        meta = response.meta
        if store is None:
            yield self.failure(response.url, "the dataproxy answer holds no datastore", kind="parse",
                               meta=response.meta)
            return
        if not store.record_count:
            return
        requests = self.follow_articles(_articles(store.links))
        yield from requests
        total = store.total or meta["total"]
        end = meta["end"]
        if meta["chained"] and (total is None or end < int(total)) and self.keep_listing(len(requests), meta["list_page"]):
            yield self._range_request(meta["referer"], meta["nextgroup"], end + 1, meta["per_page"],
                                      total, meta["list_page"] + 1)

    def _static_listing(self, response: Response):
        links = [ListLink(response.urljoin(href)) for href in response.css("a::attr(href)").getall()]
        requests = self.follow_articles(_articles(links))
        yield from requests
        page = response.meta.get("list_page", 1)
        next_href = response.xpath("//a[contains(., '下一页') or contains(., 'Next') or contains(., 'next')]/@href").get()
        if next_href and self.keep_listing(len(requests), page):
            yield self.listing_request(response.urljoin(next_href), page + 1)


def _articles(links: list[ListLink]) -> list[ListLink]:
    return [link for link in links if ARTICLE_RE.search(link.url.split("?")[0])]
