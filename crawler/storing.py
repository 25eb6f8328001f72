"""ItemWriter: how articles and failures go into the store, for a local crawl and for the cluster writer.

Articles wait in a batch and are saved in one transaction (``flush``); a
failure is recorded at once, and an article page that failed is queued for a
retry (``failed_pages``). Everything is counted in a stats object with
Scrapy's ``inc_value``/``get_value`` interface (``coopfeed/new``,
``/updated``, ``/unchanged``, ``/failed``, ``/failures/<kind>``,
``/retry_failed``, ``/problems``, ``/problems/<kind>``, ``/store_failed``),
and every failure is one WARNING line.
"""

from __future__ import annotations

import logging
from typing import Any

from crawler.items import ArticleItem, FailureItem
from storage import Store, item_id

logger = logging.getLogger("crawler.pipelines")


class Counters(dict):
    """Scrapy's stats interface over a plain dict (for counting outside a crawl)."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] = self.get(key, start) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


class ItemWriter:
    """Saves articles in batches and records failures, counting each in ``stats``."""

    def __init__(self, store: Store, stats):
        self.store = store
        self.stats = stats
        self.pending: list[ArticleItem] = []

    def add(self, item: ArticleItem | FailureItem) -> None:
        """An article joins the batch; a failure is recorded now."""
        if isinstance(item, ArticleItem):
            self.pending.append(item)
        elif isinstance(item, FailureItem):
            self.record(item)

    def flush(self) -> None:
        """Save the pending articles in one transaction; count each, record what could not be stored."""
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

    def record(self, item: FailureItem) -> None:
        """A page that gave no article: recorded, counted, queued for a retry (article pages), one line."""
        retry = not item.list_page and item.fetch_url is not None
        self._note(item.source, item.url, item.reason, item.kind, fetch_url=item.fetch_url if retry else None,
                   item_id=item.item_id)
        self.stats.inc_value("coopfeed/failed")
        if item.retry:
            self.stats.inc_value("coopfeed/retry_failed")
        elif not item.list_page:
            self.stats.inc_value(f"coopfeed/failures/{item.kind}")

    def _saved(self, item: ArticleItem, result) -> None:
        """Count a stored article and record its field problems; an article not stored is a failure."""
        if isinstance(result, Exception):  # never lose an article silently: a failure, tried again later
            self.stats.inc_value("coopfeed/store_failed")
            url = item.article.get("url", "?")
            self.record(FailureItem(item.source, url, f"not stored: {type(result).__name__}: {result}", "store",
                                    fetch_url=item.fetch_url or url, item_id=_item_id(item)))
            return
        self.stats.inc_value(f"coopfeed/{result[1]}")
        for problem in item.problems:
            kind = problem.split(":", 1)[0].strip() or "parse"
            self._note(item.source, item.article["url"], problem, kind)
            self.stats.inc_value("coopfeed/problems")
            self.stats.inc_value(f"coopfeed/problems/{kind}")

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
