"""The feed folder's files as HTTP representations, built once per file version and held in memory.

A version holds its bodies (plain and gzip), strong ETags (a content hash) and
the ready-made header lists of a 200 and a 304 for each coding. The folder is
watched with inotify (feeds/changes.py): before each request the server drains
the watch and forgets the versions of files written, renamed or deleted since,
so a request never touches the disk unless its file changed, and never gets a
stale copy, whoever wrote it: ``coopfeed run``'s own builds, or another
process rebuilding the folder ``coopfeed serve`` serves. Each worker process
has its own watch and versions. Without inotify, each request stats its file.

Last-Modified is sent only once its second is over (RFC 9110 §8.8.2.2): a date
within a second of the write is weak, as a file rewritten in the same second
would keep it; until then the ETag alone validates.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import time
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote

from feeds.changes import ALL, FolderWatch

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}
CACHE_CONTROL = b"public, max-age=300"
#: Smaller files go out as they are when the client also takes identity.
MIN_GZIP = 512
#: Seconds past the end of a file's mtime second before its Last-Modified is strong (file clocks are coarse).
CLOCK_MARGIN = 0.1
#: Most URL paths remembered (attackers can spell one file many ways).
MAX_PATHS = 4096


class Version:
    """One version of one file: bodies, validators and header lists, by coding."""

    __slots__ = ("bodies", "etags", "headers", "last_modified", "modified", "strong_at", "small", "key")

    def __init__(self, path: Path, body: bytes, stat: os.stat_result):
        digest = hashlib.sha256(body).hexdigest()[:32]
        self.bodies = {"identity": body, "gzip": gzip.compress(body, compresslevel=9, mtime=0)}
        self.etags = {"identity": f'"{digest}"'.encode(), "gzip": f'"{digest}-gz"'.encode()}
        self.modified = stat.st_mtime_ns // 1_000_000_000
        self.strong_at = self.modified + 1 + CLOCK_MARGIN
        self.last_modified = formatdate(self.modified, usegmt=True).encode()
        self.small = len(body) < MIN_GZIP
        self.key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        content_type = CONTENT_TYPES[path.suffix].encode()
        self.headers = {(coding, strong): self._headers(coding, strong, content_type)
                        for coding in ("identity", "gzip") for strong in (False, True)}

    def _headers(self, coding: str, strong: bool, content_type: bytes) -> tuple[list, list]:
        """(headers of a 200, headers of a 304): a 304 carries no content-* header (RFC 9110 §15.4.5)."""
        validators = [(b"etag", self.etags[coding]), (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept-Encoding")]
        if strong:
            validators.append((b"last-modified", self.last_modified))
        content = [(b"content-type", content_type), (b"content-length", str(len(self.bodies[coding])).encode())]
        if coding == "gzip":
            content.append((b"content-encoding", b"gzip"))
        return content + validators, validators

    def coding(self, acceptable: tuple[str, ...]) -> str | None:
        """The coding to send to a client accepting ``acceptable`` (best first); None: none fits."""
        if self.small and "identity" in acceptable:
            return "identity"
        return acceptable[0] if acceptable else None

    def strong(self) -> bool:
        """Whether Last-Modified is strong now (its second is over)."""
        return time.time() >= self.strong_at


class FeedFiles:
    """The files of one folder, by URL path, as versions kept until the file changes."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._versions: dict[Path, Version] = {}
        self._paths: dict[str, Path] = {}
        self._watch: FolderWatch | None = None  # made at the first request: in the serving process

    def version(self, url_path: str) -> Version | None:
        """The current version of the file at ``url_path``, or None (no such file)."""
        self._forget_changed()
        path = self._paths.get(url_path)
        if path is None:
            path = self.resolve(url_path)
            if path is None:
                return None
            if len(self._paths) >= MAX_PATHS:
                self._paths.clear()
            self._paths[url_path] = path
        version = self._versions.get(path)
        if version is None or (not self._watch.available and _key(path) != version.key):
            version = self._load(path)
        return version

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, never outside the folder."""
        relative = unquote(url_path).lstrip("/") or "index.html"
        path = (self.root / relative).resolve()
        if self.root not in path.parents or not path.is_file() or path.suffix not in CONTENT_TYPES:
            return None
        return path

    def _forget_changed(self) -> None:
        if self._watch is None:
            self._watch = FolderWatch()
        if not self._watch.available:
            return
        changed = self._watch.changed()
        if changed is ALL:
            self._versions.clear()
        for path in changed or ():
            self._versions.pop(path, None)
        if changed or changed is ALL:
            self._paths.clear()  # a renamed or removed file (or link) may resolve elsewhere now

    def _load(self, path: Path) -> Version | None:
        """Read the file (watching its folder first, so a write after the read is seen)."""
        watched = self._watch.watch(path.parent)
        try:
            with open(path, "rb") as handle:
                stat = os.fstat(handle.fileno())
                body = handle.read()
        except OSError:
            self._versions.pop(path, None)
            self._paths.clear()
            return None
        version = Version(path, body, stat)
        if watched or not self._watch.available:
            self._versions[path] = version
        return version


def _key(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)
