"""RunRecorder: writes one ``crawl_runs`` row per source from the crawl stats.

See https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy import signals

from crawler.summary import summary_from_stats
from storage import Store


class RunRecorder:
    """On spider close, record pages, new, updated, unchanged and failed counts."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("COOPFEED_DB")

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider, reason: str) -> None:
        source = getattr(spider, "source", None)
        if source is None:
            return
        stats = self.crawler.stats
        started = stats.get_value("coopfeed/run_started") or stats.get_value("start_time")
        if isinstance(started, datetime):
            started = started.isoformat(timespec="seconds")
        summary = summary_from_stats(source.name, stats.get_stats(), reason, 0.0)
        store = Store(self.db_path)
        try:
            store.record_run(source.name, started=started,
                             finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             pages=summary.pages, new=summary.new, updated=summary.updated,
                             unchanged=summary.unchanged, failed=summary.failed, status=reason)
        finally:
            store.close()
