"""What every ``coopfeed`` command shares: the --db and --config options, one-line errors, the store."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from coopfeed.errors import CoopfeedError

DB_OPTION = click.option("--db", "db_path", default="coopfeed.db", show_default=True,
                         type=click.Path(dir_okay=False), help="The SQLite store.")
CONFIG_OPTION = click.option("--config", "config_path", default="sources.toml", show_default=True,
                             type=click.Path(dir_okay=False), help="Sources (and topics) TOML file.")


CLUSTER_OPTION = click.option(
    "--cluster", default=None, is_flag=False, flag_value="", metavar="redis://HOST:PORT/DB",
    help="The cluster's Redis (alone: [cluster] redis of the configuration).")
EXIT_WHEN_IDLE_OPTION = click.option(
    "--exit-when-idle", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
    help="Exit once the cluster's queues and items have been empty this long (default: run until stopped).")


def cluster_url(value: str, config_path: str) -> str:
    """The Redis address of ``--cluster``, or, for ``--cluster`` alone, the configuration's."""
    from coopfeed.cluster import redis_url
    from coopfeed.tomlfile import read_config

    return redis_url(value or None, read_config(config_path) if not value else {})


def friendly(command):
    """Turn library errors into one clear line (click prints 'Error: …' and exits 1)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CoopfeedError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def open_store(db_path: str, must_exist: bool = False):
    """The store at ``db_path``; with ``must_exist``, a clear error when there is none yet."""
    from storage import Store

    if must_exist and not Path(db_path).exists():
        raise CoopfeedError(f"{db_path}: no such store (run `coopfeed crawl` first)")
    return Store(db_path)
