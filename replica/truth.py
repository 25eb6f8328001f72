"""Ground truth: what a correct extraction of every replica page gives."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from replica.model import ReplicaArticle
from replica.portals import hanweb, trs, wordpress
from replica.site import Replica

SHANGHAI = ZoneInfo("Asia/Shanghai")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Faults whose page yields no article, and the failure kind a crawl records for them.
FAILING = {"404": "http", "500": "http", "slow": "timeout", "empty": "body", "truncated": "body"}


def start_urls(base_url: str) -> dict[str, list[str]]:
    """Start URLs of the demo sources, by source name."""
    return {
        "zj_news": [base_url + hanweb.column_url(hanweb.ZJ)],
        "sx_hotnews": [base_url + hanweb.column_url(hanweb.SX)],
        "wttimes": [base_url + wordpress.PREFIX + "/"],
        "xznmx": [base_url + trs.list_url(0)],
        "xznmx_en": [base_url + trs.wrap(base_url, trs.list_url(0))],
    }


SOURCE_OF_PORTAL = {"zj": "zj_news", "sx": "sx_hotnews", "wttimes": "wttimes", "xznmx": "xznmx"}


def expected_articles(replica: Replica, base_url: str) -> list[dict]:
    """One dict per article a correct crawl stores (translations included)."""
    rows = []
    for portal in SOURCE_OF_PORTAL:
        for article in replica.listing(portal):
            if article.fault in FAILING:
                continue
            rows.append(_expected(article, base_url))
            if article.en:
                rows.append(_expected_translation(article, base_url))
    return rows


def expected_failures(replica: Replica, base_url: str) -> list[tuple[str, str, str]]:
    """(source, url, kind) of every failure a correct crawl records."""
    failures = []
    for portal, source in SOURCE_OF_PORTAL.items():
        for article in replica.listing(portal):
            if article.fault in FAILING:
                failures.append((source, base_url + article.path, FAILING[article.fault]))
            elif article.fault == "baddate":
                failures.append((source, base_url + article.path, "date"))
    return failures


def _expected(article: ReplicaArticle, base_url: str) -> dict:
    published = article.published
    if article.fault == "baddate" or (article.portal == "sx" and not article.pubdate_meta):
        published = published.replace(hour=0, minute=0, second=0)
    if article.portal == "wttimes" and article.theme == "classic":
        published = published.replace(hour=0, minute=0, second=0)
    folder = article.path.rsplit("/", 1)[0]
    images = [base_url + (src if src.startswith("/") else f"{folder}/{src}") for src in article.images]
    return {
        "key": article.key, "source": SOURCE_OF_PORTAL[article.portal], "url": base_url + article.path,
        "title": article.title, "published": published.replace(tzinfo=SHANGHAI).isoformat(),
        "author": article.author or None, "origin": article.origin or None, "editor": article.editor or None,
        "language": article.language, "images": images,
        "text": _text(article.paragraphs + ([wordpress.UNSAFE_TEXT] if article.unsafe else [])),
        "regions": list(article.regions), "translated": False, "unsafe": article.unsafe,
    }


def _expected_translation(article: ReplicaArticle, base_url: str) -> dict:
    row = _expected(article, base_url)
    en = article.en
    row.update(key=article.key + "-en", source="xznmx_en", title=en["title"], origin=en["origin"] or None,
               editor=en["editor"] or None, language="en", text=_text(en["paragraphs"]), translated=True)
    return row


def _text(paragraphs: list[str]) -> str:
    return "\n\n".join(" ".join(CONTROL_RE.sub("", p).split()) for p in paragraphs)
