"""The Article record every extractor returns, independent of Scrapy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

#: Keys of ``Article.to_dict()``: the columns of the ``items`` table that
#: extraction fills, in the order ``coopfeed extract`` prints them.
FIELDS = ("url", "title", "published", "author", "origin", "editor", "language", "text", "html")


@dataclass
class Article:
    """One extracted article; ``published`` is timezone-aware or None."""

    url: str
    #: None when the page has a body but no recognisable headline (generic profile only).
    title: str | None
    text: str
    html: str
    published: datetime | None = None
    author: str | None = None
    origin: str | None = None
    editor: str | None = None
    language: str | None = None
    #: Field-level problems met while extracting (e.g. an unparsable date that
    #: was replaced by the URL-path date). The crawl records each as a failure.
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The public fields, ``published`` as ISO 8601 with offset (or None)."""
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return {key: data[key] for key in FIELDS}
