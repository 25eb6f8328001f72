"""Extraction off the reactor: worker processes with a time, size and memory budget per page.

Extraction is CPU-bound (lxml, trafilatura) and Scrapy's reactor is one
thread: run there, one slow page stalls every source and the crawl uses one
core. Pages go to a pool of worker processes (pebble), one per core by
default. A page larger than its size budget is a ``too_large`` failure
without being parsed; one whose extraction outlasts its time budget has its
worker killed and replaced and is a ``too_slow`` failure; a worker may use
``memory_mb`` more memory than it started with, and a page that needs more is
``too_large``. With ``workers = 0`` pages are extracted in the reactor (for
debugging).
"""

from __future__ import annotations

import asyncio
import atexit
import importlib
import resource
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from coopfeed.errors import ExtractionError
from crawler.extract.article import Article

#: Pages each worker extracts before it is replaced (returns the memory fragmentation leaves).
TASKS_PER_WORKER = 500

_shared: dict[tuple[int, int], Extractor] = {}


class Extractor:
    """``await extractor.extract(body, url, …)``: an Article, or ExtractionError with the failure kind."""

    def __init__(self, workers: int, memory_mb: int = 1024):
        self.workers = workers
        self.memory_mb = memory_mb
        self._pool = None

    @property
    def pool(self):
        """The worker processes, started with the first page (a crawl that finds nothing new starts none).
        The extraction modules are loaded before the workers fork, so that all of them share one copy."""
        if self._pool is None and self.workers:
            from pebble import ProcessPool

            importlib.import_module("crawler.extract.dispatch")
            self._pool = ProcessPool(max_workers=self.workers, max_tasks=TASKS_PER_WORKER, initializer=_cap_memory,
                                     initargs=(self.memory_mb,))
        return self._pool

    async def extract(self, body: bytes, url: str, *, timeout: float, max_bytes: int, **options: Any) -> Article:
        """Extract one page within the budgets (``options``: those of ``crawler.extract.extract``)."""
        if max_bytes and len(body) > max_bytes:
            raise ExtractionError(f"the page is {_mb(len(body))}, over the {_mb(max_bytes)} extraction limit",
                                  field="too_large")
        if self.pool is None:
            from crawler.extract import extract

            return extract(body, url, **options)
        from pebble import ProcessExpired

        future = self.pool.schedule(_extract, args=(body, url), kwargs=options, timeout=timeout or None)
        try:
            outcome = await asyncio.wrap_future(future)
        except FutureTimeout:
            raise ExtractionError(f"extraction took longer than {timeout:g} s (the worker was stopped)",
                                  field="too_slow") from None
        except (ProcessExpired, MemoryError) as exc:
            raise ExtractionError(f"extraction needed more than {self.memory_mb} MB of memory ({exc})",
                                  field="too_large") from None
        return _result(outcome)

    def close(self) -> None:
        """Stop the workers (pages still being extracted are abandoned)."""
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=5)


def shared_extractor(workers: int, memory_mb: int) -> Extractor:
    """One Extractor per process and set-up, shared by every source's crawler, closed at exit."""
    key = (workers, memory_mb)
    if key not in _shared:
        _shared[key] = Extractor(workers, memory_mb)
        atexit.register(_shared[key].close)
    return _shared[key]


def close_shared() -> None:
    """Stop every shared Extractor's workers (a forked crawl process ends without running atexit)."""
    for extractor in _shared.values():
        extractor.close()
    _shared.clear()


def _extract(body: bytes, url: str, **options: Any) -> tuple:
    """In a worker: ("ok", article fields, problems) or ("error", message, kind); nothing is raised
    (an exception's extra attributes would not survive the trip back)."""
    from crawler.extract import extract

    try:
        article = extract(body, url, **options)
    except ExtractionError as exc:
        return "error", str(exc), exc.field
    except MemoryError:
        return "error", "extraction ran out of memory", "too_large"
    except RecursionError:
        return "error", "the page is nested too deeply to read", "too_large"
    except Exception as exc:  # noqa: BLE001 - an extractor bug is a failure of this page only
        return "error", f"extraction crashed: {type(exc).__name__}: {exc}", "parse"
    return "ok", article


def _result(outcome: tuple) -> Article:
    if outcome[0] == "error":
        raise ExtractionError(outcome[1], field=outcome[2])
    return outcome[1]


def _cap_memory(memory_mb: int) -> None:
    """Worker start-up: at most ``memory_mb`` more data memory than it started with (a forked worker
    starts with its parent's); a bigger need raises MemoryError."""
    if memory_mb:
        limit = _data_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _data_bytes() -> int:
    """This process's data segment size (``VmData``), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
