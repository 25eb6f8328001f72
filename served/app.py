"""The web app: the pages (topics, articles, search, sources), the store at /db/, the feed files elsewhere.

    app = create_app(Path("public"), Path("coopfeed.db"))   # an ASGI app, run by uvicorn

Pages are rendered on the server (Jinja2) in a worker thread, each thread
with its own connection to the store. A path that is no page goes to the
feed files (``feeds.serve.feed_app``), so the feeds keep their ETag, 304 and
gzip. Without a store (``db_path`` None) every path is a file.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, unquote

from feeds.serve import feed_app
from served import views
from served.datasette import PREFIX, available, datasette_app
from served.feedlist import FeedList
from served.render import environment, reason, render
from storage import Store

logger = logging.getLogger(__name__)

ROUTES: list[tuple[re.Pattern, Callable]] = [
    (re.compile(r"^/$"), views.index),
    (re.compile(r"^/topics/(.+)$"), views.topic),
    (re.compile(r"^/articles/(.+)$"), views.article),
    (re.compile(r"^/search$"), views.search),
    (re.compile(r"^/sources$"), views.sources),
]
HEADERS = {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    # No script runs on these pages; images of article bodies stay on their portals.
    "content-security-policy": "default-src 'self'; img-src * data:; style-src 'unsafe-inline'; "
                               "script-src 'none'; frame-ancestors 'none'",
}

NO_DATASETTE = "The store is not browsable here: install the datasette extra (pip install 'coopfeed[datasette]')."


def create_app(out_dir: Path, db_path: Path | None):
    """The ASGI app serving the pages, ``/db/`` (Datasette, when installed) and the feed folder."""
    files = feed_app(Path(out_dir))
    if db_path is None:
        return files
    pages = Pages(Path(out_dir), Path(db_path))
    datasette = datasette_app(Path(db_path)) if available() else None
    pages.env.globals["db_served"] = datasette is not None

    async def app(scope, receive, send):
        if scope["type"] != "http":
            await files(scope, receive, send)
            return
        path = scope["path"]
        if path == PREFIX:
            await _redirect(send, PREFIX + "/", scope.get("query_string", b""))
        elif in_db(path):
            if datasette is not None:
                await datasette(scope, receive, send)
            else:
                await pages.error(scope, send, 404, NO_DATASETTE)
        elif (found := route(path)) is not None:
            await pages.respond(scope, send, *found)
        else:
            await files(scope, receive, send)

    def answer(method: bytes, path: str, headers: list):
        """A feed file's response without ASGI (``served.fastpath``); None for the pages and ``/db/``."""
        if path == PREFIX or in_db(path) or route(path) is not None:
            return None
        return files.answer(method, path, headers)

    app.answer = answer
    return app


class Pages:
    """Renders a page in a worker thread: the view, then its template (or the error page)."""

    def __init__(self, out_dir: Path, db_path: Path):
        self.db_path = db_path
        self.site = views.Site(FeedList(out_dir))
        self.env = environment(site_title="coopfeed", db_served=False)
        self._local = threading.local()

    async def error(self, scope, send, status: int, message: str) -> None:
        """Answer with the error page."""
        body = self.error_page(status, message)
        await _send(send, status, b"" if scope["method"] == "HEAD" else body, HEADERS, len(body))

    async def respond(self, scope, send, view: Callable, args: tuple) -> None:
        """Answer one request for a page (GET or HEAD)."""
        if scope["method"] not in ("GET", "HEAD"):
            status, body = 405, self.error_page(405, "Pages are read with GET.")
        else:
            params = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"),
                                    keep_blank_values=True))
            status, body = await asyncio.to_thread(self.page, view, params, args)
        headers = {**HEADERS, **({"allow": "GET, HEAD"} if status == 405 else {})}
        await _send(send, status, b"" if scope["method"] == "HEAD" else body, headers, len(body))

    def page(self, view: Callable, params: dict, args: tuple) -> tuple[int, bytes]:
        """(status, HTML) of a view; a 404/400 is an error page, anything else failing a 500 page."""
        try:
            found = view(self.site, self.store(), params, *args)
            return found.status, render(self.env, found.template, {"section": _section(view), **found.context})
        except views.HTTPError as exc:
            return exc.status, self.error_page(exc.status, exc.message)
        except Exception:
            logger.exception("page %s failed", view.__name__)
            return 500, self.error_page(500, "This page failed; the error is in the server's log.")

    def error_page(self, status: int, message: str) -> bytes:
        return render(self.env, "error.html", {"section": "", "status": status, "reason": reason(status),
                                               "message": message})

    def store(self) -> Store:
        """This thread's connection to the store."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.db_path)
        return store


def in_db(path: str) -> bool:
    """Whether a path is Datasette's (under ``/db/``)."""
    return path.startswith(PREFIX + "/")


def route(path: str) -> tuple[Callable, tuple] | None:
    """The view of a page path and its arguments (a topic name, an article id), or None."""
    for pattern, view in ROUTES:
        match = pattern.match(path)
        if match:
            return view, tuple(unquote(group) for group in match.groups())
    return None


def _section(view: Callable) -> str:
    return {"index": "topics", "topic": "topics", "search": "search", "sources": "sources"}.get(view.__name__, "")


async def _redirect(send, location: str, query: bytes) -> None:
    target = location + ("?" + query.decode("latin-1") if query else "")
    await _send(send, 301, b"", {"location": target, "content-type": "text/plain; charset=utf-8"}, 0)


async def _send(send, status: int, body: bytes, headers: dict, length: int) -> None:
    raw = [(key.encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
    raw.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
