"""Run crawls from Python: one Scrapy crawler per source, all in one process.

Scrapy's reactor starts once per process, so ``crawl()`` can be called once
per process; long-lived callers (the scheduler, the demo) run it in a child
process with ``crawl_in_child()``.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from coopfeed.errors import CoopfeedError
from crawler.sources import Source
from crawler.summary import RunSummary, summary_from_stats
from crawler.spiders.feed import FeedSpider
from crawler.spiders.generic import GenericSpider
from crawler.spiders.hanweb import HanwebSpider
from crawler.spiders.trs import TrsSpider
from crawler.spiders.wordpress import WordPressSpider

SPIDERS = {"hanweb": HanwebSpider, "wordpress": WordPressSpider, "trs": TrsSpider, "generic": GenericSpider,
           "feed": FeedSpider}
#: Their lines repeat what the store pipeline already logs as one line per failure.
QUIET_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                 "py.warnings", "trafilatura", "htmldate", "courlan", "charset_normalizer")


class OneLine(logging.Filter):
    """Show every log record as one line: the user never sees a traceback (``--verbose`` does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = record.getMessage().splitlines()[0] if record.getMessage() else ""
        record.args = None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def crawl_settings(db_path: str | Path, config_path: str | Path | None = None, *,
                   refresh: bool = False, full_listing: bool = False,
                   overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings plus this run's database, config and the config's [scrapy] table."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    db_path = Path(db_path).resolve()
    settings.setdict({
        "COOPFEED_DB": str(db_path),
        "COOPFEED_CONFIG": str(config_path) if config_path else None,
        "COOPFEED_REFRESH": refresh,
        "COOPFEED_FULL_LISTING": full_listing,
        "HTTPCACHE_DIR": str(db_path.with_suffix(".httpcache")),
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "%(levelname)s: %(message)s",
        "STATS_DUMP": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
    }, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def crawl(sources: list[Source], settings: Settings,
          on_event: Callable[[str, str], None] | None = None) -> list[RunSummary]:
    """Crawl the sources in parallel (one crawler each) and return their summaries."""
    unsupported = [s.name for s in sources if s.profile not in SPIDERS]
    if unsupported:
        raise CoopfeedError(f"no spider for the profile of source(s): {', '.join(unsupported)}")
    process = CrawlerProcess(settings)
    summaries: dict[str, RunSummary] = {}
    for source in sources:
        crawler = process.create_crawler(SPIDERS[source.profile])
        summaries[source.name] = RunSummary(source.name)
        _watch(crawler, source.name, summaries, on_event)
        process.crawl(crawler, source=source)
    if settings.get("LOG_LEVEL") not in ("DEBUG", "INFO"):
        _one_line_logging()
    process.start()
    return list(summaries.values())


def _one_line_logging() -> None:
    """Quiet Scrapy's duplicate failure lines; keep every other record to one line."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for handler in logging.getLogger().handlers:  # Scrapy's root handler, installed per crawler
        handler.addFilter(OneLine())


def _watch(crawler, name: str, summaries: dict[str, RunSummary],
           on_event: Callable[[str, str], None] | None) -> None:
    """Connect signals that keep the summary (and the caller's progress display) current."""
    started = time.monotonic()

    def emit(event: str) -> None:
        if on_event:
            on_event(name, event)

    def closed(spider, reason: str) -> None:
        summaries[name] = summary_from_stats(name, crawler.stats.get_stats(), reason,
                                             time.monotonic() - started)
        emit("closed")

    crawler.signals.connect(lambda **_: emit("page"), signal=signals.response_received, weak=False)
    crawler.signals.connect(lambda **_: emit("item"), signal=signals.item_scraped, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def crawl_in_child(config_path: str | Path, db_path: str | Path, names: list[str] | None = None,
                   *, refresh: bool = False, quiet: bool = False) -> list[RunSummary]:
    """Run ``coopfeed crawl`` in a child process (a fresh reactor each time); return its summaries."""
    command = [sys.executable, "-m", "coopfeed", "crawl", "--config", str(config_path),
               "--db", str(db_path), "--json", *(names or [])]
    if refresh:
        command.append("--refresh")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL if quiet else None,
                            text=True)
    try:
        return [RunSummary(**row) for row in json.loads(result.stdout or "[]")]
    except (json.JSONDecodeError, TypeError):
        raise CoopfeedError(f"crawl process failed (exit {result.returncode})") from None


def summaries_json(summaries: list[RunSummary]) -> str:
    """The summaries as a JSON list (what ``coopfeed crawl --json`` prints)."""
    return json.dumps([asdict(s) for s in summaries])
