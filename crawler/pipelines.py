"""The store pipeline: every article and failure a spider yields goes into SQLite.

Articles are stored in batches (``BATCH`` articles, or what arrived in
``FLUSH_SECONDS``) of one transaction each: a crawl killed in the middle loses
at most that batch, which the next crawl fetches again (it reads every list
page after an interrupted run). The work is ``crawler.storing.ItemWriter``'s
(the cluster's writer uses it too); counts go to the crawl stats, and
``crawler.extensions.RunRecorder`` turns them into the ``crawl_runs`` row.

Spider errors (an exception in a callback) and redirect loops (a redirect
back to a page of its own chain, dropped by Scrapy's duplicate filter) are
failures too: nothing that goes wrong is only a log line.
See https://docs.scrapy.org/en/latest/topics/item-pipeline.html
"""

from __future__ import annotations

from scrapy import signals
from twisted.internet import task

from crawler.items import ArticleItem, FailureItem
from crawler.storing import ItemWriter
from storage import Store

BATCH = 50
FLUSH_SECONDS = 2.0


class StorePipeline:
    """Upsert articles by their stable id; record failures per source; queue failed pages for a retry."""

    def __init__(self, crawler):
        self.db_path = crawler.settings.get("COOPFEED_DB")
        self.stats = crawler.stats
        self.writer: ItemWriter | None = None
        self.timer = task.LoopingCall(self.flush)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.writer = ItemWriter(Store(self.db_path), self.stats)
        self.timer.start(FLUSH_SECONDS, now=False)

    def close_spider(self, spider=None) -> None:
        if self.timer.running:
            self.timer.stop()
        if self.writer is not None:
            self.writer.flush()
            self.writer.store.close()

    def process_item(self, item):
        if isinstance(item, (ArticleItem, FailureItem)):
            self.writer.add(item)
            if len(self.writer.pending) >= BATCH:
                self.writer.flush()
        return item

    def flush(self) -> None:
        self.writer.flush()

    def spider_error(self, failure, response, spider) -> None:
        """An exception in a spider callback: a ``parse`` failure of that page."""
        self.process_item(spider_error_item(failure, response, spider))

    def request_dropped(self, request, spider) -> None:
        """A redirect back into its own chain: a ``redirect`` failure (other drops are duplicates)."""
        item = redirect_loop_item(request, spider)
        if item is not None:
            self.process_item(item)


def spider_error_item(failure, response, spider) -> FailureItem:
    """The failure of a page whose callback raised."""
    meta = response.meta if response.request is not None else {}
    error = failure.value
    return spider.failure(response.url, f"spider error: {type(error).__name__}: {error}", kind="parse", meta=meta)


def redirect_loop_item(request, spider) -> FailureItem | None:
    """The failure of a request dropped because it redirected back into its own chain, else None."""
    chain = request.meta.get("redirect_urls") or []
    if request.url not in chain:
        return None
    return spider.failure(chain[0], f"redirect loop: back to {request.url}", kind="redirect", meta=request.meta)
