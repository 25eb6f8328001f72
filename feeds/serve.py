"""Serve the feed folder over HTTP (ASGI, run by uvicorn), and the store under ``/db/``.

Each file gets its Content-Type, a strong ETag (its content hash; the gzip
variant has its own), Last-Modified from the file, 304 for If-None-Match or
If-Modified-Since, gzip when the client accepts it, and Cache-Control. When
Datasette is installed and a database is given, ``/db/`` is Datasette,
read-only, with its search box on the ``items_fts`` index.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}
CACHE_CONTROL = "public, max-age=300"
MIN_GZIP = 512


class FeedFiles:
    """The files of one folder as HTTP resources, cached by (mtime, size)."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._cache: dict[Path, tuple[tuple[int, int], dict]] = {}

    def resolve(self, url_path: str) -> Path | None:
        """The file for a URL path, never outside the folder."""
        relative = unquote(url_path).lstrip("/") or "index.html"
        path = (self.root / relative).resolve()
        if self.root not in path.parents or not path.is_file() or path.suffix not in CONTENT_TYPES:
            return None
        return path

    def variant(self, path: Path, gzipped: bool) -> dict:
        """Body, ETag and Last-Modified of a file (or of its gzip encoding)."""
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(path)
        if not cached or cached[0] != key:
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:32]
            entry = {"plain": (body, f'"{digest}"'), "gzip": (gzip.compress(body, mtime=0), f'"{digest}-gz"'),
                     "mtime": stat.st_mtime}
            self._cache[path] = (key, entry)
            cached = self._cache[path]
        entry = cached[1]
        body, etag = entry["gzip" if gzipped else "plain"]
        return {"body": body, "etag": etag, "mtime": entry["mtime"]}


def feed_app(out_dir: Path, db_path: Path | None = None):
    """The ASGI application: feed files, and Datasette at /db/ when available."""
    files = FeedFiles(out_dir)
    datasette = _datasette(db_path) if db_path else None

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        path = scope["path"]
        if path == "/db" or path.startswith("/db/"):
            if datasette is not None:
                await datasette(scope, receive, send)
            else:
                await _respond(send, 404, b"The store is not served: install the datasette extra "
                                          b"(pip install 'coopfeed[datasette]') and pass --db.\n",
                               {"content-type": "text/plain; charset=utf-8"})
            return
        await _serve_file(files, scope, send)

    return app


async def _serve_file(files: FeedFiles, scope, send) -> None:
    if scope["method"] not in ("GET", "HEAD"):
        await _respond(send, 405, b"Method not allowed\n", {"allow": "GET, HEAD"})
        return
    path = files.resolve(scope["path"])
    if path is None:
        await _respond(send, 404, b"Not found\n", {"content-type": "text/plain; charset=utf-8"})
        return
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    gzipped = "gzip" in headers.get("accept-encoding", "")
    variant = files.variant(path, gzipped and path.stat().st_size >= MIN_GZIP)
    gzipped = variant["etag"].endswith('-gz"')
    response_headers = {
        "content-type": CONTENT_TYPES[path.suffix], "etag": variant["etag"],
        "last-modified": formatdate(variant["mtime"], usegmt=True), "cache-control": CACHE_CONTROL,
        "vary": "Accept-Encoding",
    }
    if gzipped:
        response_headers["content-encoding"] = "gzip"
    if _not_modified(headers, variant):
        await _respond(send, 304, b"", {k: v for k, v in response_headers.items() if k != "content-type"})
        return
    body = b"" if scope["method"] == "HEAD" else variant["body"]
    await _respond(send, 200, body, response_headers, length=len(variant["body"]))


def _not_modified(headers: dict, variant: dict) -> bool:
    """RFC 9110: If-None-Match wins; otherwise If-Modified-Since against the file time."""
    if "if-none-match" in headers:
        tags = [tag.strip() for tag in headers["if-none-match"].split(",")]
        return "*" in tags or variant["etag"] in tags or f"W/{variant['etag']}" in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return int(variant["mtime"]) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


async def _respond(send, status: int, body: bytes, headers: dict, length: int | None = None) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body) if length is None else length).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def datasette_available() -> bool:
    """Whether Datasette (the ``datasette`` extra) is installed, so /db/ is served."""
    import importlib.util

    return importlib.util.find_spec("datasette") is not None


def _datasette(db_path: Path):
    """Datasette for the store at /db/, or None when it is not installed."""
    try:
        from datasette.app import Datasette
    except ImportError:
        logger.warning("datasette is not installed: /db/ is not served")
        return None
    metadata = {"databases": {Path(db_path).stem: {"tables": {"items": {"fts_table": "items_fts", "fts_pk": "rowid"}}}}}
    instance = Datasette([str(db_path)], settings={"base_url": "/db/"}, metadata=metadata)
    return instance.app()


def serve_feeds(out_dir: Path, db_path: Path | None = None, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve until interrupted (uvicorn)."""
    import uvicorn

    uvicorn.run(feed_app(Path(out_dir), db_path), host=host, port=port, log_level="warning")
