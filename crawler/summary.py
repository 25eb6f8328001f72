"""What one source's crawl did, read from its Scrapy stats (the only counters kept)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    status: str = "not run"
    seconds: float = 0.0

    def line(self) -> str:
        """One line for the user."""
        extra = f", {self.problems} with field problems" if self.problems else ""
        return (f"{self.source}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.failed} failed{extra} ({self.pages} pages, {self.skipped} already stored, "
                f"{self.seconds:.1f} s, {self.status})")


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
        status=status,
        seconds=seconds,
    )
