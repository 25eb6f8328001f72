"""SourceSpider: what every profile spider shares.

A spider crawls ONE source: it reads list pages (the subclass finds the
article links and the next list page), fetches each article it has not
stored yet exactly once, and hands the page to ``crawler.extract``. Fetch and
extraction failures become ``FailureItem``s: the crawl goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from coopfeed.errors import CoopfeedError, ExtractionError
from crawler.extract import extract
from crawler.extract.urls import canonical_url, is_translation
from crawler.items import ArticleItem, FailureItem
from crawler.listings import ListLink
from crawler.sources import Source, load_sources
from storage import Store, item_id

logger = logging.getLogger(__name__)

#: Scheduler priority of list pages over article pages.
LIST_PRIORITY = 10


class SourceSpider(Spider):
    """Base spider; subclasses implement ``parse_listing`` for their CMS."""

    #: The extraction profile used for article pages ("auto" recognises the CMS).
    extract_profile = "auto"

    def __init__(self, source: Source, known_ids: set[str], *, retry_urls: list[str] | None = None,
                 refresh: bool = False, full_listing: bool = False, **kwargs: Any):
        super().__init__(name=self.name, **kwargs)
        self.source = source
        self.known_ids = known_ids
        self.retry_urls = retry_urls or []
        self.refresh = refresh
        self.full_listing = full_listing
        self.allowed_domains = sorted(source.allowed_hosts)
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, source: Source | str | None = None, **kwargs: Any):
        """Resolve the source (object, or a name in COOPFEED_CONFIG), apply its settings."""
        settings = crawler.settings
        source = _resolve_source(source, settings.get("COOPFEED_CONFIG"), cls.name)
        settings.set("DOWNLOAD_DELAY", source.download_delay, priority="spider")
        settings.set("DOWNLOAD_TIMEOUT", source.timeout, priority="spider")
        refresh = settings.getbool("COOPFEED_REFRESH")
        known, retry, stored = _stored_state(settings.get("COOPFEED_DB"), source.name)
        if any(is_translation(url) for url in source.start_urls):
            retry = []  # failures hold the unwrapped address: re-fetching it would get the original
        full = settings.getbool("COOPFEED_FULL_LISTING") or not stored  # a first crawl reads every page
        spider = cls(source, set() if refresh else known, retry_urls=retry, refresh=refresh,
                     full_listing=full, **kwargs)
        spider._set_crawler(crawler)
        return spider

    async def start(self):
        for url in self.source.start_urls:
            yield self.listing_request(url, page=1)
        for request in self.follow_articles(ListLink(url) for url in self.retry_urls):
            yield request  # articles whose fetch failed last time

    # -- list pages -------------------------------------------------------

    def listing_request(self, url: str, page: int, **kwargs: Any) -> Request:
        """A request for a list page, numbered from 1 for this source; list pages go first
        (``LIST_PRIORITY``): paging is a chain, articles can wait."""
        meta = {"list_page": page, **kwargs.pop("meta", {})}
        return Request(url, callback=kwargs.pop("callback", self.parse_listing), errback=self.failed,
                       meta=meta, priority=LIST_PRIORITY, **kwargs)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def follow_articles(self, links: Iterable[ListLink]) -> list[Request]:
        """Requests for the links not stored yet and not requested in this crawl."""
        requests = []
        for link in links:
            canonical = canonical_url(link.url)
            if self.is_known(link.url) or canonical in self.requested:
                self.crawler.stats.inc_value("coopfeed/known_skipped")
                continue
            self.requested.add(canonical)
            requests.append(Request(link.url, callback=self.parse_article, errback=self.failed,
                                    meta={"list_title": link.title}))
        return requests

    def is_known(self, url: str) -> bool:
        """Whether the article at ``url`` is stored already (by any source)."""
        translated = is_translation(url)
        return item_id(canonical_url(url), self.source.language, translated) in self.known_ids

    def fan_out(self) -> bool:
        """Request every list page at once (first crawl, ``--full``) instead of page by page."""
        return self.full_listing or self.refresh

    def keep_listing(self, new_links: int, page: int) -> bool:
        """Whether to read list page ``page + 1``: stop at the page limit or a page with nothing new."""
        if self.source.max_list_pages and page >= self.source.max_list_pages:
            return False
        return self.full_listing or self.refresh or new_links > 0

    # -- article pages ----------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[ArticleItem | FailureItem]:
        """Extract the page; a page with no article becomes a recorded failure."""
        try:
            article = extract(
                response.body, response.url, profile=self.extract_profile,
                timezone=self.source.timezone, language=self.source.language,
                selectors=self.source.selectors or None,
                content_type=_header(response, "Content-Type"),
            )
        except ExtractionError as exc:
            yield self.failure(response.url, str(exc), kind=exc.field)
            return
        except CoopfeedError as exc:
            yield self.failure(response.url, str(exc), kind="parse")
            return
        except Exception as exc:  # an extractor bug must not stop the crawl
            logger.debug("extraction crashed on %s", response.url, exc_info=True)
            yield self.failure(response.url, f"extraction crashed: {type(exc).__name__}: {exc}", kind="parse")
            return
        yield ArticleItem(self.source.name, article.to_dict(), is_translation(response.url),
                          list(article.problems))

    # -- failures -----------------------------------------------------------

    def failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Errback: turn a fetch failure into one recorded failure."""
        request = failure.request
        kind, reason = describe_failure(failure, request.meta.get("download_timeout"))
        if request.meta.get("list_page"):
            reason = f"list page: {reason}"
        yield self.failure(request.url, reason, kind=kind)

    def failure(self, url: str, reason: str, kind: str) -> FailureItem:
        return FailureItem(self.source.name, canonical_url(url), reason, kind)


def describe_failure(failure: Failure, timeout: float | None) -> tuple[str, str]:
    """(kind, one-line reason) for a download failure."""
    if failure.check(HttpError):
        response = failure.value.response
        return "http", f"HTTP {response.status}"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout", f"no answer within {timeout or '?'} s"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "fetch", "host name not found"
    if failure.check(DownloadConnectionRefusedError, ConnectError):
        return "fetch", "connection refused or failed"
    if failure.check(ResponseDataLossError):
        return "fetch", "the connection closed before the whole page arrived"
    if failure.check(IgnoreRequest):
        return "robots", f"not fetched: {failure.value or 'forbidden by robots.txt'}"
    return "fetch", f"{type(failure.value).__name__}: {failure.value}".strip()


def _resolve_source(source: Source | str | None, config: str | None, profile: str) -> Source:
    if isinstance(source, Source):
        return source
    if not source:
        raise CoopfeedError(f"spider {profile!r} needs a source: scrapy crawl {profile} -a source=NAME")
    sources = load_sources(config or "sources.toml")
    if source not in sources:
        raise CoopfeedError(f"{config}: no source named {source!r}")
    return sources[source]


def _stored_state(db_path: str | None, source: str) -> tuple[set[str], list[str], int]:
    """(ids of the items already stored, URLs whose fetch failed before, items of this source)."""
    store = Store(db_path or "coopfeed.db")
    try:
        count = store.db.execute("select count(*) from items where source = ?", [source]).fetchone()[0]
        return store.known_ids(), store.retry_urls(source), count
    finally:
        store.close()


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
