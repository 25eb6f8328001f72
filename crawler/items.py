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


@dataclass
class FailureItem:
    """A page that gave no article: recorded per source, shown as one line."""

    source: str
    url: str
    reason: str
    kind: str = "fetch"
