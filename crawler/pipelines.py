"""The store pipeline: every article and failure a spider yields goes into SQLite.

Articles are stored in batches (``BATCH`` articles, or what arrived in
``FLUSH_SECONDS``) of one transaction each: a crawl killed in the middle loses
at most that batch, which the next crawl fetches again (it reads every list
page after an interrupted run).

Spider errors (an exception in a callback) and redirect loops (a redirect
back to a page of its own chain, dropped by Scrapy's duplicate filter) are
failures too: nothing that goes wrong is only a log line.

Counts in the crawl stats: ``coopfeed/new``, ``/updated``, ``/unchanged``;
``coopfeed/failed`` (pages that gave no article), ``coopfeed/failures/<kind>``
(article pages tried for the first time) and ``coopfeed/retry_failed`` (pages that failed
again); ``coopfeed/problems`` and ``coopfeed/problems/<kind>``
(stored articles with a missing or bad field); ``coopfeed/store_failed``.
``crawler.extensions.RunRecorder`` turns them into the ``crawl_runs`` row.
See https://docs.scrapy.org/en/latest/topics/item-pipeline.html
"""

from __future__ import annotations

import logging

from scrapy import signals
from twisted.internet import task

from crawler.items import ArticleItem, FailureItem
from storage import Store, item_id

logger = logging.getLogger(__name__)

BATCH = 50
FLUSH_SECONDS = 2.0


class StorePipeline:
    """Upsert articles by their stable id; record failures per source; queue failed pages for a retry."""

    def __init__(self, crawler):
        self.db_path = crawler.settings.get("COOPFEED_DB")
        self.stats = crawler.stats
        self.store: Store | None = None
        self.pending: list[ArticleItem] = []
        self.timer = task.LoopingCall(self.flush)

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.store = Store(self.db_path)
        self.timer.start(FLUSH_SECONDS, now=False)

    def close_spider(self, spider=None) -> None:
        if self.timer.running:
            self.timer.stop()
        if self.store is not None:
            self.flush()
            self.store.close()

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            self.pending.append(item)
            if len(self.pending) >= BATCH:
                self.flush()
        elif isinstance(item, FailureItem):
            self._record(item)
        return item

    def flush(self) -> None:
        """Store the pending articles in one transaction; count each, record what could not be stored."""
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            results = self.store.save_items([(item.article, item.source, item.translated) for item in batch])
        except Exception as exc:  # the whole batch failed (disk full…): each article is a failure, retried later
            logger.debug("store failed for a batch of %d", len(batch), exc_info=True)
            results = [exc] * len(batch)
        for item, result in zip(batch, results):
            self._saved(item, result)

    def spider_error(self, failure, response, spider) -> None:
        """An exception in a spider callback: a ``parse`` failure of that page."""
        meta = response.meta if response.request is not None else {}
        error = failure.value
        self._record(spider.failure(response.url, f"spider error: {type(error).__name__}: {error}",
                                    kind="parse", meta=meta))

    def request_dropped(self, request, spider) -> None:
        """A redirect back into its own chain: a ``redirect`` failure (other drops are duplicates)."""
        chain = request.meta.get("redirect_urls") or []
        if request.url in chain:
            first = chain[0]
            self._record(spider.failure(first, f"redirect loop: back to {request.url}", kind="redirect",
                                        meta=request.meta))

    def _saved(self, item: ArticleItem, result) -> None:
        """Count a stored article and record its field problems; an article not stored is a failure."""
        if isinstance(result, Exception):  # never lose an article silently: a failure, tried again later
            self.stats.inc_value("coopfeed/store_failed")
            url = item.article.get("url", "?")
            self._record(FailureItem(item.source, url, f"not stored: {type(result).__name__}: {result}", "store",
                                     fetch_url=item.fetch_url or url, item_id=_item_id(item)))
            return
        self.stats.inc_value(f"coopfeed/{result[1]}")
        for problem in item.problems:
            kind = problem.split(":", 1)[0].strip() or "parse"
            self._note(item.source, item.article["url"], problem, kind)
            self.stats.inc_value("coopfeed/problems")
            self.stats.inc_value(f"coopfeed/problems/{kind}")

    def _record(self, item: FailureItem) -> None:
        """A page that gave no article: recorded, counted, queued for a retry (article pages), one line."""
        retry = not item.list_page and item.fetch_url is not None
        self._note(item.source, item.url, item.reason, item.kind, fetch_url=item.fetch_url if retry else None,
                   item_id=item.item_id)
        self.stats.inc_value("coopfeed/failed")
        if item.retry:
            self.stats.inc_value("coopfeed/retry_failed")
        elif not item.list_page:
            self.stats.inc_value(f"coopfeed/failures/{item.kind}")

    def _note(self, source: str, url: str, reason: str, kind: str, fetch_url: str | None = None,
              item_id: str | None = None) -> None:
        """Store one failure (and, with ``fetch_url``, its page's next attempt); tell the user in one line."""
        try:
            self.store.record_failure(source, url, reason, kind=kind,
                                      run_started=self.stats.get_value("coopfeed/run_started"))
            if fetch_url:
                page = self.store.note_failed_page(source, url, kind=kind, reason=reason, fetch_url=fetch_url,
                                                   item_id=item_id)
                if page["given_up"]:
                    reason += f" (given up after {page['attempts']} attempts)"
        except Exception as exc:  # the store itself is failing (disk full…): the log line still tells
            self.stats.inc_value("coopfeed/store_failed")
            reason = f"{reason} (and the failure could not be recorded: {exc})"
        logger.warning("%s: %s: %s", source, url, reason)


def _item_id(item: ArticleItem) -> str | None:
    url = item.article.get("url")
    return item_id(url, item.article.get("language"), item.translated) if url else None
