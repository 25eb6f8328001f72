"""Serve the feed folder over HTTP (ASGI, run by uvicorn; ``served.app`` adds the pages and ``/db/``).

Files follow RFC 9110: GET and HEAD (the same headers; other methods: 405
with Allow), strong ETags (the gzip variant has its own), If-None-Match before
If-Modified-Since, 304 without content headers, gzip when Accept-Encoding
weighs it above identity (``gzip;q=0`` gets identity; 406 only when neither
is acceptable), Cache-Control and Vary. Headers are made once per file version
and validators answered from memory: feeds/files.py says how changes are seen
(inotify, no stat per request).
"""

from __future__ import annotations

from pathlib import Path

from feeds.files import CONTENT_TYPES, FeedFiles, Version  # noqa: F401 (CONTENT_TYPES: for other servers)
from feeds.negotiate import acceptable_codings, etag_matches, not_modified_since


TEXT = b"text/plain; charset=utf-8"
#: Accept-Encoding values seen, and what they accept (a client sends the same one every time).
MAX_CODINGS = 256


def feed_app(out_dir: Path):
    """The ASGI application serving the files of the feed folder."""
    files = FeedFiles(Path(out_dir))
    codings: dict[bytes | None, tuple[str, ...]] = {}

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        await _serve_file(files, codings, scope, send)

    return app


async def _serve_file(files: FeedFiles, codings: dict, scope, send) -> None:
    if scope["method"] not in ("GET", "HEAD"):
        await _respond(send, 405, b"Method not allowed\n", [(b"allow", b"GET, HEAD")])
        return
    version = files.version(scope["path"])
    if version is None:
        await _respond(send, 404, b"Not found\n")
        return
    none_match = modified_since = accept = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            none_match = value
        elif name == b"if-modified-since":
            modified_since = value
        elif name == b"accept-encoding":
            accept = value if accept is None else accept + b"," + value
    coding = version.coding(_acceptable(codings, accept))
    if coding is None:
        await _respond(send, 406, b"Not acceptable: this file is sent as gzip or identity\n",
                       [(b"vary", b"Accept-Encoding")])
        return
    strong = version.strong()
    full, validators = version.headers[coding, strong]
    if _not_modified(version, coding, strong, none_match, modified_since):
        await send({"type": "http.response.start", "status": 304, "headers": validators})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": full})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else version.bodies[coding]})


def _acceptable(codings: dict, accept: bytes | None) -> tuple[str, ...]:
    found = codings.get(accept)
    if found is None:
        if len(codings) >= MAX_CODINGS:
            codings.clear()
        found = codings[accept] = acceptable_codings(accept)
    return found


def _not_modified(version: Version, coding: str, strong: bool, none_match: bytes | None,
                  modified_since: bytes | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only against a strong Last-Modified."""
    if none_match is not None:
        return etag_matches(none_match, version.etags[coding])
    if modified_since is not None and strong:
        return not_modified_since(modified_since, version.last_modified, version.modified)
    return False


async def _respond(send, status: int, body: bytes, headers: list | None = None) -> None:
    raw = [(b"content-type", TEXT), (b"content-length", str(len(body)).encode()), *(headers or [])]
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
