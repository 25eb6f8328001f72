"""The crawl log of the store: runs, failures, pages to fetch again, and each source's health.

``CrawlLog`` is a part of ``Store`` (it uses the Store's ``db`` and
transaction); it knows nothing of Scrapy.

- ``crawl_runs``: a row is ``running`` from the start of a source's crawl; a
  row still ``running`` when the next crawl of that source starts (under its
  crawl lock) was killed: it becomes ``interrupted``. A run that was
  interrupted, or whose listing was not read to its end, makes the next crawl
  read every list page, so nothing behind an interruption is missed.
- ``failed_pages``: an article page that gave no article is fetched again by
  later crawls, the first time at once, then after 1, 2, 4 … hours (at most a
  week), until it is stored or ``MAX_ATTEMPTS`` failed (``given_up``).
- ``health_events``: one row per change of a source's status.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.clock import stamp
from storage.connection import store_errors, transaction
from storage.health import OK, Verdict
from storage.ids import item_id as url_id

MAX_ATTEMPTS = 10
FIRST_BACKOFF = timedelta(hours=1)
MAX_BACKOFF = timedelta(days=7)
RUN_COLUMNS = ("id, source, started, finished, pages, new, updated, unchanged, failed, status, links, "
               "not_modified, listing_complete, error")


def backoff(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a page is tried again: at once, then 1 h, 2 h, 4 h …"""
    if attempts <= 1:
        return timedelta(0)
    return min(FIRST_BACKOFF * 2 ** (attempts - 2), MAX_BACKOFF)


class CrawlLog:
    """Runs, failures, failed pages and health (mixed into ``Store``)."""

    # -- runs -------------------------------------------------------------------

    @store_errors
    def start_run(self, source: str, started: str | None = None) -> int:
        """Open a ``running`` row for ``source`` (earlier rows still running become ``interrupted``)."""
        with transaction(self.db):
            self.db.execute("update crawl_runs set status = 'interrupted' where source = ? and status = 'running'",
                            [source])
            return self.db["crawl_runs"].insert({"source": source, "started": stamp(started),
                                                 "status": "running"}).last_pk

    @store_errors
    def finish_run(self, run_id: int, *, finished: str | None = None, **counts) -> None:
        """Close a run: its counts (pages, new, …, links, not_modified, listing_complete, error) and status."""
        finished = stamp(finished)
        with transaction(self.db):
            self.db["crawl_runs"].update(run_id, {**counts, "finished": finished})
            source = self.db["crawl_runs"].get(run_id)["source"]
            self.db.execute("update sources set last_run = ? where name = ?", [finished, source])

    @store_errors
    def record_run(self, source: str, started: str, finished: str, pages: int = 0, new: int = 0,
                   updated: int = 0, unchanged: int = 0, failed: int = 0, status: str = "finished",
                   **extra) -> int:
        """Add a whole ``crawl_runs`` row at once (and set the source's ``last_run``); returns its id."""
        run_id = self.start_run(source, started)
        self.finish_run(run_id, finished=finished, pages=pages, new=new, updated=updated, unchanged=unchanged,
                        failed=failed, status=status, **extra)
        return run_id

    @store_errors
    def fail_unfinished(self, sources: list[str], since: str, error: str, now: str | None = None) -> list[str]:
        """After a crawl process died: its sources' runs since ``since`` become ``failed`` (a row is added
        for a source that never started). Returns the sources marked."""
        now = stamp(now)
        marked = []
        with transaction(self.db):
            for source in sources:
                row = self.db.execute("select id, status from crawl_runs where source = ? and started >= ? "
                                      "order by id desc limit 1", [source, stamp(since)]).fetchone()
                if row and row[1] != "running":
                    continue
                values = {"status": "failed", "error": error, "finished": now, "listing_complete": 0}
                if row:
                    self.db["crawl_runs"].update(row[0], values)
                else:
                    self.db["crawl_runs"].insert({"source": source, "started": stamp(since), **values})
                marked.append(source)
        return marked

    @store_errors
    def runs(self, source: str, limit: int = 20) -> list[dict]:
        """The source's runs, newest first."""
        return list(self.db.query(f"select {RUN_COLUMNS} from crawl_runs where source = ? "
                                  "order by started desc, id desc limit ?", [source, limit]))

    @store_errors
    def needs_full_listing(self, source: str) -> bool:
        """Whether the next crawl must read every list page: no finished run yet, or the last one was
        interrupted, failed or did not read its listing to the end."""
        last = self.db.execute("select status, listing_complete from crawl_runs where source = ? "
                               "order by id desc limit 1", [source]).fetchone()
        return last is None or last[0] != "finished" or not last[1]

    # -- failures and pages to fetch again -----------------------------------------

    @store_errors
    def record_failure(self, source: str, url: str, reason: str, kind: str = "fetch",
                       now: str | None = None, run_started: str | None = None) -> int:
        """Note a page that gave no article, or a field that went missing; returns the row id."""
        table = self.db["failures"].insert({"url": url, "source": source, "reason": reason, "kind": kind,
                                            "time": stamp(now),
                                            "run_started": stamp(run_started) if run_started else None})
        return table.last_pk

    @store_errors
    def note_failed_page(self, source: str, url: str, *, kind: str, reason: str, fetch_url: str | None = None,
                         item_id: str | None = None, now: str | None = None) -> dict:
        """Count one more failure of an article page and schedule its next attempt; returns its row.
        ``item_id``: the id the page's article would have (it leaves the table when stored)."""
        now = stamp(now)
        with transaction(self.db):
            row = self.db.execute("select attempts, first_failed from failed_pages where source = ? and url = ?",
                                  [source, url]).fetchone()
            attempts = (row[0] if row else 0) + 1
            page = {"source": source, "url": url, "fetch_url": fetch_url or url, "item_id": item_id or url_id(url),
                    "kind": kind, "reason": reason,
                    "attempts": attempts, "first_failed": row[1] if row else now, "last_failed": now,
                    "next_attempt": stamp(datetime.fromisoformat(now) + backoff(attempts)),
                    "given_up": int(attempts >= MAX_ATTEMPTS)}
            self.db["failed_pages"].upsert(page, pk=("source", "url"))
        return page

    @store_errors
    def due_retries(self, source: str, now: str | None = None, include_given_up: bool = False) -> list[str]:
        """Addresses of the source's failed article pages due for another attempt (and not stored since,
        by any source), oldest failure first."""
        given_up = "" if include_given_up else "and not given_up "
        return [row[0] for row in self.db.execute(
            f"select fetch_url from failed_pages where source = ? and next_attempt <= ? {given_up}"
            "and item_id not in (select id from items) order by first_failed", [source, stamp(now)])]

    @store_errors
    def failed_pages(self, source: str | None = None) -> list[dict]:
        """Pages waiting for another attempt (or given up), by source."""
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["failed_pages"].rows_where(where, args, order_by="source, first_failed"))

    # -- health -----------------------------------------------------------------------

    @store_errors
    def set_health(self, source: str, verdict: Verdict, now: str | None = None) -> bool:
        """Store the source's status and reason; a change of status adds a ``health_events`` row.
        A source starts out ``ok``. Returns whether the status changed."""
        now = stamp(now)
        with transaction(self.db):
            row = self.db.execute("select status from sources where name = ?", [source]).fetchone()
            if row is None:
                self.db["sources"].insert({"name": source, "added": now})
            previous = (row[0] if row else None) or OK
            changed = verdict.status != previous
            values = {"status": verdict.status, "status_reason": verdict.reason}
            if changed or row is None or row[0] is None:
                values["status_since"] = now
            self.db["sources"].update(source, values)
            if changed:
                self.db["health_events"].insert({"source": source, "status": verdict.status, "previous": previous,
                                                 "reason": verdict.reason, "time": now})
        return changed

    @store_errors
    def health_events(self, limit: int = 50) -> list[dict]:
        """Status changes, newest first."""
        return list(self.db["health_events"].rows_where(order_by="time desc, id desc", limit=limit))
