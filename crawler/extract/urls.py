"""Canonical URLs (translation wrappers unwrapped) and dates in URL paths."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: Paths of translation proxies that carry the original address in a query parameter
#: (Baidu ``/transpage?query=``, Google ``translate.google.com/translate?u=``), on any host.
WRAPPER_PATHS = ("/transpage", "/translate", "/translate_c", "/website")
WRAPPER_PARAMS = ("query", "u", "url")
#: Query parameters naming the target language of a wrapper (Baidu, Google, translate.goog).
TARGET_PARAMS = ("to", "tl", "_x_tr_tl")
GOOG_SUFFIX = ".translate.goog"
TRACKING_PREFIXES = ("utm_", "spm", "isappinstalled")
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
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if host.endswith(GOOG_SUFFIX):  # www-example-com.translate.goog/path
        original_host = host[: -len(GOOG_SUFFIX)].replace("--", "\0").replace("-", ".").replace("\0", "-")
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("_x_tr_")]
        return urlunsplit(("https", original_host, parts.path, urlencode(query), ""))
    if not (parts.path.endswith(WRAPPER_PATHS) or host.startswith("translate.")):
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in WRAPPER_PARAMS:
        value = params.get(name, "").strip()
        if value.lower().startswith(("http://", "https://")):
            return value
    return None


def is_translation(url: str) -> bool:
    """Whether ``url`` is a translation wrapper around another page."""
    return unwrap(url) is not None


def translation_language(url: str) -> str | None:
    """The target language of a translation-wrapper URL ("en" for ``to=en``), else None."""
    if not is_translation(url):
        return None
    params = dict(parse_qsl(urlsplit(url.strip()).query))
    for name in TARGET_PARAMS:
        if params.get(name):
            return params[name].split("-")[0].lower()
    return None


def canonical_url(url: str) -> str:
    """The article's own address: unwrapped, no fragment, lowercase scheme and host,
    no default port, no tracking parameters; the rest of the query is kept as it is."""
    try:
        parts = urlsplit((unwrap(url) or url).strip())
    except ValueError:  # not a parsable URL (a broken IPv6 host, say): only drop the fragment
        return url.strip().split("#")[0]
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the address as written
        port = None
    host = (parts.hostname or "").lower()
    if port and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", _without_tracking(parts.query), ""))


def url_date(url: str) -> date | None:
    """The publication date written in the URL path (no time), if it has a valid one."""
    try:
        path = urlsplit(canonical_url(url)).path
    except ValueError:
        return None
    for pattern in URL_DATE_PATTERNS:
        match = pattern.search(path)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def _without_tracking(query: str) -> str:
    """The query string minus tracking parameters (unchanged when it has none)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not k.lower().startswith(TRACKING_PREFIXES)]
    return query if len(kept) == len(pairs) else urlencode(kept)
