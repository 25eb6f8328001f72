"""Source health: after each run a source is ``ok``, ``degraded`` or ``broken``, with a one-line reason.

``judge`` only looks at numbers: what the run counted (list links, stored
articles, failures and field problems by kind) and the source's earlier runs.

- broken: the crawl failed; every list page failed; the lists show no article
  link (a wrong profile or a changed layout); every article page failed.
- degraded: some list or article pages failed (or failed again); articles were read without
  the profile's body container (layout drift); most articles lack a date; no
  new article for ``STALE_FACTOR`` times the source's usual interval.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

OK, DEGRADED, BROKEN = "ok", "degraded", "broken"
STATUSES = (OK, DEGRADED, BROKEN)
#: No new article for this many usual intervals makes a source stale.
STALE_FACTOR = 4
#: Runs that found new articles needed before "usual interval" means anything.
MIN_DISCOVERIES = 3
MIN_STALE = timedelta(days=1)
#: Fewest failed article pages for "every article failed" (fewer, all failed, is only degraded).
MIN_ALL_FAILED = 3


@dataclass
class RunFacts:
    """What one finished run of a source counted."""

    status: str = "finished"  # finished | interrupted | failed
    error: str = ""
    links: int = 0
    list_pages: int = 0
    list_failed: int = 0
    list_error: str = ""
    stored: int = 0
    new: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # article pages that gave no article, by kind
    retry_failed: int = 0  # pages that failed in an earlier crawl and again in this one
    problems: dict[str, int] = field(default_factory=dict)  # stored articles with a missing field, by kind

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def judge(run: RunFacts, history: list[dict], now: datetime) -> Verdict | None:
    """The source's status after ``run`` (None for an interrupted run: nothing to judge).

    ``history``: earlier ``crawl_runs`` rows of the source, newest first.
    """
    if run.status == "interrupted":
        return None
    broken = _broken(run, history)
    if broken:
        return Verdict(BROKEN, broken)
    reasons = [reason for reason in (_failed_pages(run), _drift(run), _undated(run), _stale(run, history, now))
               if reason]
    return Verdict(DEGRADED, "; ".join(reasons)) if reasons else Verdict(OK)


def _broken(run: RunFacts, history: list[dict]) -> str | None:
    if run.status == "failed":
        return f"the crawl failed: {run.error or 'unknown error'}"
    if run.list_failed and run.list_failed >= run.list_pages:
        return f"its list page failed ({run.list_error or 'no answer'})"
    if run.links == 0:
        before = next((row["links"] for row in history if row.get("links")), None)
        was = f" (last time: {before})" if before else ""
        return f"its list pages show no article links{was}: a wrong profile, or the site's layout changed"
    if run.failed >= MIN_ALL_FAILED and not run.stored:
        return f"all {run.failed} article pages failed ({_kinds(run.failures)})"
    return None


def _failed_pages(run: RunFacts) -> str | None:
    parts = []
    if run.list_failed:
        parts.append(f"{run.list_failed} of {run.list_pages} list pages failed ({run.list_error})")
    if run.failed:
        parts.append(f"{run.failed} of {run.failed + run.stored} article pages failed ({_kinds(run.failures)})")
    if run.retry_failed:
        parts.append(f"{run.retry_failed} pages failed again (retried with backoff)")
    return "; ".join(parts) or None


def _drift(run: RunFacts) -> str | None:
    count = run.problems.get("layout", 0)
    return f"{count} articles read without the profile's body container (layout changed?)" if count else None


def _undated(run: RunFacts) -> str | None:
    count = run.problems.get("date", 0)
    if run.stored >= 2 and count * 2 >= run.stored:
        return f"no usable date on {count} of {run.stored} articles"
    return None


def _stale(run: RunFacts, history: list[dict], now: datetime) -> str | None:
    """No new article for STALE_FACTOR times the usual gap between runs that found new ones."""
    if run.new:
        return None
    found = sorted(_time(row["started"]) for row in history if row.get("new") and row.get("started"))
    if len(found) < MIN_DISCOVERIES:
        return None
    usual = timedelta(seconds=statistics.median(
        (later - earlier).total_seconds() for earlier, later in zip(found, found[1:])))
    quiet = now - found[-1]
    if quiet < max(MIN_STALE, usual * STALE_FACTOR):
        return None
    return f"no new article for {_span(quiet)} (usually one every {_span(usual)})"


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.0f} days" if hours >= 48 else f"{hours:.0f} hours"


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)
