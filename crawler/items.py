"""What spiders yield: an extracted article, or a failure to record."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleItem:
    """An extracted article (``Article.to_dict()``) found for a source."""

    source: str
    article: dict
    translated: bool = False
    #: Field-level problems the extractor met (a bad date, say): each is recorded as a failure.
    problems: list[str] = field(default_factory=list)
    #: The address that was fetched (a translation wrapper stays wrapped).
    fetch_url: str | None = None
    #: A cluster worker's key of the request that gave it (acked when the item reaches Redis).
    request_key: str | None = None


@dataclass
class FailureItem:
    """A page that gave no article: recorded per source, shown as one line."""

    source: str
    url: str  # canonical (translation wrappers unwrapped): the address the store knows the page by
    reason: str
    kind: str = "fetch"
    #: The address that was fetched (a translation wrapper stays wrapped): what a retry requests.
    fetch_url: str | None = None
    #: A list page (read again by every crawl) rather than an article page (retried with backoff).
    list_page: bool = False
    #: A page that failed in an earlier crawl and failed again.
    retry: bool = False
    #: The id its article would be stored under.
    item_id: str | None = None
    #: A cluster worker's key of the request that gave it (acked when the item reaches Redis).
    request_key: str | None = None
