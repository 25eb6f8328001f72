"""The one HTML allowlist of coopfeed: what an article body may contain, in the store and in feeds.

Both the extractor (before storing) and the feed builder (before publishing)
clean with it: nh3, no script/style/iframe, no event handlers, only http(s)
URLs, and no character XML 1.0 forbids. ``is_web_url`` is the same rule for
every other link coopfeed follows or publishes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "b",
                "i", "u", "sub", "sup", "a", "img", "table", "thead", "tbody", "tr", "td", "th", "caption",
                "figure", "figcaption", "pre", "code", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https"}
#: Characters XML 1.0 forbids (C0 controls but tab/newline/CR, C1 controls, surrogates, U+FFFE/U+FFFF).
XML_INVALID_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EMPTY_INLINE_RE = re.compile(r"<(b|strong|em|i|u|sub|sup|a)>\s*</\1>")

AttributeFilter = Callable[[str, str, str], str | None]


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` is an absolute http(s) address with a host (no javascript:, data:, mailto:…)."""
    parts = urlsplit((url or "").strip())
    return parts.scheme.lower() in URL_SCHEMES and bool(parts.netloc)


def xml_text(text: str | None) -> str:
    """Text without the characters XML cannot carry (a vertical tab or form feed becomes a space)."""
    return XML_INVALID_RE.sub("", (text or "").replace("\x0b", " ").replace("\x0c", " "))


def clean_html(html: str | None, attribute_filter: AttributeFilter | None = None) -> str:
    """Allowlisted, XML-safe HTML; ``attribute_filter`` may rewrite attribute values (absolute URLs)."""
    cleaned = nh3.clean(xml_text(html), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                        strip_comments=True, link_rel=None, attribute_filter=attribute_filter)
    cleaned = EMPTY_INLINE_RE.sub("", cleaned)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()
