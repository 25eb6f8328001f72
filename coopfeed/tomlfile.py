"""Read a coopfeed TOML configuration file, following its ``include`` list.

One file may hold ``[[source]]`` and ``[[topic]]`` entries, a ``[defaults]``
table for sources, a ``[feeds]`` table and a ``[scrapy]`` table of raw Scrapy
settings; ``include = ["topics.toml"]`` merges further files, paths relative
to the including file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from coopfeed.errors import ConfigError

LIST_KEYS = ("source", "topic")
TABLE_KEYS = ("defaults", "feeds", "scrapy", "cluster")
KNOWN_KEYS = {"include", *LIST_KEYS, *TABLE_KEYS}


def read_config(path: str | Path) -> dict[str, Any]:
    """Return the merged configuration; each entry notes the file it came from in ``_file``."""
    merged: dict[str, Any] = {key: [] for key in LIST_KEYS} | {key: {} for key in TABLE_KEYS}
    _merge(Path(path), merged, seen=set())
    return merged


def _merge(path: Path, merged: dict[str, Any], seen: set[Path]) -> None:
    real = path.resolve()
    if real in seen:
        raise ConfigError(f"{path}: included twice (an include loop?)")
    seen.add(real)
    data = _load(path)
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r} (expected: {', '.join(sorted(KNOWN_KEYS))})"
        )
    for key in LIST_KEYS:
        entries = data.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ConfigError(f"{path}: '{key}' must be written as [[{key}]] tables")
        merged[key].extend({**entry, "_file": str(path)} for entry in entries)
    for key in TABLE_KEYS:
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: '{key}' must be a [{key}] table")
        merged[key].update(table)
    for name in _includes(path, data):
        _merge(path.parent / name, merged, seen)


def _includes(path: Path, data: dict[str, Any]) -> list[str]:
    includes = data.get("include", [])
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise ConfigError(f"{path}: 'include' must be a list of file names")
    return includes


def _load(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
