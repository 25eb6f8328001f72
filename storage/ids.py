"""Stable item ids: a hash of the article URL without its scheme, plus the language for a translated copy."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


def url_key(url: str) -> str:
    """The URL without scheme, user info and fragment; host lowercased, default port dropped.

    Example: ``url_key("HTTPS://English.ZJ.gov.cn:443/a.html#top") == "english.zj.gov.cn/a.html"``
    """
    url = url.strip()
    if "://" not in url and not url.startswith("/"):
        url = "//" + url  # "host/path" as printed on some pages: still a host
    parts = urlsplit(url)
    return urlunsplit(("", _host(parts), parts.path or "/", parts.query, "")).lstrip("/")


def _host(parts) -> str:
    """Lowercased host, with the port only when it is not the scheme's default."""
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep what was written
        return parts.netloc.rpartition("@")[2].lower()
    if port and port != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def item_id(url: str, language: str | None = None, translated: bool = False) -> str:
    """16 hex characters naming an article; a translated copy hashes ``#lang=<language>`` in too.

    Example: ``item_id("http://a.cn/x.html") == item_id("https://a.cn/x.html#top")``
    """
    key = url_key(url)
    if translated:
        key = f"{key}#lang={language or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
