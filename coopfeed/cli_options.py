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
