"""The HTTP cache: Scrapy's DBM storage with one file per source, that never fails a crawl.

Scrapy's ``DbmCacheStorage`` names its file after the spider, so two sources
of one profile shared (and, with gdbm's lock, refused) one file. Here each
source has its own ``<source>.db``. A cache file that cannot be opened (left
broken by a killed crawl) is started afresh, an entry that cannot be read is
a miss: the cache only saves downloads, it never loses a page.

``CacheMiddleware`` is Scrapy's ``HttpCacheMiddleware`` without its error
recovery: a page that fails to download (a timeout, a lost connection) is a
recorded failure, retried later, not silently replaced by its cached copy.
See https://docs.scrapy.org/en/latest/topics/downloader-middleware.html#httpcache-storage-dbm
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import DbmCacheStorage
from scrapy.http import Response

logger = logging.getLogger(__name__)


class CacheMiddleware(HttpCacheMiddleware):
    """HttpCacheMiddleware whose download errors reach the spider (and the store) as failures."""

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        request.meta.pop("cached_response", None)
        return None


class SourceCacheStorage(DbmCacheStorage):
    """One DBM file per source (``HTTPCACHE_DIR/<source>.db``), on any ``dbm`` backend."""

    def open_spider(self, spider: Spider) -> None:
        self._fingerprinter = spider.crawler.request_fingerprinter
        self.stats = spider.crawler.stats
        source = getattr(spider, "source", None)
        path = Path(self.cachedir, f"{getattr(source, 'name', spider.name)}.db")
        try:
            self.db = self.dbmodule.open(str(path), "c")
        except Exception as exc:  # noqa: BLE001 - every backend raises its own error type
            self.db = self._fresh(path, exc)

    def close_spider(self, spider: Spider) -> None:
        try:
            if hasattr(self.db, "close"):
                self.db.close()
        except Exception as exc:  # noqa: BLE001
            logger.warning("HTTP cache %s: not closed cleanly (%s)", spider.name, exc)

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        try:
            return super().retrieve_response(spider, request)
        except Exception:  # noqa: BLE001 - a damaged entry is a cache miss
            self.stats.inc_value("coopfeed/cache_errors")
            return None

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        try:
            super().store_response(spider, request, response)
        except Exception:  # noqa: BLE001 - not cached this time: it will be downloaded again
            self.stats.inc_value("coopfeed/cache_errors")

    def _fresh(self, path: Path, error: Exception) -> Any:
        """A new cache file in place of one that cannot be opened; a dict if even that fails."""
        if not _is_lock_error(error):
            for old in path.parent.glob(path.name + "*"):
                old.unlink(missing_ok=True)
            try:
                db = self.dbmodule.open(str(path), "c")
                logger.warning("HTTP cache %s could not be opened (%s): started a new one", path, error)
                return db
            except Exception as exc:  # noqa: BLE001
                error = exc
        logger.warning("HTTP cache %s cannot be used (%s): this crawl runs without it", path, error)
        return {}


def _is_lock_error(error: Exception) -> bool:
    text = str(error).lower()
    return "temporarily unavailable" in text or "lock" in text
