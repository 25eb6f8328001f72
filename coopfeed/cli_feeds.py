"""Commands for publishing: ``coopfeed feeds build``, ``coopfeed topics …``, ``coopfeed serve``."""

from __future__ import annotations

from pathlib import Path

import click

from coopfeed.cli_options import CONFIG_OPTION, DB_OPTION, friendly, open_store


@click.group()
def feeds():
    """Topic feeds (RSS 2.0, Atom 1.0, JSON Feed 1.1), OPML and index page."""


@feeds.command("build")
@CONFIG_OPTION
@DB_OPTION
@click.option("--out", "out_dir", default="public", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the feed files.")
@click.option("--base-url", default=None, help="Where the folder is served (self links); default: [feeds] base_url.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Newest entries per feed (default: [feeds] limit).")
@friendly
def build(config_path, db_path, out_dir, base_url, limit):
    """Assign topics and write every topic's feeds; unchanged files are left alone."""
    from feeds.build import build_feeds
    from feeds.topics import DEFAULT_BASE_URL, load_topics

    topics, settings = load_topics(config_path)
    store = open_store(db_path, must_exist=True)
    report = build_feeds(store, topics, Path(out_dir), base_url=base_url or settings.base_url or DEFAULT_BASE_URL,
                         limit=limit or settings.limit, title=settings.title, authority=settings.tag_authority)
    for topic, count in report.entries.items():
        changed = any(name.startswith(topic + ".") for name in report.written)
        click.echo(f"{topic:22} {count:4} entries  {'written' if changed else 'unchanged'}")
    click.echo(f"{len(report.written)} files written, {len(report.unchanged)} unchanged in {out_dir}/")


@click.group()
def topics():
    """Topic rules: list them, test them against the store."""


@topics.command("list")
@CONFIG_OPTION
@friendly
def list_topics(config_path):
    """List every topic (built-in and configured) with its rule."""
    from feeds.topics import load_topics

    for topic in load_topics(config_path)[0]:
        rule = topic.query or ", ".join(topic.include[:6]) + (" …" if len(topic.include) > 6 else "")
        click.echo(f"{topic.name:22} {topic.title}" + (f"  [{rule}]" if rule else ""))


@topics.command("test")
@click.argument("name")
@CONFIG_OPTION
@DB_OPTION
@click.option("--limit", default=50, show_default=True, help="Most matches to show.")
@friendly
def test(name, config_path, db_path, limit):
    """Show which stored items topic NAME matches, newest first, and why."""
    from coopfeed.errors import ConfigError
    from feeds.membership import matching_items
    from feeds.topics import load_topics

    found = {topic.name: topic for topic in load_topics(config_path)[0]}
    if name not in found:
        raise ConfigError(f"no topic named {name!r} (known: {', '.join(found)})")
    store = open_store(db_path, must_exist=True)
    shown = 0
    for item, why in matching_items(store, found[name]):
        if shown < limit:
            click.echo(f"{(item['published'] or '')[:10]:10}  {item['source']:12} {item['title']}  ({why})")
        shown += 1
    click.echo(f"{shown} items match {name!r}", err=True)


@click.command()
@click.option("--out", "out_dir", default="public", show_default=True, type=click.Path(file_okay=False, exists=True),
              help="The folder `coopfeed feeds build` wrote.")
@DB_OPTION
@click.option("--no-db", is_flag=True, help="Do not serve the store under /db/.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: a free one).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port.")
@click.pass_context
@friendly
def serve(ctx, out_dir, db_path, no_db, host, port, workers):
    """Serve the web pages and the feeds (ETag, 304, gzip) and, with Datasette installed, the store at /db/.

    Example: coopfeed serve --out public --db coopfeed.db --port 8080 --workers 2
    """
    from served.server import address, build_app, check_store, listen
    from served.server import serve as serve_app

    db = None if no_db else Path(db_path)
    if db is not None and not db.exists() and ctx.get_parameter_source("db_path").name == "DEFAULT":
        db = None  # no store where the default points: serve the feeds alone
    if db is not None:
        check_store(db)
    sock = listen(host, port)
    click.echo(f"serving {out_dir}/ at {address(sock)}" + (f" and {db} at /db/" if db else ""))
    serve_app(build_app(Path(out_dir), db), sock, workers=workers)
