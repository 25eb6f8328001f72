"""Baseline for bench/crawl.py: a bare Scrapy spider that only downloads the given URLs.

    python bench/baseline_spider.py URLS_FILE CONCURRENCY
"""

from __future__ import annotations

import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class FetchOnly(scrapy.Spider):
    """Receives each response and does nothing with it."""

    name = "fetch_only"

    def __init__(self, urls_file: str, **kwargs):
        super().__init__(**kwargs)
        with open(urls_file, encoding="utf-8") as handle:
            self.urls = [line.strip() for line in handle if line.strip()]

    async def start(self):
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None


def main() -> None:
    urls_file, concurrency = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess({"LOG_LEVEL": "ERROR", "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
                              "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
                              "ROBOTSTXT_OBEY": False, "RETRY_ENABLED": False})
    process.crawl(FetchOnly, urls_file=urls_file)
    process.start()


if __name__ == "__main__":
    main()
