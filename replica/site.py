"""The replica web: routes a request to the portal renderer that answers it.

``Replica`` holds the articles (hand-written, generated, and the broken
pages when ``faults=True``), answers requests, and lets tests edit or add
articles while it is being served.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qs

from replica.images import image_for
from replica.model import PORTALS, ReplicaArticle, fault_articles, load_articles, make_article, synthetic_articles
from replica.portals import hanweb, trs, wordpress

ROBOTS = "User-agent: *\nDisallow: /zj/private/\n"
HTML_UTF8 = "text/html; charset=utf-8"


@dataclass
class Response:
    """What the server sends back."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_UTF8
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class Replica:
    """All replica portals, their lists and pages."""

    def __init__(self, synthetic: int = 0, faults: bool = False, slow_seconds: float = 30.0):
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        articles = load_articles() + (fault_articles() if faults else [])
        for portal in PORTALS:
            articles += synthetic_articles(portal, synthetic)
        self.articles: dict[str, ReplicaArticle] = {a.key: a for a in articles}
        self._index()

    # -- content --------------------------------------------------------------

    def listing(self, portal: str) -> list[ReplicaArticle]:
        """The portal's articles as its lists show them: newest first."""
        return self._listings[portal]

    def edit_article(self, key: str, title: str | None = None, paragraphs: list[str] | None = None) -> ReplicaArticle:
        """Change an article (its Last-Modified moves on)."""
        with self.lock:
            article = self.articles[key]
            if title is not None:
                article.title = title
            if paragraphs is not None:
                article.paragraphs = list(paragraphs)
            article.modified = max(time.time(), article.modified + 1)
            return article

    def add_article(self, portal: str, **fields) -> ReplicaArticle:
        """Publish a new article on a portal."""
        with self.lock:
            article = make_article(portal, fields)
            article.modified = time.time()
            self.articles[article.key] = article
            self._index()
            return article

    def _index(self) -> None:
        self._listings = {portal: sorted((a for a in self.articles.values() if a.portal == portal),
                                         key=lambda a: a.published, reverse=True) for portal in PORTALS}
        self._by_path = {a.path: a for a in self.articles.values()}

    # -- HTTP -------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str, form: str, headers: dict, base_url: str) -> Response:
        """Answer one request."""
        if path == "/robots.txt":
            return Response(body=ROBOTS.encode(), content_type="text/plain; charset=utf-8")
        if path == "/":
            return Response(body=self._home().encode())
        found = image_for(path)
        if found and not path.startswith("/zj/private"):
            return Response(body=found[0], content_type=found[1], headers={"Cache-Control": "max-age=86400"})
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if path.startswith("/zj/") or path.startswith("/sx/"):
            site = hanweb.ZJ if path.startswith("/zj/") else hanweb.SX
            return self._hanweb(site, method, path, params, form, headers)
        if path.startswith(wordpress.PREFIX + "/"):
            return self._wordpress(path, headers, base_url)
        if path.startswith(trs.PREFIX + "/"):
            return self._trs(path, headers, base_url)
        if path == "/translate/transpage":
            return self._translate(params.get("query", ""), headers, base_url)
        return not_found()

    def _hanweb(self, site, method, path, params, form, headers) -> Response:
        portal = site.prefix.strip("/")
        listing = self.listing(portal)
        if path == hanweb.column_url(site):
            return Response(body=hanweb.column_page(site, listing).encode())
        if path == site.proxy_path:
            return self._dataproxy(site, method, params, form, listing)
        return self._article(path, headers, lambda a: hanweb.article_page(site, a))

    def _dataproxy(self, site, method, params, form, listing) -> Response:
        values = {**params, **{k: v[-1] for k, v in parse_qs(form).items()}}
        if (values.get("webid"), values.get("columnid"), values.get("unitid")) != (
                str(site.webid), str(site.column), str(site.unitid)):
            listing = []
        per_page = int(values.get("perpage") or site.per_page)
        if method == "POST" and "startrecord" in values:
            start, end = int(values["startrecord"]), int(values["endrecord"])
            xml = hanweb.proxy_answer(site, listing, start, end, total_first=True, next_page=None)
        else:
            page = max(1, int(values.get("page") or 1))
            start, end = (page - 1) * per_page + 1, page * per_page
            more = end < len(listing)
            xml = hanweb.proxy_answer(site, listing, start, end, total_first=False, next_page=page + 1 if more else None)
        return Response(body=xml.encode(), content_type="text/xml;charset=UTF-8")

    def _wordpress(self, path, headers, base_url) -> Response:
        listing = self.listing("wttimes")
        if path == wordpress.PREFIX + "/feed/":
            return Response(body=wordpress.feed(listing, base_url).encode(),
                            content_type="application/rss+xml; charset=UTF-8")
        page = 1 if path == wordpress.PREFIX + "/" else _page_number(path, wordpress.PREFIX + "/page/")
        if page:
            html = wordpress.archive_page(listing, page)
            return Response(body=html.encode()) if html else not_found()
        return self._article(path, headers, lambda a: wordpress.post_page(a, listing))

    def _trs(self, path, headers, base_url, english: bool = False) -> Response:
        listing = self.listing("xznmx")
        if english:
            listing = [a for a in listing if a.en]
        if path.startswith(trs.COLUMN + "/index"):
            page = 0 if path == trs.list_url(0) else _page_number(path, trs.COLUMN + "/index_", suffix=".html")
            html = trs.list_page(listing, page, base_url, english) if page is not None else None
            return Response(body=html.encode()) if html else not_found()
        if english:
            article = self._by_path.get(path)
            if not article or not article.en:
                return not_found()
            return self._article(path, headers, lambda a: trs.article_page(a, base_url, english=True))
        return self._article(path, headers, lambda a: trs.article_page(a, base_url), trs_soup=True)

    def _translate(self, original: str, headers, base_url) -> Response:
        if not original.startswith(base_url + trs.PREFIX + "/"):
            return not_found()
        return self._trs(original[len(base_url):].split("?")[0], headers, base_url, english=True)

    def _article(self, path, headers, render, trs_soup: bool = False) -> Response:
        article = self._by_path.get(path)
        if article is None or article.fault == "404":
            return not_found()
        if article.fault == "500":
            return Response(status=500, body=b"<html><body><h1>Internal Server Error</h1></body></html>")
        if article.fault == "soup":
            return Response(body=trs.soup_page(article, "").encode())
        html = render(article)
        if article.fault == "truncated":
            html = html[: html.index("<body>") + 40]
        body = html.encode("gb18030") if article.gbk else html.encode("utf-8")
        response = Response(body=body, content_type="text/html" if article.gbk else HTML_UTF8,
                            delay=self.slow_seconds if article.fault == "slow" else 0.0)
        return conditional(response, article.modified, headers)

    def _home(self) -> str:
        links = [("Zhejiang NEWS (Hanweb)", hanweb.column_url(hanweb.ZJ)),
                 ("Shaoxing Hot News (Hanweb)", hanweb.column_url(hanweb.SX)),
                 ("WT Times (WordPress)", wordpress.PREFIX + "/"), ("Nima County 援藏动态 (TRS)", trs.list_url(0))]
        items = "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in links)
        return f"<!DOCTYPE html><html><head><title>coopfeed replica</title></head><body><h1>coopfeed replica</h1><ul>{items}</ul></body></html>"


def conditional(response: Response, modified: float, headers: dict) -> Response:
    """Add a strong ETag and Last-Modified; 304 when the client's copy is current."""
    etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
    response.headers.update({"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True)})
    if headers.get("if-none-match"):
        if etag in [tag.strip() for tag in headers["if-none-match"].split(",")]:
            return Response(status=304, headers=response.headers)
        return response
    since = headers.get("if-modified-since")
    if since:
        try:
            if int(modified) <= parsedate_to_datetime(since).timestamp():
                return Response(status=304, headers=response.headers)
        except (TypeError, ValueError):
            pass
    return response


def not_found() -> Response:
    return Response(status=404, body=b"<html><body><h1>404 Not Found</h1></body></html>")


def _page_number(path: str, prefix: str, suffix: str = "/") -> int | None:
    if not path.startswith(prefix) or not path.endswith(suffix):
        return None
    number = path[len(prefix): len(path) - len(suffix)]
    return int(number) if number.isdigit() else None
