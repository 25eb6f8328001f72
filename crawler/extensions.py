"""RunRecorder: the ``crawl_runs`` row of each source's crawl, and the source's health after it.

The row is ``running`` from the moment the spider opens, so a crawl killed in
the middle leaves a trace the next crawl sees (and reads every list page).
When the spider closes, the row gets the counts from the crawl stats, and
``storage.health.judge`` gives the source its status (ok, degraded, broken).
See https://docs.scrapy.org/en/latest/topics/extensions.html
"""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy import signals

from crawler.summary import run_facts, summary_from_stats
from storage import Store
from storage.clock import utc_now
from storage.health import judge


class RunRecorder:
    """Open a ``running`` row on spider open; on close, record counts, status and health."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("COOPFEED_DB")
        self.run_id: int | None = None
        self.started = utc_now()
        crawler.stats.set_value("coopfeed/run_started", self.started)

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider) -> None:
        source = getattr(spider, "source", None)
        if source is not None:
            with Store(self.db_path) as store:
                self.run_id = store.start_run(source.name, self.started)

    def spider_closed(self, spider, reason: str) -> None:
        if self.run_id is None:
            return
        name = spider.source.name
        stats = self.crawler.stats.get_stats()
        facts = run_facts(stats, reason)
        summary = summary_from_stats(name, stats, facts.status, 0.0)
        with Store(self.db_path) as store:
            history = [run for run in store.runs(name) if run["id"] != self.run_id]
            store.finish_run(self.run_id, pages=summary.pages, new=summary.new, updated=summary.updated,
                             unchanged=summary.unchanged, failed=summary.failed, status=facts.status,
                             links=facts.links, not_modified=summary.not_modified,
                             listing_complete=int(listing_complete(stats, facts.status)), error=facts.error or None)
            verdict = judge(facts, history, datetime.now(timezone.utc))
            if verdict is not None:
                store.set_health(name, verdict)
                self.crawler.stats.set_value("coopfeed/health", verdict.status)
                self.crawler.stats.set_value("coopfeed/health_reason", verdict.reason)


def listing_complete(stats: dict, status: str) -> bool:
    """Whether this crawl read its whole listing and stored what it found (else the next reads it all)."""
    return status == "finished" and not stats.get("coopfeed/list_failed") and not stats.get("coopfeed/store_failed")
