"""A crawl's sources spread over one process per core.

Scrapy runs every crawler of a process on one thread (its reactor), and a
crawl of several sources keeps that thread busy while the other cores wait
(extraction has its own worker processes, but the engine, the HTTP client and
the store do not). So the sources of a crawl that reads whole listings (a
first crawl, one after an interrupted crawl, ``--full``, ``--refresh``) are
dealt out to ``COOPFEED_CRAWL_PROCESSES`` forked processes (default: one per
core, never more than the sources), each a whole ``crawler.run.crawl`` of its
share with a share of the extraction workers. An incremental crawl stays in
one process: it fetches a few pages, and the forks would cost more than they
save. Each child dies with its parent (a kill -9 of the crawl stops them
all); a child that dies is a ``failed`` run of each of its sources.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import asdict
from multiprocessing.connection import Connection, wait
from pathlib import Path

from scrapy.settings import Settings

from crawler.run import RunSummary, crawl
from crawler.sources import Source
from crawler.workers import close_shared

PR_SET_PDEATHSIG = 1


def crawl_in_processes(sources: list[Source], settings: Settings, on_event: Callable[[str, str], None] | None = None,
                       spread: bool = True) -> list[RunSummary]:
    """Crawl the sources, spread over ``COOPFEED_CRAWL_PROCESSES`` processes (with ``spread``: a crawl that
    reads whole listings; an incremental one fetches too little to repay the forks); their summaries."""
    count = process_count(settings.getint("COOPFEED_CRAWL_PROCESSES", -1), len(sources)) if spread else 1
    if count <= 1:
        return crawl(sources, settings, on_event)
    groups = [sources[index::count] for index in range(count)]
    if settings.getbool("HTTPCACHE_ENABLED") and settings.get("HTTPCACHE_DIR"):
        Path(settings["HTTPCACHE_DIR"]).mkdir(parents=True, exist_ok=True)  # not by two children at once
    workers = settings.getint("COOPFEED_EXTRACT_WORKERS", -1)
    if workers < 0:
        settings = settings.copy()
        settings.set("COOPFEED_EXTRACT_WORKERS", max(1, (os.cpu_count() or 1) // count))
    found = _run_children(groups, settings, on_event)
    return [found.get(source.name) or _died(source.name, found.get("")) for source in sources]


def process_count(setting: int, sources: int) -> int:
    """Processes for a crawl: the setting (-1: one per core), never more than the sources."""
    wanted = (os.cpu_count() or 1) if setting < 0 else max(1, setting)
    return max(1, min(wanted, sources))


def _run_children(groups: list[list[Source]], settings: Settings,
                  on_event: Callable[[str, str], None] | None) -> dict[str, RunSummary | str]:
    """Fork a crawl per group; pass their progress events on; collect their summaries by source name."""
    context = multiprocessing.get_context("fork")
    readers, children, found = [], [], {}
    for group in groups:
        reader, writer = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(group, settings, writer, on_event is not None), daemon=False)
        child.start()
        writer.close()
        readers.append(reader)
        children.append(child)
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the children: they stop cleanly
    previous_term = signal.signal(signal.SIGTERM, lambda *_: _pass_on(signal.SIGTERM, children))
    try:
        while readers:
            for reader in wait(readers):
                _receive(reader, readers, found, on_event)
        for child in children:
            child.join()
            if child.exitcode != 0:
                found.setdefault("", f"a crawl process ended with exit status {child.exitcode}")
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)
    return found


def _pass_on(signum: int, children: list) -> None:
    """A stop sent to the parent alone (``kill PID``): the children stop cleanly too."""
    for child in children:
        if child.is_alive():
            os.kill(child.pid, signum)


def _receive(reader: Connection, readers: list, found: dict, on_event: Callable | None) -> None:
    try:
        message = reader.recv()
    except (EOFError, OSError):
        readers.remove(reader)
        return
    if message[0] == "event" and on_event is not None:
        on_event(message[1], message[2])
    elif message[0] == "summaries":
        found.update((row["source"], RunSummary(**row)) for row in message[1])


def _child(group: list[Source], settings: Settings, writer: Connection, live: bool) -> None:
    """One forked crawl: dies with its parent, sends its events and summaries up the pipe."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    events = (lambda source, event: writer.send(("event", source, event))) if live else None
    try:
        summaries = crawl(group, settings, events)
    finally:
        close_shared()
    writer.send(("summaries", [asdict(summary) for summary in summaries]))
    writer.close()


def _died(source: str, why: str | None) -> RunSummary:
    reason = f"the crawl failed: {why or 'its crawl process sent no summary'}"
    return RunSummary(source, status="failed", health="broken", reason=reason)
