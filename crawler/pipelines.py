"""The store pipeline: every article and failure a spider yields goes into SQLite.

Counts what it stores in the crawl stats (``coopfeed/new``, ``coopfeed/updated``,
``coopfeed/unchanged``, ``coopfeed/failed`` for pages that gave no article,
``coopfeed/problems`` for stored articles with a missing or bad field); ``crawler.extensions.RunRecorder``
turns them into the ``crawl_runs`` row. See
https://docs.scrapy.org/en/latest/topics/item-pipeline.html
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from crawler.items import ArticleItem, FailureItem
from storage import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    """Upsert articles by their stable id; record failures per source."""

    def __init__(self, db_path: str, stats, run_started: str):
        self.db_path = db_path
        self.stats = stats
        self.run_started = run_started
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler):
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        crawler.stats.set_value("coopfeed/run_started", started)
        return cls(crawler.settings.get("COOPFEED_DB"), crawler.stats, started)

    def open_spider(self, spider=None) -> None:
        self.store = Store(self.db_path)

    def close_spider(self, spider=None) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item):
        if isinstance(item, ArticleItem):
            try:
                self._save_article(item)
            except Exception as exc:  # never lose an article silently: say so, per source
                logger.debug("store failed for %s", item.article.get("url"), exc_info=True)
                self._record(item.source, item.article.get("url", "?"), f"not stored: {type(exc).__name__}: {exc}",
                             "store")
        elif isinstance(item, FailureItem):
            self._record(item.source, item.url, item.reason, item.kind)
        return item

    def _save_article(self, item: ArticleItem) -> None:
        _, outcome = self.store.save_item(item.article, source=item.source, translated=item.translated)
        self.stats.inc_value(f"coopfeed/{outcome}")
        for problem in item.problems:
            kind = problem.split(":", 1)[0].strip() or "parse"
            self._record(item.source, item.article["url"], problem, kind, counter="coopfeed/problems")

    def _record(self, source: str, url: str, reason: str, kind: str, counter: str = "coopfeed/failed") -> None:
        """Store one failure, count it, and tell the user in one line."""
        try:
            self.store.record_failure(source, url, reason, kind=kind, run_started=self.run_started)
        except Exception as exc:  # the store itself is failing (disk full…): the log line still tells
            reason = f"{reason} (and the failure could not be recorded: {exc})"
        self.stats.inc_value(counter)
        self.stats.inc_value(f"coopfeed/failures/{kind}")
        logger.warning("%s: %s: %s", source, url, reason)
