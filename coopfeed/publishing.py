"""Publishing as the user runs it: build the feeds, serve them, re-crawl on schedule."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.sources import load_sources
from feeds.topics import DEFAULT_BASE_URL, load_topics
from storage import Store

if TYPE_CHECKING:
    from feeds.build import BuildReport
    from scheduler import SourceSchedule


def publish(config_path: Path, db_path: Path, out_dir: Path, serving_url: str | None = None) -> BuildReport:
    """Assign topics and (re)write the feed files of a configuration; self links from ``[feeds] base_url``
    when it is set, else from ``serving_url`` (where coopfeed serves the folder)."""
    from feeds.build import build_feeds

    topics, settings = load_topics(config_path)
    store = Store(db_path)
    try:
        base_url = settings.base_url or serving_url or DEFAULT_BASE_URL
        return build_feeds(store, topics, out_dir, base_url=base_url, limit=settings.limit,
                           title=settings.title, authority=settings.tag_authority)
    finally:
        store.close()


def serving_url(host: str, port: int) -> str:
    """The address readers reach a server listening on ``host:port`` at (a wildcard host: this machine's
    name; set ``[feeds] base_url`` when readers know it by another)."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = socket.getfqdn()
    return f"http://{host}:{port}/"


def assign_after_crawl(config_path: Path, db_path: Path) -> None:
    """Bring topic membership up to date after a crawl (so ``item_topics`` is current for SQL users)."""
    from feeds.membership import assign_topics

    topics, _ = load_topics(config_path)
    store = Store(db_path)
    try:
        assign_topics(store, topics)
    finally:
        store.close()


def serve_with_schedule(config_path: Path, db_path: Path, out_dir: Path, sock: socket.socket, *,
                        host: str = "127.0.0.1", echo: Callable[[str], None] = print,
                        schedule: SourceSchedule | None = None) -> None:
    """Serve the feeds and pages on ``sock`` (bound by served.server.listen on ``host``) and re-crawl each
    source on its schedule, rebuilding the feeds after each crawl (or run ``schedule`` instead, e.g. the
    seeding of a cluster)."""
    from served.datasette import available as datasette_available
    from scheduler import CrawlScheduler
    from served.server import build_app, serve

    base_url = serving_url(host, sock.getsockname()[1])
    if schedule is None:
        schedule = CrawlScheduler(config_path, db_path, list(load_sources(config_path).values()),
                                  after_crawl=lambda _: publish(config_path, db_path, out_dir, base_url))
    schedule.start()
    for name, next_run in schedule.jobs():
        echo(f"scheduled: {name} (next {next_run})")
    store = f"  ·  store: {base_url}db/" if datasette_available() else ""
    echo(f"subscribe: {base_url}index.html  ·  all topics: {base_url}topics.opml  ·  "
         f"everything: {base_url}all.atom{store}")
    echo("press Ctrl-C to stop")
    try:
        serve(build_app(out_dir, db_path), sock)
    finally:
        schedule.stop()


def serve_with_cluster(config_path: Path, db_path: Path, out_dir: Path, redis_url: str, sock: socket.socket, *,
                       host: str = "127.0.0.1", first_seed: bool = True, echo: Callable[[str], None] = print) -> None:
    """``coopfeed run --cluster``: seed the sources on their schedules, store what the workers send (the one
    writer, in a thread), rebuild the feeds after each finished round, and serve them."""
    from coopfeed.cluster import IngestThread, check_redis
    from scheduler import SeedScheduler

    check_redis(redis_url)
    base_url = serving_url(host, sock.getsockname()[1])
    writer = IngestThread(redis_url, db_path, after_round=lambda _: publish(config_path, db_path, out_dir, base_url))
    writer.start()
    writer.started_writing.wait(60)
    schedule = SeedScheduler(redis_url, list(load_sources(config_path).values()))
    try:
        if first_seed:
            schedule.run(None)
        publish(config_path, db_path, out_dir, base_url)
        serve_with_schedule(config_path, db_path, out_dir, sock, host=host, echo=echo, schedule=schedule)
    finally:
        writer.stop()
