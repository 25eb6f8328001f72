"""What one source's crawl did, read from its Scrapy stats (the only counters kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.health import RunFacts

#: Spider close reasons and the run status they mean.
STATUS_OF_REASON = {"finished": "finished", "shutdown": "interrupted"}


@dataclass
class RunSummary:
    """What one source's crawl did, from its Scrapy stats."""

    source: str
    pages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: int = 0
    skipped: int = 0
    not_modified: int = 0
    status: str = "not run"
    seconds: float = 0.0
    health: str = ""
    reason: str = ""
    sent: int = 0  # items a cluster worker sent to the writer

    def line(self) -> str:
        """One line for the user."""
        extra = f", {self.problems} with field problems" if self.problems else ""
        cached = f", {self.not_modified} not modified" if self.not_modified else ""
        health = f" [{self.health}: {self.reason}]" if self.health and self.health != "ok" else ""
        return (f"{self.source}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.failed} failed{extra} ({self.pages} pages{cached}, {self.skipped} already stored, "
                f"{self.seconds:.1f} s, {self.status}){health}")

    def worker_line(self) -> str:
        """One line for the user of a cluster worker (the writer counts what is new)."""
        return (f"{self.source}: {self.pages} pages, {self.sent} articles and failures sent to the writer "
                f"({self.skipped} already stored, {self.seconds:.1f} s, {self.status})")


def summary_from_stats(name: str, stats: dict[str, Any], status: str, seconds: float) -> RunSummary:
    """Build a RunSummary from a crawler's stats dictionary."""
    return RunSummary(
        source=name,
        pages=stats.get("response_received_count", 0),
        new=stats.get("coopfeed/new", 0),
        updated=stats.get("coopfeed/updated", 0),
        unchanged=stats.get("coopfeed/unchanged", 0),
        failed=stats.get("coopfeed/failed", 0),
        problems=stats.get("coopfeed/problems", 0),
        skipped=stats.get("coopfeed/known_skipped", 0),
        not_modified=stats.get("httpcache/revalidate", 0),
        status=status,
        seconds=seconds,
        health=stats.get("coopfeed/health", ""),
        reason=stats.get("coopfeed/health_reason", ""),
        sent=stats.get("item_scraped_count", 0),
    )


def run_facts(stats: dict[str, Any], reason: str) -> RunFacts:
    """The numbers ``storage.health.judge`` looks at, from a crawler's stats and close reason."""
    status = STATUS_OF_REASON.get(reason, "failed")
    return RunFacts(
        status=status,
        error="" if status != "failed" else f"the crawl was closed: {reason}",
        links=stats.get("coopfeed/links", 0),
        list_pages=stats.get("coopfeed/list_pages", 0),
        list_failed=stats.get("coopfeed/list_failed", 0),
        list_error=stats.get("coopfeed/list_error", ""),
        stored=sum(stats.get(f"coopfeed/{key}", 0) for key in ("new", "updated", "unchanged")),
        new=stats.get("coopfeed/new", 0),
        failures=_by_kind(stats, "coopfeed/failures/"),
        retry_failed=stats.get("coopfeed/retry_failed", 0),
        problems=_by_kind(stats, "coopfeed/problems/"),
    )


def _by_kind(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {key[len(prefix):]: value for key, value in stats.items() if key.startswith(prefix) and value}
