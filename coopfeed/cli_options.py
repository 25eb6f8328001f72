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
#: With --exit-when-idle, how long a Redis may stay unreachable before a worker or the writer gives up.
GIVE_UP_AFTER = 300.0
GIVE_UP_OPTION = click.option(
    "--give-up-after", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
    help=f"Exit 1 once Redis has been unreachable this long (default: {GIVE_UP_AFTER:g} with --exit-when-idle, "
         "else wait for it forever). Nothing is lost: what was not sent or stored stays in Redis.")


def outage_limit(value: float | None, exit_when_idle: float | None) -> float | None:
    """Seconds of Redis outage before giving up (None: never)."""
    if value is not None:
        return value
    return GIVE_UP_AFTER if exit_when_idle is not None else None


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
