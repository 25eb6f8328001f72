"""Scheduled crawls: APScheduler runs each source's crawl on its cron schedule.

Sources that share a schedule are crawled together. Each crawl runs in a
child process (``coopfeed.crawling.crawl_child``): Scrapy's reactor cannot be
restarted inside one process, and a child returns its memory when it ends.
After a crawl the ``after_crawl`` callback runs (the CLI rebuilds the feeds).
A job never overlaps itself (``max_instances=1``) and missed runs are merged
into one (``coalesce=True``). Each run logs one line per source (logger
``scheduler``); a crawl process that fails is logged as an error and
recorded as a ``failed`` run of its sources.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from coopfeed.crawling import crawl_child
from crawler.run import CrawlBusy, RunSummary
from crawler.sources import Source

logger = logging.getLogger(__name__)

AfterCrawl = Callable[[list[RunSummary]], None]


class SourceSchedule:
    """One job per cron schedule calling ``run(names)`` for the sources on it; a job never overlaps itself."""

    verb = "crawl"

    def __init__(self, sources: list[Source], timezone: str = "UTC"):
        self.scheduler = BackgroundScheduler(timezone=timezone)
        for schedule, names in schedule_groups(sources).items():
            self.scheduler.add_job(
                self.run, CronTrigger.from_crontab(schedule, timezone=timezone), args=[names],
                id=f"{self.verb}:{schedule}", name=f"{self.verb} {', '.join(names)}",
                max_instances=1, coalesce=True, misfire_grace_time=3600,
            )

    def run(self, names: list[str] | None) -> object:
        raise NotImplementedError

    def jobs(self) -> list[tuple[str, str]]:
        """(job name, next run time) for each job, for display."""
        return [(job.name, str(job.next_run_time or getattr(job, "trigger", ""))) for job in
                self.scheduler.get_jobs()]

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)


class CrawlScheduler(SourceSchedule):
    """Crawl jobs per cron schedule, with one lock so crawls and feed builds never overlap."""

    def __init__(self, config_path: str | Path, db_path: str | Path, sources: list[Source],
                 after_crawl: AfterCrawl | None = None, timezone: str = "UTC"):
        self.config_path = Path(config_path)
        self.db_path = Path(db_path)
        self.after_crawl = after_crawl
        self.lock = threading.Lock()
        super().__init__(sources, timezone)

    def run(self, names: list[str] | None) -> list[RunSummary]:
        """Crawl these sources (None: every enabled one) now, in a child process, then call ``after_crawl``."""
        which = ", ".join(names) if names else "every source"
        with self.lock:
            try:
                summaries = crawl_child(self.config_path, self.db_path, names, quiet=True)
            except CrawlBusy as exc:
                logger.warning("crawl of %s skipped: %s", which, exc)
                return []
            except Exception as exc:  # a failed crawl must not stop the scheduler
                logger.error("crawl of %s failed: %s", which, exc)
                return []
            for summary in summaries:
                level = logging.WARNING if summary.health in ("broken", "degraded") else logging.INFO
                logger.log(level, "%s", summary.line())
            if self.after_crawl:
                try:
                    self.after_crawl(summaries)
                except Exception as exc:
                    logger.error("after-crawl step failed: %s", exc)
            return summaries


class SeedScheduler(SourceSchedule):
    """``coopfeed run --cluster``: each source's start requests queued in Redis on its schedule, for the
    cluster's workers (``coopfeed crawl --cluster``) to crawl; one log line per source."""

    verb = "seed"

    def __init__(self, redis_url: str, sources: list[Source], timezone: str = "UTC"):
        self.redis_url = redis_url
        self.sources = {source.name: source for source in sources}
        super().__init__(sources, timezone)

    def run(self, names: list[str] | None) -> list[str]:
        """Seed these sources (None: every enabled one) now."""
        import redis

        from coopfeed.cluster import seed
        from crawler.cluster import connect

        chosen = [source for source in self.sources.values()
                  if (names is None and source.enabled) or (names is not None and source.name in names)]
        try:
            lines = seed(connect(self.redis_url), chosen)
        except redis.RedisError as exc:
            logger.error("seeding %s failed: Redis unreachable: %s", ", ".join(names or ["every source"]), exc)
            return []
        for line in lines:
            logger.info("%s", line)
        return lines


def schedule_groups(sources: list[Source]) -> dict[str, list[str]]:
    """Enabled, scheduled sources grouped by cron expression."""
    groups: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        if source.enabled and source.schedule:
            groups[source.schedule].append(source.name)
    return dict(groups)
