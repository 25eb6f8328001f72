"""The ``coopfeed`` command line: a few lines per command over the library.

Every CoopfeedError becomes one line on stderr and exit status 1; no traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from coopfeed import __version__
from coopfeed.cli_cluster import cluster
from coopfeed.cli_feeds import feeds, serve, topics
from coopfeed.cli_options import (CLUSTER_OPTION, CONFIG_OPTION, DB_OPTION, EXIT_WHEN_IDLE_OPTION, GIVE_UP_OPTION,
                                  cluster_url, friendly, open_store, outage_limit)

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopfeed")
def cli():
    """coopfeed: clean RSS/Atom feeds from news portals that publish none."""


for _command in (feeds, topics, serve, cluster):
    cli.add_command(_command)


@cli.command()
@click.argument("names", nargs=-1)
@CONFIG_OPTION
@DB_OPTION
@click.option("--refresh", is_flag=True, help="Re-fetch articles already stored, to catch edits.")
@click.option("--full", "full_listing", is_flag=True,
              help="Read every list page, even past pages with nothing new, and retry pages given up on.")
@click.option("--json", "as_json", is_flag=True, help="Print the per-source summaries as JSON on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log lines.")
@CLUSTER_OPTION
@EXIT_WHEN_IDLE_OPTION
@GIVE_UP_OPTION
@friendly
def crawl(names, config_path, db_path, refresh, full_listing, as_json, verbose, cluster, exit_when_idle,
          give_up_after):
    """Crawl the configured sources (or only NAMES) into the store.

    Only articles not stored yet are fetched; a second crawl adds no row.
    Shows a progress line, then one summary line per source. Exits 1 when a
    source is broken (see `coopfeed status`). With --cluster: a cluster worker
    (requests from Redis, items to the writer; see `coopfeed cluster`).
    """
    from coopfeed.crawling import crawl_sources
    from crawler.run import EXIT_BUSY
    from storage.locks import LockBusy

    if cluster is not None:
        cluster = cluster_url(cluster, config_path)
    try:
        summaries = crawl_sources(config_path, db_path, list(names), refresh=refresh, full_listing=full_listing,
                                  verbose=verbose, cluster=cluster, exit_when_idle=exit_when_idle,
                                  give_up_after=outage_limit(give_up_after, exit_when_idle))
    except LockBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    if cluster:
        for summary in summaries:
            click.echo(summary.worker_line())
        failed = [summary for summary in summaries if summary.status == "failed"]
        if failed:
            from crawler.cluster import Outage

            raise click.ClickException(Outage.given_up() or "failed: " + "; ".join(
                f"{s.source} ({s.reason or 'see above'})" for s in failed))
        return
    for summary in summaries:
        click.echo(summary.line(), err=as_json)
    if as_json:
        from crawler.run import summaries_json

        click.echo(summaries_json(summaries))
    broken = [summary for summary in summaries if summary.health == "broken" or summary.status == "failed"]
    if broken:
        raise click.ClickException("broken: " + "; ".join(f"{s.source} ({s.reason})" for s in broken))


@cli.command()
@click.argument("query")
@DB_OPTION
@click.option("--limit", default=20, show_default=True, help="Most matches to show.")
@click.option("--source", default=None, help="Only items of this source.")
@click.option("--language", default=None, help="Only items in this language (en, zh).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per match.")
@friendly
def search(query, db_path, limit, source, language, as_json):
    """Full-text search of stored articles (English and Chinese)."""
    store = open_store(db_path, must_exist=True)
    rows = store.search(query, limit=limit, source=source, language=language)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(f"{(row.get('published') or '')[:16]:16}  {row['source']:12}  {row['title']}\n"
                       f"{'':16}  {row['url']}")
    if not rows and not as_json:
        click.echo("no match", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--profile", type=click.Choice(["auto", "hanweb", "wordpress", "trs", "generic"]),
              default="auto", show_default=True, help="Extraction profile; auto recognises the CMS.")
@click.option("--url", "urls", multiple=True,
              help="The address of a FILE input (repeat once per file, in order): for links and URL dates.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True, help="Zone of dates printed without one.")
@click.option("--language", default=None, help="Language to report when the page does not say.")
@friendly
def extract(inputs, profile, urls, timezone, language):
    """Extract the article of each FILE_OR_URL; print one JSON object per input, in order.

    Keys: url, title, published, author, origin, editor, language, text, html.
    An input with no article prints {"input": ..., "error": ...} and exits 1.
    """
    from coopfeed.extracting import extract_inputs

    failed = False
    for row in extract_inputs(inputs, urls, profile=profile, timezone=timezone, language=language):
        failed = failed or "error" in row
        if "error" in row:
            click.echo(f"coopfeed: {row['input']}: {row['error']}", err=True)
        click.echo(json.dumps(row, ensure_ascii=False))
    sys.exit(1 if failed else 0)


@cli.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@friendly
def status(db_path, as_json):
    """Per-source health: status (ok, degraded, broken) and why, last run, counts, failures by kind.

    Exits 1 when a source is broken (for cron and monitoring).
    """
    store = open_store(db_path, must_exist=True)
    rows = store.source_health()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            click.echo(_health_line(row))
    broken = [row["source"] for row in rows if row["status"] == "broken"]
    if broken:
        raise click.ClickException(f"broken: {', '.join(broken)}")


@cli.group()
def replica():
    """The local replica of the source portals (demo, tests, benchmarks)."""


@replica.command("serve")
@click.option("--port", default=8800, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--synthetic", default=0, show_default=True, type=click.IntRange(min=0),
              help="Extra generated articles per portal.")
@click.option("--faults", is_flag=True, help="Add the broken pages the tests use (404, 500, no body…).")
@click.option("--hostile", is_flag=True, help="Add /hostile/: gzip bombs, huge and deep pages, loops, a bad feed.")
@click.option("--write-config", type=click.Path(dir_okay=False), default=None,
              help="Also write a sources.toml pointing at the served replica.")
@friendly
def replica_serve(port, synthetic, faults, hostile, write_config):
    """Serve the replica portals over HTTP until interrupted."""
    from coopfeed.demo import replica_sources_toml, start_replica

    server = start_replica(port=port, synthetic=synthetic, faults=faults, hostile=hostile)
    click.echo(f"replica serving at {server.base_url}/ (Ctrl-C to stop)")
    if write_config:
        Path(write_config).write_text(replica_sources_toml(server.base_url, hostile=hostile), encoding="utf-8")
        click.echo(f"wrote {write_config}")
    _wait_forever(server.stop)


@cli.command()
@click.option("--dir", "directory", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Where the demo writes its config, store and feeds.")
@click.option("--once", is_flag=True, help="Crawl once and exit instead of serving.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port for the feed server (0: free port).")
@click.option("--synthetic", default=0, show_default=True, help="Extra generated articles per portal.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also append the scheduled crawls' log lines to this file.")
@friendly
def demo(directory, once, port, synthetic, log_file):
    """The whole pipeline on the bundled replica: serve it, crawl it, build and serve the feeds.

    With --once: crawl and build into DIR, then exit. Running it again on the same DIR adds no row.
    """
    from coopfeed.demo import run_demo
    from coopfeed.logs import setup_logging

    setup_logging(log_file)
    run_demo(Path(directory), once=once, port=port, synthetic=synthetic, echo=click.echo)


def _health_line(row: dict) -> str:
    run = row.get("last_run") or {}
    failures = ", ".join(f"{kind} {count}" for kind, count in (row.get("failures") or {}).items())
    status = row["status"] + (f" ({row['reason']})" if row.get("reason") else "")
    waiting = f"; {row['retrying']} pages to retry" if row.get("retrying") else ""
    waiting += f", {row['given_up']} given up" if row.get("given_up") else ""
    when = run.get("finished") or run.get("started") or "never"
    return (f"{row['source']}: {status}; {row.get('items', 0)} items, newest {row.get('newest') or '-'}; "
            f"last run {when} {run.get('status') or ''}: {run.get('new') or 0} new, {run.get('failed') or 0} failed"
            + (f" ({failures})" if failures else "") + waiting)


def _wait_forever(stop) -> None:
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop()


@cli.command()
@CONFIG_OPTION
@DB_OPTION
@click.option("--out", "out_dir", default="public", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the feed files.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to serve on.")
@click.option("--no-first-crawl", is_flag=True, help="Wait for the schedule instead of crawling at start.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also append the log lines (one per source per crawl) to this file.")
@CLUSTER_OPTION
@friendly
def run(config_path, db_path, out_dir, host, port, no_first_crawl, log_file, cluster):
    """Crawl each source on its schedule, rebuild the feeds after each crawl, and serve them.

    Logs one line per source per crawl on stderr; a crawl that fails is logged as an error and
    recorded as a failed run (`coopfeed status`), and serving goes on. With --cluster: seed the
    sources on their schedules for the cluster's workers and be its one writer instead of crawling.
    """
    from coopfeed.logs import setup_logging
    from coopfeed.publishing import publish, serve_with_cluster, serve_with_schedule, serving_url
    from crawler.sources import load_sources
    from scheduler import CrawlScheduler
    from served.server import listen

    setup_logging(log_file)
    load_sources(config_path)  # a bad configuration stops here, before anything runs
    sock = listen(host, port)  # a busy port too: bound once, before the first crawl
    with sock:
        if cluster is not None:
            serve_with_cluster(Path(config_path), Path(db_path), Path(out_dir), cluster_url(cluster, config_path),
                               sock, host=host, first_seed=not no_first_crawl, echo=click.echo)
            return
        if not no_first_crawl:
            CrawlScheduler(config_path, db_path, []).run(None)
        publish(Path(config_path), Path(db_path), Path(out_dir), serving_url(host, sock.getsockname()[1]))
        serve_with_schedule(Path(config_path), Path(db_path), Path(out_dir), sock, host=host, echo=click.echo)


def main() -> None:
    """Entry point of the ``coopfeed`` command: every user error is one ``Error:`` line and exit status 1
    (usage errors too); no traceback reaches the user unless COOPFEED_DEBUG is set."""
    import os

    try:
        code = cli.main(prog_name="coopfeed", standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        hint = f" (see: {exc.ctx.command_path} --help)" if isinstance(exc, click.UsageError) and exc.ctx else ""
        click.echo(f"Error: {exc.format_message()}{hint}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: say what happened in one line
        if os.environ.get("COOPFEED_DEBUG"):
            raise
        click.echo(f"coopfeed: internal error: {type(exc).__name__}: {exc} "
                   "(set COOPFEED_DEBUG=1 to see the traceback)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
