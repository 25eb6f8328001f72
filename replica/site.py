"""The replica web: holds the articles and routes each request to the page that answers it.

``Replica`` keeps the hand-written articles, N generated ones per portal and,
with ``faults=True``, the broken pages; tests may edit or add articles while
it is being served. Lists are kept sorted (newest first) and only the
requested slice of a list is ever rendered, so a large replica stays fast.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qsl

from replica import hostile, responses
from replica.faults import CHAIN_HOPS, fault_articles
from replica.images import image_for
from replica.model import PORTALS, ReplicaArticle, load_articles, make_article
from replica.portals import hanweb, translate, trs, wordpress
from replica.portals.common import esc
from replica.responses import Response
from replica.synthetic import synthetic_articles

ROBOTS = "User-agent: *\nDisallow: /zj/private/\n"
PRIVATE = "/zj/private/"  # robots.txt keeps crawlers out; the column page links here
MAINTENANCE = "<html><head><title>系统维护</title></head><body><p>系统维护中，请稍后访问。</p></body></html>"
DRAFTS = "<html><head><title>Drafts</title></head><body><h1>Unpublished drafts</h1></body></html>"


class Replica:
    """All replica portals, their lists and pages."""

    def __init__(self, synthetic: int = 0, faults: bool = False, slow_seconds: float = 30.0,
                 hostile: bool = False):
        self.faults = faults
        self.hostile = hostile
        self.slow_seconds = slow_seconds
        #: Redesigns (layout drift): "<portal>" for its list pages (no datastore, article links of a new
        #: shape), "<portal>:articles" for its article pages (a new template, same addresses).
        self.drift: set[str] = set()
        #: Hanweb portals whose dataproxy answers a maintenance page (HTTP 200) instead of records.
        self.proxy_down: set[str] = set()
        self.lock = threading.Lock()
        articles = load_articles()
        oldest = {p: min(a.published for a in articles if a.portal == p) for p in PORTALS}
        articles += fault_articles() if faults else []
        for portal in PORTALS:
            articles += synthetic_articles(portal, synthetic, before=oldest[portal])
        self.articles: dict[str, ReplicaArticle] = {a.key: a for a in articles}
        self._listings: dict[str, list[ReplicaArticle]] = {}
        for portal in PORTALS:
            self._sort(portal)

    # -- content ---------------------------------------------------------------

    def listing(self, portal: str) -> list[ReplicaArticle]:
        """The portal's articles as its lists show them: newest first."""
        return self._listings[portal]

    def translated_listing(self) -> list[ReplicaArticle]:
        """The TRS articles that have an English translation, newest first."""
        return self._translated

    def edit_article(self, key: str, title: str | None = None, paragraphs: list[str] | None = None) -> ReplicaArticle:
        """Change an article's title or paragraphs; its Last-Modified moves on."""
        with self.lock:
            article = self.articles[key]
            if title is not None:
                article.title = title
            if paragraphs is not None:
                article.paragraphs = list(paragraphs)
            article.modified = max(time.time(), article.modified + 1)
            return article

    def fix_faults(self) -> list[ReplicaArticle]:
        """Repair every broken page (as a site's admin would); returns the articles repaired."""
        with self.lock:
            fixed = [article for article in self.articles.values() if article.fault]
            for article in fixed:
                article.fault = None
                article.modified = max(time.time(), article.modified + 1)
            return fixed

    def add_article(self, portal: str, **fields) -> ReplicaArticle:
        """Publish a new article on ``portal`` (fields as in the content files)."""
        with self.lock:
            article = make_article(portal, fields)
            article.modified = max(time.time(), article.modified)
            self.articles[article.key] = article
            self._sort(portal)
            return article

    def _sort(self, portal: str) -> None:
        """Rebuild one portal's list and the address and neighbour indexes (lists are replaced whole)."""
        listing = sorted((a for a in self.articles.values() if a.portal == portal),
                         key=lambda a: a.published, reverse=True)
        self._listings[portal] = listing
        self._by_path = {a.path: a for a in self.articles.values()}
        self._position = {a.key: i for p in self._listings.values() for i, a in enumerate(p)}
        self._translated = [a for a in self._listings.get("xznmx", []) if a.en]

    # -- HTTP --------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str, form: str, headers: dict[str, str],
               base_url: str) -> Response:
        """Answer one request (``headers`` with lowercased names)."""
        try:
            return self._route(method, path, query, form, headers, base_url)
        except ValueError:  # a number that is none in a query or form
            return responses.error(400, "Bad Request")

    def _route(self, method, path, query, form, headers, base_url) -> Response:
        params = dict(parse_qsl(query, keep_blank_values=True))
        if path == "/robots.txt":
            return Response(body=ROBOTS.encode(), content_type=responses.TEXT)
        if path == "/":
            return responses.html(self._home(base_url))
        if path.startswith(PRIVATE):
            return responses.html(DRAFTS)
        if path.startswith(("/hop/", "/loop/")):
            return self._redirect_fault(path)
        if self.hostile and path.startswith(hostile.PREFIX):
            return hostile.route(path, base_url)
        image = image_for(path)
        if image:
            return Response(body=image[0], content_type=image[1], headers={"Cache-Control": "max-age=86400"})
        portal = path.split("/")[1]
        if portal in hanweb.SITES:
            return self._hanweb(hanweb.SITES[portal], method, path, params, form, headers)
        if portal == "wttimes":
            return self._wordpress(path, headers, base_url)
        if portal == "xznmx":
            return self._trs(path, headers, base_url)
        if path == translate.PATH:
            return self._translate(params.get("query", ""), headers, base_url)
        return responses.not_found()

    def _hanweb(self, site, method, path, params, form, headers) -> Response:
        listing = self.listing(site.portal)
        if site.portal in self.drift and path in (hanweb.column_url(site), site.proxy_path):
            return responses.html(hanweb.redesigned_column_page(site, listing[:20]))
        if path in (site.prefix + "/", site.prefix + "/index.html"):
            return responses.html(hanweb.home_page(site, listing[:5]))
        if path == hanweb.column_url(site):
            return responses.html(hanweb.column_page(site, listing))
        if path == site.proxy_path:
            if site.portal in self.proxy_down:
                return responses.html(MAINTENANCE)
            return self._dataproxy(site, method, params, form, listing)
        redesigned = f"{site.portal}:articles" in self.drift
        return self._article(path, headers, lambda a: (hanweb.redesigned_article_page if redesigned
                                                       else hanweb.article_page)(site, a))

    def _dataproxy(self, site, method, params, form, listing) -> Response:
        """Records by screen page (GET ``page``) or by range (POST ``startrecord``/``endrecord``)."""
        values = {**params, **dict(parse_qsl(form, keep_blank_values=True))}
        if not hanweb.form_matches(site, values):
            listing = []
        per_page = int(values.get("perpage") or site.per_page)
        if method == "POST" and "startrecord" in values:
            start, end = int(values["startrecord"]), int(values["endrecord"])
            xml = hanweb.proxy_answer(site, listing, start, end, total_first=True, next_page=None)
        else:
            page = max(1, int(values.get("page") or 1))
            start, end = (page - 1) * per_page + 1, page * per_page
            next_page = page + 1 if end < len(listing) else None
            xml = hanweb.proxy_answer(site, listing, start, end, total_first=False, next_page=next_page)
        return Response(body=xml.encode("utf-8"), content_type=responses.XML_UTF8)

    def _wordpress(self, path, headers, base_url) -> Response:
        listing = self.listing("wttimes")
        if path == wordpress.PREFIX + "/feed/":
            return Response(body=wordpress.feed(listing, base_url).encode("utf-8"), content_type=responses.RSS)
        page = 1 if path == wordpress.PREFIX + "/" else _number_in(path, wordpress.PREFIX + "/page/", "/")
        if page is not None:
            text = wordpress.archive_page(listing, page)
            return responses.html(text) if text else responses.not_found()
        return self._article(path, headers, lambda a: wordpress.post_page(a, listing, base_url, self._older(a)))

    def _trs(self, path, headers, base_url, english: bool = False) -> Response:
        listing = self.translated_listing() if english else self.listing("xznmx")
        if path.startswith(trs.COLUMN + "/index"):
            page = 0 if path == trs.list_url(0) else _number_in(path, trs.COLUMN + "/index_", ".html")
            text = trs.list_page(listing, page, base_url, english) if page is not None else None
            return responses.html(text) if text else responses.not_found()
        if english:
            article = self._by_path.get(path)
            if article is None or not article.en:
                return responses.not_found()
        return self._article(path, headers, lambda a: trs.article_page(a, base_url, english=english), english)

    def _translate(self, original: str, headers, base_url) -> Response:
        """The translate wrapper: the English version of a TRS page of this server."""
        path = translate.original_path(original, base_url)
        if path is None or not path.startswith(trs.PREFIX + "/"):
            return responses.not_found()
        return self._trs(path, headers, base_url, english=True)

    def _article(self, path, headers, render, translated: bool = False) -> Response:
        """An article page (or its fault), with ETag and Last-Modified; GBK pages as GB18030 bytes."""
        article = self._by_path.get(path)
        if article is None or article.fault == "404":
            return responses.not_found()
        if article.fault == "500":
            return responses.error(500, "Internal Server Error")
        if article.fault == "loop":
            return responses.redirect(f"/loop/{article.key}")
        if article.fault == "chain":
            return responses.redirect(f"/hop/1/{article.key}")
        text = trs.soup_page(article) if article.fault == "soup" else render(article)
        if article.fault == "truncated":
            text = text[: text.index("<body>") + 40]
        gbk = article.gbk and not translated
        response = Response(body=text.encode("gb18030") if gbk else text.encode("utf-8"),
                            content_type=responses.HTML_NO_CHARSET if gbk else responses.HTML_UTF8,
                            delay=self.slow_seconds if article.fault == "slow" else 0.0)
        return responses.conditional(response, article.modified, headers)

    def _redirect_fault(self, path: str) -> Response:
        """``/loop/<key>`` sends back to the article; ``/hop/N/<key>`` to hop N+1, the last to the article."""
        parts = path.strip("/").split("/")
        article = self.articles.get(parts[-1])
        if article is None:
            return responses.not_found()
        if parts[0] == "hop" and parts[1].isdigit() and int(parts[1]) < CHAIN_HOPS:
            return responses.redirect(f"/hop/{int(parts[1]) + 1}/{article.key}")
        return responses.redirect(article.path)

    def _older(self, article: ReplicaArticle) -> ReplicaArticle | None:
        """The next older article of the same portal."""
        listing = self.listing(article.portal)
        position = self._position.get(article.key, len(listing)) + 1
        return listing[position] if position < len(listing) else None

    def _home(self, base_url: str) -> str:
        """The index page: every portal's start page."""
        starts = [("Zhejiang Provincial People's Government: NEWS (Hanweb JCMS)", hanweb.column_url(hanweb.ZJ)),
                  ("Shaoxing: Hot News (Hanweb JCMS)", hanweb.column_url(hanweb.SX)),
                  ("WT Times (WordPress)", wordpress.PREFIX + "/"),
                  ("WT Times feed (RSS)", wordpress.PREFIX + "/feed/"),
                  ("尼玛县人民政府：援藏动态 (TRS WCM)", trs.list_url(0)),
                  ("Nima County: Tibet Aid News (translate wrapper)", translate.wrap(base_url, trs.list_url(0)))]
        items = "\n".join(f'<li><a href="{esc(href)}">{esc(name)}</a></li>' for name, href in starts)
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>coopfeed replica</title></head>'
                f'<body><h1>coopfeed replica</h1><p>Our own pages in the structure of the source portals.</p>'
                f'<ul>\n{items}\n</ul></body></html>')


def _number_in(path: str, prefix: str, suffix: str) -> int | None:
    """The number between ``prefix`` and ``suffix`` in ``path``, or None."""
    if not path.startswith(prefix) or not path.endswith(suffix):
        return None
    number = path[len(prefix): len(path) - len(suffix)]
    return int(number) if number.isdigit() else None
