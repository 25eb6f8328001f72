"""Hostile pages and a hostile feed under ``/hostile/``, for the tests of coopfeed's limits.

Served when the replica is built with ``hostile=True`` (``coopfeed replica serve
--hostile``). The list page ``/hostile/`` links one good article and one page
per attack; ``/hostile/feed.xml`` carries entries whose links are
``javascript:`` and ``data:`` addresses beside a good one. ``HOSTILE`` maps
each page to the failure kind a correct crawl records for it.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from replica import responses
from replica.portals.common import esc
from replica.responses import Response

PREFIX = "/hostile"
GOOD = f"{PREFIX}/2024/05/01/zhejiang-sends-doctors-to-aksu-county.html"
GOOD_TITLE = "Zhejiang sends a second team of doctors to Aksu county"
GOOD_TEXT = ("A team of twelve doctors from hospitals in Hangzhou and Ningbo arrived in Aksu on Monday to work "
             "for eighteen months in the county hospital and three township clinics. The team will train local "
             "staff in emergency care and run weekly clinics for herders in the mountain villages.")
ZERO_MEMBER = 64 * 1024 * 1024  # bytes of zeros per gzip member of a bomb
#: Path -> (title, failure kind a correct crawl records).
HOSTILE = {
    f"{PREFIX}/2024/05/02/gzip-bomb-of-fifty-megabytes.html": ("A gzip bomb of fifty megabytes", "too_large"),
    f"{PREFIX}/2024/05/03/gzip-bomb-of-two-gigabytes.html": ("A gzip bomb of two gigabytes", "too_large"),
    f"{PREFIX}/2024/05/04/a-page-of-ten-megabytes.html": ("A page of ten megabytes of text", "too_large"),
    f"{PREFIX}/2024/05/05/nested-fifty-thousand-levels-deep.html": ("Nested fifty thousand levels deep", "too_large"),
    f"{PREFIX}/2024/05/06/refresh-to-javascript.html": ("A meta refresh to a javascript address", "redirect"),
    f"{PREFIX}/2024/05/07/refresh-loop.html": ("A meta refresh that comes back to itself", "redirect"),
    f"{PREFIX}/2024/05/08/redirect-loop.html": ("A redirect that comes back to itself", "redirect"),
}
FEED_LINKS = {"javascript:alert(document.cookie)": "link", "data:text/html,<script>alert(1)</script>": "link"}


def route(path: str, base_url: str) -> Response:
    """The answer for a path under ``/hostile/``."""
    if path in (PREFIX, PREFIX + "/"):
        return responses.html(_list_page())
    if path == PREFIX + "/feed.xml":
        return Response(body=_feed(base_url).encode("utf-8"), content_type=responses.RSS)
    if path == GOOD:
        return responses.html(_article(GOOD_TITLE, f"<p>{GOOD_TEXT}</p>"))
    if path.endswith("/refresh-back.html"):
        return responses.html(_refresh(f"{PREFIX}/2024/05/07/refresh-loop.html"))
    return _attack(path)


def _attack(path: str) -> Response:
    name = path.rsplit("/", 1)[-1]
    if name == "gzip-bomb-of-fifty-megabytes.html":
        return _bomb(50 * 1024 * 1024)
    if name == "gzip-bomb-of-two-gigabytes.html":
        return _bomb(2 * 1024 * 1024 * 1024)
    if name == "a-page-of-ten-megabytes.html":
        return responses.html(_article("A page of ten megabytes of text", f"<p>{GOOD_TEXT}</p>" * 40_000))
    if name == "nested-fifty-thousand-levels-deep.html":
        return responses.html(_article("Nested fifty thousand levels deep",
                                       "<div>" * 50_000 + f"<p>{GOOD_TEXT}</p>" + "</div>" * 50_000))
    if name == "refresh-to-javascript.html":
        return responses.html(_refresh("javascript:alert(document.cookie)"))
    if name == "refresh-loop.html":
        return responses.html(_refresh(f"{PREFIX}/2024/05/07/refresh-back.html"))
    if name == "redirect-loop.html":
        return responses.redirect(path + "?again=1")  # and from there to the same address again
    return responses.not_found()


def _bomb(size: int) -> Response:
    """``size`` bytes of zeros, gzip-compressed (a few MB on the wire), as an HTML page."""
    members, rest = divmod(size, ZERO_MEMBER)
    body = _zeros(ZERO_MEMBER) * members + (gzip.compress(b"\0" * rest, 1, mtime=0) if rest else b"")
    return Response(body=body, headers={"Content-Encoding": "gzip"})


@lru_cache(maxsize=2)
def _zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, 9, mtime=0)


def _list_page() -> str:
    links = [(GOOD, GOOD_TITLE)] + [(path, title) for path, (title, _) in HOSTILE.items()]
    items = "".join(f'<li><a href="{path}">{esc(title)}</a></li>' for path, title in links)
    return f"<!DOCTYPE html><html><head><title>Hostile news</title></head><body><h1>News</h1><ul>{items}</ul></body></html>"


def _article(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta property="article:published_time" content="2024-05-01T10:00:00+08:00"></head>'
            f"<body><article><h1>{esc(title)}</h1>{body}</article></body></html>")


def _refresh(target: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url={esc(target)}">'
            f"<title>Moved</title></head><body><p>Moved.</p></body></html>")


def _feed(base_url: str) -> str:
    entries = [(GOOD_TITLE, base_url + GOOD)] + [(f"Entry with a {link.split(':')[0]} link", link)
                                                 for link in FEED_LINKS]
    items = "".join(f"<item><title>{esc(title)}</title><link>{esc(link)}</link><guid>{esc(link)}</guid>"
                    f"<pubDate>Wed, 01 May 2024 02:00:00 GMT</pubDate><description>{esc(GOOD_TEXT)}</description>"
                    f"</item>" for title, link in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Hostile feed</title>'
            f"<link>{base_url}{PREFIX}/</link><description>Hostile entries</description>{items}</channel></rss>")
