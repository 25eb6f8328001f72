"""Content that is safe in every feed: nh3 allowlist, XML-valid characters, absolute links."""

from __future__ import annotations

from urllib.parse import urljoin

from coopfeed.htmlpolicy import clean_html, xml_text

URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def safe_html(html: str | None, base_url: str) -> str:
    """Allowlisted HTML (``coopfeed.htmlpolicy``) with every link and image made absolute."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in URL_ATTRIBUTES:
            return urljoin(base_url, value.strip())
        return value

    return clean_html(html, attribute_filter=absolute)


def summary(text: str | None, limit: int = 280) -> str:
    """A plain-text summary: the first ``limit`` characters, cut at a word where possible."""
    text = " ".join(xml_text(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"
