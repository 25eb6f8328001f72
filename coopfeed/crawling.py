"""One crawl as the user runs it: load the config, pick sources, lock them, crawl, report.

A source is crawled by one process at a time (``storage.locks``): a second
crawl of the same source refuses with one line; crawls of other sources go
on side by side. A source whose crawl could not run is recorded as a
``failed`` run and ``broken``.
"""

from __future__ import annotations

from pathlib import Path

from coopfeed.errors import ConfigError, CoopfeedError
from coopfeed.progress import CrawlProgress
from coopfeed.tomlfile import read_config
from crawler.processes import crawl_in_processes
from crawler.run import CrawlBusy, RunSummary, crawl_in_child, crawl_settings
from crawler.sources import Source, load_sources, parse_sources
from storage import Store
from storage.clock import utc_now
from storage.health import BROKEN, Verdict
from storage.locks import crawl_locks


def crawl_sources(config_path: str | Path, db_path: str | Path, names: list[str] | None = None, *,
                  refresh: bool = False, full_listing: bool = False, verbose: bool = False,
                  cluster: str | None = None, exit_when_idle: float | None = None,
                  give_up_after: float | None = None) -> list[RunSummary]:
    """Crawl the named (default: all enabled) sources of a config file into the store; with ``cluster``
    (a Redis address), run as a cluster worker instead: requests from Redis, items to Redis."""
    config = read_config(config_path)
    sources = select_sources(parse_sources(config["source"], config["defaults"]), names)
    if cluster:
        return crawl_as_worker(sources, config, cluster, exit_when_idle, verbose, give_up_after)
    with Store(db_path) as store:
        for source in sources:
            store.save_source(source.name, **source.as_row())
        whole = refresh or full_listing or any(store.needs_full_listing(source.name) for source in sources)
    overrides = dict(config["scrapy"])
    if verbose:
        overrides["LOG_LEVEL"] = "INFO"
    settings = crawl_settings(db_path, config_path, refresh=refresh, full_listing=full_listing,
                              overrides=overrides)
    with crawl_locks(db_path, [source.name for source in sources]):
        started = utc_now()
        progress = CrawlProgress()
        try:
            summaries = crawl_in_processes(sources, settings, on_event=progress, spread=whole)
        finally:
            progress.finish()
        record_crashes(db_path, started, summaries)
    if any(summary.new or summary.updated for summary in summaries):  # else nothing to assign
        from coopfeed.publishing import assign_after_crawl  # feeds' modules: only once the crawl is done

        assign_after_crawl(Path(config_path), Path(db_path))
    return summaries


def crawl_child(config_path: str | Path, db_path: str | Path, names: list[str] | None = None, *,
                quiet: bool = False) -> list[RunSummary]:
    """``coopfeed crawl`` in a child process; when the child fails (a crash, an import error), each
    source it was to crawl gets a ``failed`` run and turns ``broken``, and the error is raised."""
    started = utc_now()
    try:
        return crawl_in_child(config_path, db_path, names, quiet=quiet)
    except CrawlBusy:
        raise  # another process is crawling these sources: nothing failed
    except CoopfeedError as exc:
        try:
            names = names or [s.name for s in load_sources(config_path).values() if s.enabled]
        except ConfigError:
            raise exc from None
        record_crashes(db_path, started, [RunSummary(name, status="failed", reason=str(exc)) for name in names])
        raise


def crawl_as_worker(sources: list[Source], config: dict, redis_url: str, exit_when_idle: float | None,
                    verbose: bool, give_up_after: float | None = None) -> list[RunSummary]:
    """A cluster worker: never opens the store (``crawler.cluster``); its sources spread over one process per
    core, as for a local crawl, each process a worker of its own."""
    from crawler.cluster import Outage, cluster_settings

    overrides = {**config["scrapy"], **cluster_settings(redis_url, exit_when_idle, give_up_after)}
    if verbose:
        overrides["LOG_LEVEL"] = "INFO"
    progress = CrawlProgress()
    Outage.share()
    try:
        return crawl_in_processes(sources, crawl_settings(None, None, overrides=overrides), on_event=progress)
    finally:
        progress.finish()


def record_crashes(db_path: str | Path, started: str, summaries: list[RunSummary]) -> None:
    """Sources whose crawl failed before or while running: a ``failed`` run, and ``broken``."""
    failed = {summary.source: summary.reason for summary in summaries if summary.status == "failed"}
    if not failed:
        return
    with Store(db_path) as store:
        for name, reason in failed.items():
            store.fail_unfinished([name], since=started, error=reason)
            store.set_health(name, Verdict(BROKEN, reason))


def select_sources(sources: dict[str, Source], names: list[str] | None) -> list[Source]:
    """The named sources, or every enabled one; unknown names are a ConfigError."""
    if not names:
        chosen = [source for source in sources.values() if source.enabled]
        if not chosen:
            raise ConfigError("no enabled source in the configuration")
        return chosen
    unknown = [name for name in names if name not in sources]
    if unknown:
        raise ConfigError(f"no source named {unknown[0]!r} (known: {', '.join(sources)})")
    return [sources[name] for name in names]
