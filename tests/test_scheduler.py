"""Scheduled crawls: jobs per cron schedule, a crawl in a child process, feeds rebuilt after it."""

from __future__ import annotations

import sqlite_utils

from crawler.sources import load_sources
from scheduler import CrawlScheduler, schedule_groups
from coopfeed.publishing import publish


def test_sources_sharing_a_schedule_share_a_job(site):
    sources = list(load_sources(site.config).values())
    groups = schedule_groups(sources)
    assert groups == {"*/15 * * * *": ["zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"]}
    scheduler = CrawlScheduler(site.config, site.db, sources)
    scheduler.start()
    try:
        [(name, next_run)] = scheduler.jobs()
        assert name.startswith("crawl zj_news") and next_run
    finally:
        scheduler.stop()


def test_a_scheduled_run_crawls_then_rebuilds_the_feeds(site, tmp_path):
    out = tmp_path / "feeds"
    built = []
    sources = list(load_sources(site.config).values())
    scheduler = CrawlScheduler(site.config, site.db, sources,
                               after_crawl=lambda summaries: built.append(publish(site.config, site.db, out)))
    summaries = scheduler.run(["wttimes"])
    assert [s.source for s in summaries] == ["wttimes"] and summaries[0].new == 9
    assert built and built[0].entries["source-wttimes"] == 9
    assert sqlite_utils.Database(site.db)["crawl_runs"].count == 1
    again = scheduler.run(["wttimes"])
    assert again[0].new == 0 and built[1].written == []
