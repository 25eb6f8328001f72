"""Ground truth: what a correct crawl and extraction of every replica page gives.

    rows = expected_articles(replica, server.base_url)      # one dict per stored article
    failures = expected_failures(replica, server.base_url)  # (source, url, kind) per broken page
    start_urls(server.base_url)                              # start URLs per demo source
"""

from __future__ import annotations

import re

from replica import hostile as hostile_pages
from replica.faults import FAILURE_KIND, UNREADABLE
from replica.model import ReplicaArticle
from replica.portals import hanweb, translate, trs, wordpress
from replica.site import Replica

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SOURCE_OF_PORTAL = {"zj": "zj_news", "sx": "sx_hotnews", "wttimes": "wttimes", "xznmx": "xznmx"}
TRANSLATED_SOURCE = "xznmx_en"


def start_urls(base_url: str, hostile: bool = False) -> dict[str, list[str]]:
    """Start URLs of the demo sources (with ``hostile``, also of the hostile pages), by source name."""
    urls = {
        "zj_news": [base_url + hanweb.column_url(hanweb.ZJ)],
        "sx_hotnews": [base_url + hanweb.column_url(hanweb.SX)],
        "wttimes": [base_url + wordpress.PREFIX + "/"],
        "xznmx": [base_url + trs.list_url(0)],
        TRANSLATED_SOURCE: [translate.wrapped_url(base_url, trs.list_url(0))],
    }
    if hostile:
        urls.update(hostile=[base_url + hostile_pages.PREFIX + "/"],
                    hostile_feed=[base_url + hostile_pages.PREFIX + "/feed.xml"])
    return urls


def hostile_failures(base_url: str) -> set[tuple[str, str, str]]:
    """(source, url, kind) of every failure a correct crawl of the hostile pages records."""
    pages = {("hostile", base_url + path, kind) for path, (_, kind) in hostile_pages.HOSTILE.items()}
    return pages | {("hostile_feed", link, kind) for link, kind in hostile_pages.FEED_LINKS.items()}


def expected_articles(replica: Replica, base_url: str) -> list[dict]:
    """One dict per article a correct crawl stores (translated copies included), newest first per source.

    Keys: key, source, portal, url (canonical), fetch_url (where it is read), original (for a
    translated copy: the original's URL, else None), title, published (ISO 8601, +08:00), author,
    origin, editor, language, text, images (absolute), regions, translated, unsafe, synthetic.
    """
    rows = []
    for portal in SOURCE_OF_PORTAL:
        for article in replica.listing(portal):
            if article.fault not in UNREADABLE:
                rows.append(_expected(article, base_url))
    rows += [_expected_translation(a, base_url) for a in replica.translated_listing() if a.fault not in UNREADABLE]
    return rows


def expected_failures(replica: Replica, base_url: str) -> list[tuple[str, str, str]]:
    """(source, url, kind) of every failure a correct crawl records; kind is http, timeout, body or date."""
    return [(SOURCE_OF_PORTAL[portal], base_url + article.path, FAILURE_KIND[article.fault])
            for portal in SOURCE_OF_PORTAL for article in replica.listing(portal)
            if article.fault in FAILURE_KIND]


def expected_text(paragraphs: list[str]) -> str:
    """Visible paragraphs as extracted text: whitespace collapsed, control characters gone, "\\n\\n" between."""
    cleaned = (" ".join(CONTROL_RE.sub("", p).split()) for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def _expected(article: ReplicaArticle, base_url: str) -> dict:
    url = base_url + article.path
    return {
        "key": article.key, "source": SOURCE_OF_PORTAL[article.portal], "portal": article.portal,
        "url": url, "fetch_url": url, "original": None, "title": article.title,
        "published": _published(article).isoformat(), "author": article.author or None,
        "origin": article.origin or None, "editor": article.editor or None, "language": article.language,
        "text": expected_text(article.paragraphs + ([wordpress.UNSAFE_TEXT] if article.unsafe else [])),
        "images": _images(article, base_url), "regions": list(article.regions), "translated": False,
        "unsafe": article.unsafe, "synthetic": article.synthetic,
    }


def _expected_translation(article: ReplicaArticle, base_url: str) -> dict:
    row = _expected(article, base_url)
    english = translate.english(article)
    row.update(key=article.key + "-en", source=TRANSLATED_SOURCE, original=row["url"],
               fetch_url=translate.wrapped_url(base_url, article.path), title=english["title"],
               origin=english["origin"] or None, editor=english["editor"] or None, language="en",
               text=expected_text(english["paragraphs"]), translated=True)
    return row


def _published(article: ReplicaArticle):
    """The time a correct extraction finds: midnight of the date when the page gives no time."""
    published = article.published_aware
    dated_only = (article.fault == "baddate" or (article.portal == "sx" and not article.pubdate_meta)
                  or (article.portal == "wttimes" and article.theme == "classic"))
    return published.replace(hour=0, minute=0, second=0) if dated_only else published


def _images(article: ReplicaArticle, base_url: str) -> list[str]:
    folder = article.path.rsplit("/", 1)[0]
    return [base_url + (src if src.startswith("/") else f"{folder}/{src}") for src in article.images]
