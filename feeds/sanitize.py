"""Content that is safe in every feed: nh3 allowlist, XML-valid characters, absolute links."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import nh3

#: Characters XML 1.0 forbids (C0 controls except tab/newline/CR, surrogates, U+FFFE/U+FFFF).
XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "b",
                "i", "u", "sub", "sup", "a", "img", "table", "thead", "tbody", "tr", "td", "th", "caption",
                "figure", "figcaption", "pre", "code", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}


def xml_text(text: str | None) -> str:
    """Text with the characters XML cannot carry removed (a vertical tab becomes a space)."""
    return XML_INVALID_RE.sub("", (text or "").replace("\x0b", " ").replace("\x0c", " "))


def safe_html(html: str | None, base_url: str) -> str:
    """Allowlisted HTML: no script/style/iframe, no on* attributes, only http(s)/mailto URLs, all absolute."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in URL_ATTRIBUTES:
            return urljoin(base_url, value.strip())
        return value

    return nh3.clean(xml_text(html), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, strip_comments=True, link_rel=None,
                     attribute_filter=absolute).strip()


def summary(text: str | None, limit: int = 280) -> str:
    """A plain-text summary: the first ``limit`` characters, cut at a word where possible."""
    text = " ".join(xml_text(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,.;:") + "…"
