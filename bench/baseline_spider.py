"""Baseline for bench/crawl.py: a bare Scrapy spider that only sends the given requests.

    python bench/baseline_spider.py REQUESTS_FILE CONCURRENCY

REQUESTS_FILE is JSON: [[method, url, form body or ""], ...] — the requests a
coopfeed crawl sent (list pages, dataproxy POSTs, articles), replayed with the
same concurrency and nothing done with the answers.
"""

from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class FetchOnly(scrapy.Spider):
    """Sends each request and does nothing with the response."""

    name = "fetch_only"

    def __init__(self, requests_file: str, **kwargs):
        super().__init__(**kwargs)
        with open(requests_file, encoding="utf-8") as handle:
            self.planned = json.load(handle)

    async def start(self):
        for method, url, form in self.planned:
            yield scrapy.Request(url, method=method, body=form or None, callback=self.parse, dont_filter=True,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"} if form else None)

    def parse(self, response):
        return None


def main() -> None:
    requests_file, concurrency = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess({"LOG_LEVEL": "ERROR", "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                              "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
                              "ROBOTSTXT_OBEY": False, "RETRY_ENABLED": False})
    process.crawl(FetchOnly, requests_file=requests_file)
    process.start()


if __name__ == "__main__":
    main()
