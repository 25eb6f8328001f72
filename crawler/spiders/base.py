"""SourceSpider: what every profile spider shares.

A spider crawls ONE source: it reads list pages (the subclass finds the
article links and the next list page), fetches each article it has not
stored yet exactly once, and hands the page to ``crawler.extract``. Fetch and
extraction failures become ``FailureItem``s: the crawl goes on. Article pages
that failed before and are due again (``failed_pages``) are requested too.

Counters in the crawl stats (``coopfeed/<name>``): ``links`` (article links
on the list pages, stored or not), ``list_pages``, ``list_failed``,
``list_error`` (the first list failure), ``known_skipped``.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from collections.abc import AsyncIterator, Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotSupported,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from coopfeed.errors import CoopfeedError, ExtractionError
from coopfeed.htmlpolicy import is_web_url
from crawler.extract.urls import canonical_url, is_translation
from crawler.items import ArticleItem, FailureItem
from crawler.listings import ListLink
from crawler.sources import Source, find_source
from crawler.workers import shared_extractor
from storage import Store, item_id

logger = logging.getLogger(__name__)

#: Scheduler priority of list pages over article pages.
LIST_PRIORITY = 10
#: Fewest words (a CJK character counts as one) a body needs to be an article, by profile:
#: fewer is a truncated or empty page ("Site nav"), recorded as a ``body`` failure.
MIN_BODY_WORDS = {"generic": 15, "feed": 8}
DEFAULT_MIN_BODY_WORDS = 8
#: DOWNLOAD_WARNSIZE: a page this big is logged (the limit, DOWNLOAD_MAXSIZE, is per source).
WARN_SIZE = 5_000_000
WORD_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u9fff\uf900-\ufaff]+")


class SourceSpider(Spider):
    """Base spider; subclasses implement ``parse_listing`` for their CMS."""

    #: The extraction profile used for article pages ("auto" recognises the CMS).
    extract_profile = "auto"

    def __init__(self, source: Source, known_ids: set[str], *, retry_urls: list[str] | None = None,
                 refresh: bool = False, full_listing: bool = False, **kwargs: Any):
        super().__init__(name=source.name, **kwargs)  # the instance is named after its source (logs, queues)
        self.source = source
        self.known_ids = known_ids
        self.retry_urls = retry_urls or []
        self.refresh = refresh
        self.full_listing = full_listing
        self.allowed_domains = sorted(source.allowed_hosts)
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, source: Source | str | None = None, **kwargs: Any):
        """Resolve the source (object, or a name in COOPFEED_CONFIG), apply its settings.

        A first crawl, ``--full``, or a crawl after one that was interrupted or did not read
        its listing to the end reads every list page.
        """
        settings = crawler.settings
        source = _resolve_source(source, settings.get("COOPFEED_CONFIG"), cls.name)
        _apply_budgets(settings, source)
        full = settings.getbool("COOPFEED_FULL_LISTING")
        if settings.get("COOPFEED_CLUSTER"):
            from crawler.cluster import round_state

            state = round_state(settings.get("COOPFEED_CLUSTER"), source.name)
        else:
            state = stored_state(settings.get("COOPFEED_DB"), source.name, include_given_up=full)
        refresh = settings.getbool("COOPFEED_REFRESH") or state.refresh
        spider = cls(source, set() if refresh else state.known, retry_urls=state.retry_urls, refresh=refresh,
                     full_listing=full or state.full_listing, **kwargs)
        spider._set_crawler(crawler)
        spider.extractor = shared_extractor(_workers(settings), settings.getint("COOPFEED_WORKER_MEMORY_MB"))
        return spider

    def start_round(self, state: StoredState) -> None:
        """A new round for a spider that outlives one (a cluster worker's): its flags, nothing requested yet."""
        self.refresh = state.refresh
        self.full_listing = state.full_listing
        self.known_ids = set() if state.refresh else state.known
        self.requested = set()

    async def start(self):
        if self.settings.get("COOPFEED_CLUSTER"):
            return  # a cluster worker takes its start requests from the queue (`coopfeed cluster seed`)
        for url in self.source.start_urls:
            yield self.listing_request(url, page=1)
        for request in self.follow_articles((ListLink(url) for url in self.retry_urls), listed=False):
            yield request  # article pages that failed before and are due again

    # -- list pages -------------------------------------------------------

    def listing_request(self, url: str, page: int, **kwargs: Any) -> Request:
        """A request for a list page, numbered from 1 for this source; list pages go first
        (``LIST_PRIORITY``): paging is a chain, articles can wait."""
        meta = {"list_page": page, **kwargs.pop("meta", {})}
        self.count("list_pages")
        return Request(url, callback=kwargs.pop("callback", self.parse_listing), errback=self.failed,
                       meta=meta, priority=LIST_PRIORITY, **kwargs)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def follow_articles(self, links: Iterable[ListLink], listed: bool = True) -> list[Request]:
        """Requests for the links not stored yet and not requested in this crawl (``listed``: links
        found on a list page, counted as the source's ``links``)."""
        requests = []
        links = list(links)
        if hasattr(self.known_ids, "prefetch"):  # a cluster's ids in Redis: one call for the whole page
            self.known_ids.prefetch([self.item_id_of(link.url) for link in links])
        for link in links:
            if listed:
                self.count("links")
            canonical = canonical_url(link.url)
            if self.is_known(link.url) or canonical in self.requested:
                self.count("known_skipped")
                continue
            self.requested.add(canonical)
            meta = {"list_title": link.title} if listed else {"retry": True}
            requests.append(Request(link.url, callback=self.parse_article, errback=self.failed, meta=meta))
        return requests

    def is_known(self, url: str) -> bool:
        """Whether the article at ``url`` is stored already (by any source)."""
        return self.item_id_of(url) in self.known_ids

    def item_id_of(self, url: str) -> str:
        """The id the article at ``url`` is (or would be) stored under."""
        return item_id(canonical_url(url), self.source.language, is_translation(url))

    def fan_out(self) -> bool:
        """Request every list page at once (first crawl, ``--full``) instead of page by page."""
        return self.full_listing or self.refresh

    def keep_listing(self, new_links: int, page: int) -> bool:
        """Whether to read list page ``page + 1``: stop at the page limit or a page with nothing new."""
        if self.source.max_list_pages and page >= self.source.max_list_pages:
            return False
        return self.full_listing or self.refresh or new_links > 0

    # -- article pages ----------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ArticleItem | FailureItem]:
        """Extract the page (in a worker process, within the source's budgets); a page with no article
        becomes a recorded failure."""
        source = self.source
        try:
            article = await self.extractor.extract(
                response.body, response.url, timeout=source.extract_timeout,
                max_bytes=int(source.max_extract_mb * 1_000_000), profile=self.extract_profile,
                timezone=source.timezone, language=source.language, selectors=source.selectors or None,
                content_type=_header(response, "Content-Type"),
            )
        except ExtractionError as exc:
            yield self.failure(response.url, str(exc), kind=exc.field, meta=response.meta)
            return
        except CoopfeedError as exc:
            yield self.failure(response.url, str(exc), kind="parse", meta=response.meta)
            return
        except Exception as exc:  # an extractor bug must not stop the crawl
            logger.debug("extraction crashed on %s", response.url, exc_info=True)
            yield self.failure(response.url, f"extraction crashed: {type(exc).__name__}: {exc}", kind="parse",
                               meta=response.meta)
            return
        words = len(WORD_RE.findall(article.text or ""))
        if words < MIN_BODY_WORDS.get(self.source.profile, DEFAULT_MIN_BODY_WORDS):
            yield self.failure(response.url, f"the body is implausibly short ({words} words): an empty or "
                               "truncated page", kind="body", meta=response.meta)
            return
        yield ArticleItem(self.source.name, article.to_dict(), is_translation(response.url),
                          list(article.problems), fetch_url=response.url,
                          request_key=response.meta.get("coopfeed_key"))

    # -- failures -----------------------------------------------------------

    def failed(self, failure: Failure) -> Iterator[FailureItem]:
        """Errback: turn a fetch failure into one recorded failure."""
        request = failure.request
        kind, reason = describe_failure(failure, request.meta.get("download_timeout"))
        first = (request.meta.get("redirect_urls") or [request.url])[0]  # the address that was listed
        yield self.failure(first, reason, kind=kind, meta=request.meta)

    def failure(self, url: str, reason: str, kind: str, meta: dict | None = None) -> FailureItem:
        """A page that gave no article (``meta``: its request's, which tells a list page or a retry);
        a list page's failure also marks the listing incomplete."""
        meta = meta or {}
        list_page = bool(meta.get("list_page"))
        if list_page:
            self.count("list_failed")
            if not self.crawler.stats.get_value("coopfeed/list_error"):
                self.crawler.stats.set_value("coopfeed/list_error", reason)
            reason = f"list page: {reason}"
        key = meta.get("coopfeed_key")
        if not is_web_url(url):  # an address no crawl can fetch (javascript:, data:): recorded, never retried
            return FailureItem(self.source.name, url[:500], reason, kind, request_key=key)
        canonical = canonical_url(url)
        return FailureItem(self.source.name, canonical, reason, kind, fetch_url=url, list_page=list_page,
                           retry=bool(meta.get("retry")),
                           item_id=item_id(canonical, self.source.language, is_translation(url)), request_key=key)

    def count(self, name: str, value: int = 1) -> None:
        """Add to the ``coopfeed/<name>`` counter of this crawl's stats (none when seeding a cluster)."""
        if getattr(self, "crawler", None) is not None:
            self.crawler.stats.inc_value(f"coopfeed/{name}", value)


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
    if failure.check(DownloadCancelledError) and "max size" in str(failure.value):
        return "too_large", f"larger than the download limit: {str(failure.value).split(' in request')[0]}"
    if failure.check(IgnoreRequest):
        return _ignored(str(failure.value))
    if failure.check(ValueError, NotSupported) and "scheme" in str(failure.value).lower():
        return "redirect", f"leads to an address that is not http(s) ({str(failure.value).split(': ', 1)[-1][:80]})"
    return "fetch", f"{type(failure.value).__name__}: {failure.value}".strip()


def _ignored(why: str) -> tuple[str, str]:
    """(kind, reason) for a request a downloader middleware refused."""
    if "redirection" in why:
        return "redirect", "too many redirects (a redirect loop?)"
    if "DOWNLOAD_MAXSIZE" in why:
        return "too_large", "larger than the download limit once decompressed"
    if "offsite" in why.lower():
        return "redirect", f"led off the site ({why.split('to ', 1)[-1]})"
    if not why or "robots" in why.lower():
        return "robots", "forbidden by robots.txt"
    return "fetch", f"not fetched: {why}"


def _resolve_source(source: Source | str | None, config: str | None, profile: str) -> Source:
    if isinstance(source, Source):
        return source
    return find_source(config or "sources.toml", source, profile)


def _apply_budgets(settings, source: Source) -> None:
    """The source's politeness and size limits, as this crawler's own Scrapy settings."""
    max_size = int(source.max_download_mb * 1_000_000)
    for name, value in (("DOWNLOAD_DELAY", source.download_delay), ("DOWNLOAD_TIMEOUT", source.timeout),
                        ("DOWNLOAD_MAXSIZE", max_size), ("DOWNLOAD_WARNSIZE", min(WARN_SIZE, max_size)),
                        ("REDIRECT_MAX_TIMES", source.max_redirects)):
        settings.set(name, value, priority="spider")


def _workers(settings) -> int:
    """COOPFEED_EXTRACT_WORKERS, or one per core when it is unset (-1)."""
    workers = settings.getint("COOPFEED_EXTRACT_WORKERS")
    return (os.cpu_count() or 1) if workers < 0 else workers


@dataclass
class StoredState:
    """What the store says about a source before its crawl."""

    known: Container[str]  # ids of every stored item (any source)
    retry_urls: list[str]  # failed article pages due again
    full_listing: bool  # the last crawl did not read the listing to its end
    refresh: bool = False  # fetch stored articles again (a cluster round seeded with --refresh)
    round_id: str = ""  # the cluster round these flags are of


def stored_state(db_path: str | None, source: str, include_given_up: bool = False) -> StoredState:
    """Known ids, due retries and whether every list page must be read, from the store (the known ids
    are read once per crawl process and shared by its sources' spiders)."""
    store = Store(db_path or "coopfeed.db")
    try:
        if store.path not in _known:
            _known[store.path] = store.known_ids()
        return StoredState(_known[store.path], store.due_retries(source, include_given_up=include_given_up),
                           store.needs_full_listing(source))
    finally:
        store.close()


_known: dict[Path, set[str]] = {}


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
