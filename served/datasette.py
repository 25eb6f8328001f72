"""The store read-only at ``/db/`` (Datasette), with every link it writes starting ``/db/`` once.

Datasette with ``base_url = "/db/"`` writes its links as that prefix plus the
path it was asked for; given the whole path (``/db/coopfeed/items``) it wrote
``/db/db/coopfeed/items.csv``. The mount hands it the path without the prefix,
and the prefix as ``root_path``, as ASGI mounts do.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

PREFIX = "/db"


def available() -> bool:
    """Whether Datasette (the ``datasette`` extra) is installed."""
    return importlib.util.find_spec("datasette") is not None


def datasette_app(db_path: Path):
    """The ASGI app serving the store at ``/db/`` (request paths with the prefix), or None without Datasette."""
    try:
        from datasette.app import Datasette
    except ImportError:
        logger.warning("datasette is not installed: /db/ is not served")
        return None
    metadata = {"databases": {Path(db_path).stem: {"tables": {"items": {"fts_table": "items_fts", "fts_pk": "rowid"}}}}}
    inner = Datasette([str(db_path)], settings={"base_url": PREFIX + "/"}, metadata=metadata).app()

    async def mounted(scope, receive, send):
        await inner(_without_prefix(scope), receive, send)

    return mounted


def _without_prefix(scope: dict) -> dict:
    """The scope of ``/db/x`` as Datasette expects it: path ``/x``, root_path ``/db``."""
    path = scope["path"][len(PREFIX):] or "/"
    raw = scope.get("raw_path")
    if raw is not None:
        raw = raw[len(PREFIX):] if raw.startswith(PREFIX.encode()) else raw
        raw = raw or b"/"
    return {**scope, "path": path, "raw_path": raw, "root_path": scope.get("root_path", "") + PREFIX}
