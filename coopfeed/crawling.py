"""One crawl as the user runs it: load the config, pick sources, crawl, report."""

from __future__ import annotations

from pathlib import Path

from coopfeed.errors import ConfigError
from coopfeed.progress import CrawlProgress
from coopfeed.publishing import assign_after_crawl
from coopfeed.tomlfile import read_config
from crawler.run import RunSummary, crawl, crawl_settings
from crawler.sources import Source, parse_sources
from storage import Store


def crawl_sources(config_path: str | Path, db_path: str | Path, names: list[str] | None = None, *,
                  refresh: bool = False, full_listing: bool = False,
                  verbose: bool = False) -> list[RunSummary]:
    """Crawl the named (default: all enabled) sources of a config file into the store."""
    config = read_config(config_path)
    sources = select_sources(parse_sources(config["source"], config["defaults"]), names)
    store = Store(db_path)
    try:
        for source in sources:
            store.save_source(source.name, **source.as_row())
    finally:
        store.close()
    overrides = dict(config["scrapy"])
    if verbose:
        overrides["LOG_LEVEL"] = "INFO"
    settings = crawl_settings(db_path, config_path, refresh=refresh, full_listing=full_listing,
                              overrides=overrides)
    progress = CrawlProgress()
    try:
        summaries = crawl(sources, settings, on_event=progress)
    finally:
        progress.finish()
    assign_after_crawl(Path(config_path), Path(db_path))
    return summaries


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
