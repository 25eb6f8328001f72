"""HTTP answers of the replica: the Response record, conditional GETs, error pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime

HTML_UTF8 = "text/html; charset=utf-8"
HTML_NO_CHARSET = "text/html"  # GBK pages: the charset is only in their <meta>
XML_UTF8 = "text/xml;charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
TEXT = "text/plain; charset=utf-8"


@dataclass
class Response:
    """What the server sends back; ``delay`` seconds pass before it is sent."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_UTF8
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


def html(text: str, status: int = 200) -> Response:
    """A UTF-8 HTML page."""
    return Response(status=status, body=text.encode("utf-8"))


def error(status: int, reason: str) -> Response:
    """A plain error page."""
    page = (f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
            f"<body><h1>{status} {reason}</h1></body></html>")
    return html(page, status)


def redirect(location: str, status: int = 302) -> Response:
    """A redirect to ``location`` (a path on this server)."""
    return Response(status=status, body=b"", headers={"Location": location})


def not_found() -> Response:
    return error(404, "Not Found")


def conditional(response: Response, modified: float, headers: dict[str, str]) -> Response:
    """Add a strong ETag and Last-Modified; answer 304 when the client's copy is current.

    ``headers`` has lowercased names. If-None-Match wins over If-Modified-Since (RFC 9110).
    """
    etag = '"' + hashlib.sha256(response.body).hexdigest()[:24] + '"'
    response.headers.update({"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)})
    not_modified = Response(status=304, content_type=response.content_type, headers=response.headers)
    if "if-none-match" in headers:
        tags = [tag.strip() for tag in headers["if-none-match"].split(",")]
        return not_modified if etag in tags or "*" in tags else response
    since = headers.get("if-modified-since")
    if since:
        try:
            if int(modified) <= parsedate_to_datetime(since).timestamp():
                return not_modified
        except (TypeError, ValueError):
            pass
    return response
