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
    """The ASGI application serving the files of the feed folder. Its ``answer(method, path, headers)``
    gives the response without ASGI (``served.fastpath`` writes it straight to the connection)."""
    files = FeedFiles(Path(out_dir))
    codings: dict[bytes | None, tuple[str, ...]] = {}

    def answer(method: bytes, path: str, headers: list[tuple[bytes, bytes]]) -> Response:
        return _answer(files, codings, method, path, headers)

    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        status, headers, body = answer(scope["method"].encode(), scope["path"], scope["headers"])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    app.answer = answer
    return app


#: A response: status, headers, body (empty for HEAD: its length is in the headers).
Response = tuple[int, list[tuple[bytes, bytes]], bytes]


def _answer(files: FeedFiles, codings: dict, method: bytes, path: str, headers: list) -> Response:
    if method not in (b"GET", b"HEAD"):
        return _plain(405, b"Method not allowed\n", [(b"allow", b"GET, HEAD")])
    version = files.version(path)
    if version is None:
        return _plain(404, b"Not found\n")
    none_match = modified_since = accept = None
    for name, value in headers:
        if name == b"if-none-match":
            none_match = value
        elif name == b"if-modified-since":
            modified_since = value
        elif name == b"accept-encoding":
            accept = value if accept is None else accept + b"," + value
    coding = version.coding(_acceptable(codings, accept))
    if coding is None:
        return _plain(406, b"Not acceptable: this file is sent as gzip or identity\n", [(b"vary", b"Accept-Encoding")])
    strong = version.strong()
    full, validators = version.headers[coding, strong]
    if _not_modified(version, coding, strong, none_match, modified_since):
        return 304, validators, b""
    return 200, full, b"" if method == b"HEAD" else version.bodies[coding]


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


def _plain(status: int, body: bytes, headers: list | None = None) -> Response:
    return status, [(b"content-type", TEXT), (b"content-length", str(len(body)).encode()), *(headers or [])], body


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
