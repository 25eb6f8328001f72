"""Canonical URLs (translation wrappers unwrapped) and dates in URL paths."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

WRAPPER_PATHS = ("/transpage", "/translate", "/translate_c", "/website")
WRAPPER_PARAMS = ("query", "u", "url")
GOOG_SUFFIX = ".translate.goog"
TRACKING_PREFIXES = ("utm_", "spm", "from=timeline", "isappinstalled")
DEFAULT_PORTS = {"http": 80, "https": 443}

URL_DATE_PATTERNS = (
    re.compile(r"/art/(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),  # Hanweb
    re.compile(r"/t(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})_\d+"),  # TRS
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{2})/(?P<d>\d{2})/"),  # WordPress and many CMS
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})/(?P<d>\d{2})/"),  # China Daily
    re.compile(r"/n\d/(?P<y>(?:19|20)\d{2})/(?P<m>\d{2})(?P<d>\d{2})/"),  # People's Daily
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})/"),  # /20220315/
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})/"),
)


def unwrap(url: str) -> str | None:
    """The original address inside a translation-wrapper URL, or None if ``url`` is not one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith(GOOG_SUFFIX):  # www-example-com.translate.goog/path
        original_host = host[: -len(GOOG_SUFFIX)].replace("--", "\0").replace("-", ".").replace("\0", "-")
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("_x_tr_")]
        return urlunsplit(("https", original_host, parts.path, _encode(query), ""))
    if not (parts.path.endswith(WRAPPER_PATHS) or host.startswith("translate.")):
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in WRAPPER_PARAMS:
        value = params.get(name, "")
        if value.startswith(("http://", "https://")):
            return value
    return None


def is_translation(url: str) -> bool:
    """Whether ``url`` is a translation wrapper around another page."""
    return unwrap(url) is not None


def canonical_url(url: str) -> str:
    """The article's own address: unwrapped, no fragment, lowercase host, no default port."""
    url = unwrap(url) or url
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PREFIXES)]
    return urlunsplit((scheme, host, parts.path or "/", _encode(query), ""))


def url_date(url: str) -> date | None:
    """The publication date written in the URL path, if it has a valid one."""
    path = urlsplit(canonical_url(url)).path
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(path)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def _encode(query: list[tuple[str, str]]) -> str:
    return urlencode(query)
