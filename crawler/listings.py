"""Pure parsers for list pages: Hanweb datastores, jpage set-up, TRS page counts.

Spiders fetch pages and call these; nothing here knows Scrapy, so each
parser is tested on plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
RECORD_RE = re.compile(r"<record>\s*(.*?)\s*</record>", re.S | re.I)
NEXTGROUP_RE = re.compile(r"<nextgroup>\s*(.*?)\s*</nextgroup>", re.S | re.I)
DATASTORE_RE = re.compile(r"<datastore>(.*?)</datastore>", re.S | re.I)
JPAGE_NUMBER_RE = r"{key}\s*[:=]\s*['\"]?(\d+)"
JPAGE_URL_RE = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
TRS_COUNT_RE = re.compile(r"createPageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]")


@dataclass
class ListLink:
    """An article link found on a list page; ``title`` prefers the full title attribute."""

    url: str
    title: str = ""
    date: str = ""


@dataclass
class Datastore:
    """A Hanweb jpage datastore: its records, the next-group address, the record total."""

    links: list[ListLink] = field(default_factory=list)
    record_count: int = 0
    nextgroup: str | None = None
    total: int | None = None


def parse_datastore(text: str, base_url: str) -> Datastore | None:
    """Read the first ``<datastore>`` of a column page or a dataproxy answer; None if there is none."""
    match = DATASTORE_RE.search(text)
    if not match:
        return None
    body = match.group(1)
    store = Datastore(total=_tag_int(body, "totalrecord"))
    records = RECORD_RE.findall(body)
    store.record_count = len(records)
    for record in records:
        store.links.extend(links_in_fragment(_uncdata(record), base_url))
    nextgroup = NEXTGROUP_RE.search(body)
    if nextgroup:
        hrefs = [link.url for link in links_in_fragment(_uncdata(nextgroup.group(1)), base_url)]
        store.nextgroup = hrefs[0] if hrefs else None
    return store


def links_in_fragment(fragment: str, base_url: str) -> list[ListLink]:
    """Every ``<a href>`` of an HTML fragment, absolute, with its best title and a date seen beside it."""
    if not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    text = " ".join(root.itertext())
    date = re.search(r"\d{4}-\d{1,2}-\d{1,2}", text)
    links = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        title = (anchor.get("title") or anchor.text_content() or "").strip()
        links.append(ListLink(urljoin(base_url, href), " ".join(title.split()), date.group(0) if date else ""))
    return links


def jpage_settings(html: str) -> dict[str, object]:
    """The jpage widget's set-up on a column page: perPage, totalRecord, proxyUrl (if present)."""
    settings: dict[str, object] = {}
    for key in ("perPage", "totalRecord", "groupSize"):
        match = re.search(JPAGE_NUMBER_RE.format(key=key), html)
        if match:
            settings[key] = int(match.group(1))
    url = JPAGE_URL_RE.search(html)
    if url:
        settings["proxyUrl"] = url.group(1)
    return settings


def proxy_form(nextgroup_url: str) -> tuple[str, dict[str, str]]:
    """Split a nextgroup address into the dataproxy URL and the form fields the widget posts."""
    parts = urlsplit(nextgroup_url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    form = {"col": "1", "appid": params.get("appid", "1"), "sourceContentType": "1"}
    for key in ("webid", "path", "columnid", "unitid", "webname", "permissiontype"):
        if key in params:
            form[key] = params[key]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), form


def with_query(url: str, **params: object) -> str:
    """``url`` with the given query parameters set (others kept)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({key: str(value) for key, value in params.items()})
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def trs_pages(html: str) -> tuple[int, int, str, str] | None:
    """TRS ``createPageHTML(count, current, "index", "html")``: (count, current, stem, ext)."""
    call = TRS_COUNT_RE.search(html)
    if not call:
        return None
    count, current = (_resolve_js_number(html, arg) for arg in call.group(1, 2))
    if count is None or current is None:
        return None
    return count, current, call.group(3), call.group(4)


def _resolve_js_number(html: str, arg: str) -> int | None:
    if arg.isdigit():
        return int(arg)
    match = re.search(rf"var\s+{re.escape(arg)}\s*=\s*(\d+)", html)
    return int(match.group(1)) if match else None


def _uncdata(text: str) -> str:
    parts = CDATA_RE.findall(text)
    return "".join(parts) if parts else text


def _tag_int(text: str, tag: str) -> int | None:
    match = re.search(rf"<{tag}>\s*(\d+)\s*</{tag}>", text, re.I)
    return int(match.group(1)) if match else None
