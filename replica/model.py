"""Replica articles: the record every renderer reads, loaded from the TOML content files.

The content (``replica/content/<portal>.toml``) is data; this module checks it
once at load and turns each ``[[article]]`` into a :class:`ReplicaArticle`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from coopfeed.errors import ConfigError

CONTENT_DIR = Path(__file__).parent / "content"
PORTALS = ("zj", "sx", "wttimes", "xznmx")
SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BODY_STYLES = ("p", "br", "legacy")
THEMES = ("modern", "classic")
COLUMN_IDS = {"zj": 5798, "sx": 1501262}


@dataclass
class ReplicaArticle:
    """One article of a replica portal and everything needed to render it."""

    key: str
    portal: str
    title: str
    published: datetime  # Beijing local time, naive
    paragraphs: list[str]
    id: int = 0  # Hanweb and TRS article number
    slug: str = ""  # WordPress permalink slug
    list_title: str = ""  # a cut title shown in lists ("..."); the full title stays in title=
    origin: str = ""  # "Source:" / 来源
    editor: str = ""  # 责任编辑
    author: str = ""  # WordPress byline
    regions: list[str] = field(default_factory=list)  # what it is about; empty when off-topic
    body: str = "p"  # Hanweb body markup: p, br or legacy
    theme: str = "modern"  # WordPress theme: modern or classic
    images: list[str] = field(default_factory=list)
    gbk: bool = False  # TRS page served as GBK bytes
    pubdate_meta: bool = True  # Hanweb page carries meta PubDate
    unsafe: bool = False  # WordPress body with script, onclick and a javascript: link
    control_char: bool = False  # WordPress body with a control character
    en: dict | None = None  # TRS: the English machine translation (title, origin, editor, paragraphs)
    fault: str | None = None  # how the page is broken (faults mode only)
    synthetic: bool = False
    modified: float = 0.0  # POSIX time of the last change (Last-Modified)

    @property
    def path(self) -> str:
        """The article's address on the replica server."""
        p = self.published
        if self.portal in COLUMN_IDS:
            column = COLUMN_IDS[self.portal]
            return f"/{self.portal}/art/{p.year}/{p.month}/{p.day}/art_{column}_{self.id}.html"
        if self.portal == "wttimes":
            return f"/wttimes/{p:%Y/%m/%d}/{self.slug}/"
        return f"/xznmx/yzdt_4226/{p:%Y%m}/t{p:%Y%m%d}_{self.id}.html"

    @property
    def language(self) -> str:
        """The page's language: the TRS portal is Chinese, the others English."""
        return "zh" if self.portal == "xznmx" else "en"

    @property
    def published_aware(self) -> datetime:
        """The publication time with its Beijing offset."""
        return self.published.replace(tzinfo=SHANGHAI)


def load_articles() -> list[ReplicaArticle]:
    """Every hand-written article of every portal, checked."""
    articles = []
    for portal in PORTALS:
        path = CONTENT_DIR / f"{portal}.toml"
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{path}: cannot read replica content: {error}") from error
        for number, entry in enumerate(data.get("article", []), start=1):
            check_entry(entry, f"{path.name}, article {number} ({entry.get('key', 'no key')})")
            articles.append(make_article(portal, entry))
    check_unique(articles)
    return articles


def make_article(portal: str, entry: dict) -> ReplicaArticle:
    """A ReplicaArticle from a content-file entry (or keyword arguments)."""
    values = dict(entry)
    published = values.pop("published")
    if isinstance(published, str):
        published = datetime.strptime(published, TIME_FORMAT)
    article = ReplicaArticle(portal=portal, published=published, **values)
    article.modified = article.published_aware.timestamp()
    return article


KNOWN_FIELDS = {f.name for f in fields(ReplicaArticle)} - {"portal", "modified", "synthetic", "fault"}


def check_entry(entry: dict, where: str) -> None:
    """Raise ConfigError naming the entry and the fix when an article record is wrong."""
    for name in ("key", "title", "published", "paragraphs"):
        if name not in entry:
            raise ConfigError(f"{where}: missing '{name}'; every article needs key, title, published, paragraphs")
    unknown = set(entry) - KNOWN_FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown field(s) {sorted(unknown)}; known: {sorted(KNOWN_FIELDS)}")
    try:
        datetime.strptime(entry["published"], TIME_FORMAT)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: published must be a string 'YYYY-MM-DD HH:MM:SS' (Beijing time)") from None
    if entry.get("body", "p") not in BODY_STYLES or entry.get("theme", "modern") not in THEMES:
        raise ConfigError(f"{where}: body must be one of {BODY_STYLES}, theme one of {THEMES}")
    if "en" in entry and set(entry["en"]) != {"title", "origin", "editor", "paragraphs"}:
        raise ConfigError(f"{where}: [article.en] needs exactly title, origin, editor, paragraphs")


def check_unique(articles: list[ReplicaArticle]) -> None:
    """Keys, titles, addresses and times must not repeat."""
    for name, value in (("key", lambda a: a.key), ("title", lambda a: a.title), ("address", lambda a: a.path),
                        ("published time", lambda a: (a.portal, a.published))):
        seen: set = set()
        for article in articles:
            if value(article) in seen:
                raise ConfigError(f"replica content: article {article.key} repeats a {name}; make it unique")
            seen.add(value(article))
