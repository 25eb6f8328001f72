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
from crawler.summary import STATUS_OF_REASON, RunSummary, summary_from_stats
from scrapy.utils.misc import load_object
from storage.locks import state_dir

#: Exit status of ``coopfeed crawl`` when another process is crawling one of its sources.
EXIT_BUSY = 75
#: The spider of each profile, imported when a source of that profile is crawled.
SPIDERS = {"hanweb": "crawler.spiders.hanweb.HanwebSpider", "wordpress": "crawler.spiders.wordpress.WordPressSpider",
           "trs": "crawler.spiders.trs.TrsSpider", "generic": "crawler.spiders.generic.GenericSpider",
           "feed": "crawler.spiders.feed.FeedSpider"}


def spider_class(profile: str) -> type:
    """The spider class of a profile."""
    return load_object(SPIDERS[profile])
#: Their lines repeat what the store pipeline already logs as one line per failure.
QUIET_LOGGERS = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt",
                 "scrapy.downloadermiddlewares.httpcompression", "scrapy.core.downloader.handlers.http11",
                 "scrapy.core.scraper", "py.warnings", "trafilatura", "htmldate", "courlan", "charset_normalizer")


class OneLine(logging.Filter):
    """Show every log record as one line: the user never sees a traceback (``--verbose`` does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = record.getMessage().splitlines()[0] if record.getMessage() else ""
        record.args = None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def crawl_settings(db_path: str | Path | None, config_path: str | Path | None = None, *,
                   refresh: bool = False, full_listing: bool = False,
                   overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings plus this run's database (None: a cluster worker's, which has none), config
    and the config's [scrapy] table."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    db_path = Path(db_path or "cluster-worker.db").resolve()
    settings.setdict({
        "COOPFEED_DB": str(db_path),
        "COOPFEED_CONFIG": str(config_path) if config_path else None,
        "COOPFEED_REFRESH": refresh,
        "COOPFEED_FULL_LISTING": full_listing,
        "HTTPCACHE_DIR": str(state_dir(db_path) / "httpcache"),
        "HTTPCACHE_DBM_MODULE": cache_backend(),
        "SPIDER_MODULES": [],  # the spiders are passed by class: the loader need not import every one
        "LOG_LEVEL": "WARNING",
        "LOG_FORMAT": "%(levelname)s: %(message)s",
        "STATS_DUMP": False,
        "LOG_INSTALL_ROOT_HANDLER": True,
    }, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def cache_backend() -> str:
    """gdbm where Python has it, else coopfeed's SQLite ``dbm`` (not ``dbm.dumb``: see crawler/sqlitedbm.py)."""
    import importlib.util

    try:
        return "dbm.gnu" if importlib.util.find_spec("_gdbm") else "crawler.sqlitedbm"
    except (ImportError, ValueError):
        return "crawler.sqlitedbm"


def crawl(sources: list[Source], settings: Settings,
          on_event: Callable[[str, str], None] | None = None) -> list[RunSummary]:
    """Crawl the sources in parallel (one crawler each) and return their summaries.

    A source whose crawl could not even start (or crashed) gets a summary with status ``failed``.
    """
    unsupported = [s.name for s in sources if s.profile not in SPIDERS]
    if unsupported:
        raise CoopfeedError(f"no spider for the profile of source(s): {', '.join(unsupported)}")
    process = CrawlerProcess(settings)
    runs = []
    for source in sources:
        run = SourceRun(source.name, process.create_crawler(spider_class(source.profile)), on_event)
        process.crawl(run.crawler, source=source).addErrback(run.crashed)
        runs.append(run)
    if settings.get("LOG_LEVEL") not in ("DEBUG", "INFO"):
        _one_line_logging()
    process.start()
    return [run.summary() for run in runs]


class SourceRun:
    """One source's crawler in a crawl: keeps its close reason and time, and the caller's progress current."""

    def __init__(self, name: str, crawler, on_event: Callable[[str, str], None] | None = None):
        self.name = name
        self.crawler = crawler
        self.on_event = on_event or (lambda source, event: None)
        self.started = time.monotonic()
        self.seconds = 0.0
        self.reason = "not run"
        self.error: str | None = None
        crawler.signals.connect(lambda **_: self.on_event(name, "page"), signal=signals.response_received,
                                weak=False)
        crawler.signals.connect(lambda **_: self.on_event(name, "item"), signal=signals.item_scraped, weak=False)
        crawler.signals.connect(self.closed, signal=signals.spider_closed, weak=False)

    def closed(self, spider, reason: str) -> None:
        self.reason, self.seconds = reason, time.monotonic() - self.started
        self.on_event(self.name, "closed")

    def crashed(self, failure) -> None:
        """The crawl raised instead of finishing (its store could not be opened, a bug…)."""
        error = failure.value
        self.error = str(error) if isinstance(error, CoopfeedError) else f"{type(error).__name__}: {error}"
        logging.getLogger(__name__).error("%s: the crawl failed: %s", self.name, self.error)
        self.on_event(self.name, "closed")

    def summary(self) -> RunSummary:
        if self.error is not None:
            return RunSummary(self.name, status="failed", health="broken", reason=f"the crawl failed: {self.error}")
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return summary_from_stats(self.name, stats, STATUS_OF_REASON.get(self.reason, "failed"), self.seconds)


def _one_line_logging() -> None:
    """Quiet Scrapy's duplicate failure lines; keep every other record to one line."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for handler in logging.getLogger().handlers:  # Scrapy's root handler, installed per crawler
        handler.addFilter(OneLine())


def crawl_in_child(config_path: str | Path, db_path: str | Path, names: list[str] | None = None,
                   *, refresh: bool = False, quiet: bool = False) -> list[RunSummary]:
    """Run ``coopfeed crawl`` in a child process (a fresh reactor each time); return its summaries.

    The child runs with ``python -P`` (the working folder is not put on ``sys.path``: a folder
    there named ``coopfeed`` or ``crawler`` cannot shadow the package). A child that prints no
    summaries failed: CoopfeedError with its exit status and last error line.
    """
    command = [sys.executable, "-P", "-m", "coopfeed", "crawl", "--config", str(Path(config_path).resolve()),
               "--db", str(Path(db_path).resolve()), "--json", *(names or [])]
    if refresh:
        command.append("--refresh")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode == EXIT_BUSY:
        raise CrawlBusy(result.stderr.strip().splitlines()[-1].removeprefix("Error: "))
    try:
        summaries = [RunSummary(**row) for row in json.loads(result.stdout)]
    except (json.JSONDecodeError, TypeError):
        sys.stderr.write("" if quiet else result.stderr)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        why = lines[-1] if lines else "no output"
        raise CoopfeedError(f"the crawl process failed (exit status {result.returncode}): {why}") from None
    if not quiet:  # its warnings; the summary lines are the caller's to print
        shown = {summary.line() for summary in summaries}
        lines = result.stderr.splitlines(keepends=True)
        sys.stderr.writelines(line for line in lines if line.rstrip("\n") not in shown)
    return summaries


class CrawlBusy(CoopfeedError):
    """Another process is crawling one of the sources (nothing was crawled, nothing failed)."""


def summaries_json(summaries: list[RunSummary]) -> str:
    """The summaries as a JSON list (what ``coopfeed crawl --json`` prints)."""
    return json.dumps([asdict(s) for s in summaries])
