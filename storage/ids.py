"""Stable item ids: a hash of the canonical URL without its scheme.

The same article keeps its id across re-crawls, edits and an http -> https
move; a translated copy hashes its language in too, so it gets its own row.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """The URL without scheme and fragment, host lowercased, default port dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return urlunsplit(("", host, parts.path or "/", parts.query, "")).lstrip("/")


def item_id(url: str, language: str | None = None, translated: bool = False) -> str:
    """16 hex characters identifying an article (and, for a translation, its language)."""
    key = url_key(url)
    if translated:
        key = f"{key}#lang={language or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
