"""``coopfeed cluster``: seed a cluster's queues, run its one writer, show its state.

Workers are ``coopfeed crawl --cluster URL``; see README, "Scaling out".
"""

from __future__ import annotations

import json

import click

from coopfeed.cli_options import (CLUSTER_OPTION, CONFIG_OPTION, DB_OPTION, EXIT_WHEN_IDLE_OPTION, GIVE_UP_OPTION,
                                  cluster_url, friendly, outage_limit)


@click.group()
def cluster():
    """A crawl shared by workers on several machines (Redis): seed, ingest, status."""


@cluster.command("seed")
@click.argument("names", nargs=-1)
@CONFIG_OPTION
@CLUSTER_OPTION
@click.option("--full", "full_listing", is_flag=True, help="Read every list page this round.")
@click.option("--refresh", is_flag=True, help="Fetch stored articles again this round, to catch edits.")
@friendly
def seed(names, config_path, cluster, full_listing, refresh):
    """Queue the start requests of the enabled sources (or NAMES) for a new round, once per source.

    A source still being crawled is not seeded again.
    """
    from coopfeed.cluster import seed as seed_sources
    from coopfeed.crawling import select_sources
    from crawler.cluster import connect
    from crawler.sources import load_sources

    server = connect(cluster_url(cluster or "", config_path))
    sources = select_sources(load_sources(config_path), list(names))
    for line in _redis(lambda: seed_sources(server, sources, full=full_listing, refresh=refresh)):
        click.echo(line)


@cluster.command("ingest")
@DB_OPTION
@CONFIG_OPTION
@CLUSTER_OPTION
@EXIT_WHEN_IDLE_OPTION
@GIVE_UP_OPTION
@friendly
def ingest(db_path, config_path, cluster, exit_when_idle, give_up_after):
    """Store what the workers send (the only process that writes the store); one line per finished round."""
    from coopfeed.cluster import Ingest
    from coopfeed.logs import setup_logging
    from crawler.cluster import connect

    setup_logging()
    writer = Ingest(connect(cluster_url(cluster or "", config_path)), db_path)
    try:
        writer.run(exit_when_idle, outage_limit(give_up_after, exit_when_idle))
    except KeyboardInterrupt:
        pass
    finally:
        writer.close()


@cluster.command("status")
@CONFIG_OPTION
@CLUSTER_OPTION
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@friendly
def status(config_path, cluster, as_json):
    """Requests queued and in flight per source, items waiting for the writer, workers seen in the last minute."""
    from coopfeed.cluster import status as cluster_status
    from crawler.cluster import connect

    state = _redis(lambda: cluster_status(connect(cluster_url(cluster or "", config_path))))
    if as_json:
        click.echo(json.dumps(state, indent=2))
        return
    click.echo(f"workers seen in the last minute: {len(state['workers'])} ({', '.join(state['workers']) or '-'})")
    click.echo(f"items waiting for the writer: {state['items_waiting']} (+{state['items_being_stored']} being stored)")
    for name, source in state["sources"].items():
        click.echo(f"{name}: {source['queued']} queued, {source['in_flight']} in flight, "
                   f"worker {source['worker'] or '-'}, round {source['round'] or '-'}")


def _redis(call):
    """Run a Redis call; an unreachable Redis is one clear error."""
    import redis

    from coopfeed.errors import CoopfeedError

    try:
        return call()
    except redis.RedisError as exc:
        raise CoopfeedError(f"Redis unreachable: {exc}") from None
