"""Page bytes to text, right even when the page lies about its encoding.

Order: a byte-order mark; then UTF-8 whenever the bytes are UTF-8 (valid
multi-byte UTF-8 is next to impossible by chance, while CMSs that moved to
UTF-8 often keep a ``<meta charset=gb2312>`` template); then the declared
charset (HTTP ``Content-Type``, then ``<meta>``) if the bytes read as text in
it; then detection (charset-normalizer). Names are resolved as browsers do
(w3lib): GB2312/GBK are decoded as GB18030, their superset (real "GB2312"
pages carry characters such as 喆, 镕, 堃 that a strict GB2312 codec rejects),
Big5 as Big5-HKSCS, Latin-1 as Windows-1252. Undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

#: Detected encodings decoded as their superset.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "ascii": "utf-8"}
#: Share of a page's non-ASCII characters that may be broken and it still counts as written in a
#: declared legacy encoding (a page cut short, a stray byte from a pasted snippet).
MAX_BROKEN_SHARE = 0.02
#: Share of the non-ASCII characters that must be valid UTF-8 for a page to be UTF-8: a GBK page
#: read as UTF-8 has about one in seven, a Latin-1 page none; a UTF-8 page with stray bytes most.
MIN_UTF8_SHARE = 0.8
#: Encodings whose bytes are no ASCII superset: a declaration of one is believed as it stands.
WIDE = ("utf-16", "utf-32")


def decode_page(page: bytes | str, content_type: str | None = None) -> str:
    """The page as text; undecodable bytes become U+FFFD instead of raising."""
    if isinstance(page, str):
        return page
    encoding, bom = page_encoding(page, content_type)
    return page[len(bom):].decode(encoding, errors="replace")


def page_encoding(body: bytes, content_type: str | None = None) -> tuple[str, bytes]:
    """The encoding the page is written in, and its byte-order mark (b"" when it has none)."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return bom_encoding, bom
    declared = [_resolved(name) for name in (http_content_type_encoding(content_type),
                                             html_body_declared_encoding(body)) if name]
    if declared and codecs.lookup(declared[0]).name.startswith(WIDE):
        return declared[0], b""
    if is_utf8(body):
        return "utf-8", b""
    for encoding in declared:
        if encoding != "utf-8" and written_in(body, encoding) and _plausible(body, encoding):
            return encoding, b""
    return detect_encoding(body) or next((e for e in declared if e != "utf-8"), "utf-8"), b""


def is_utf8(body: bytes) -> bool:
    """Whether the page is UTF-8: pure ASCII, or nearly all of its other characters valid UTF-8."""
    valid, broken = _characters(body, "utf-8")
    return valid + broken == 0 or valid >= MIN_UTF8_SHARE * (valid + broken)


def written_in(body: bytes, encoding: str) -> bool:
    """Whether the bytes decode in ``encoding`` with at most a few broken characters."""
    try:
        valid, broken = _characters(body, encoding)
    except LookupError:
        return False
    return broken <= MAX_BROKEN_SHARE * valid


def _characters(body: bytes, encoding: str) -> tuple[int, int]:
    """Non-ASCII characters of the page in ``encoding``: (decoded, undecodable)."""
    text = body.decode(encoding, errors="replace")
    broken = text.count("\ufffd")
    if broken and codecs.lookup(encoding).name == "utf-8":
        broken -= body.count(b"\xef\xbf\xbd")  # replacement characters the page itself holds
    return len(text) - len(text.encode("ascii", errors="ignore")) - broken, broken


def detect_encoding(body: bytes) -> str | None:
    """Guess the encoding of a page whose declaration is missing or wrong (charset detection)."""
    best = from_bytes(body, preemptive_behaviour=False).best()  # the page's own <meta> was wrong
    if best is None:
        return None
    return SUPERSETS.get(best.encoding, _resolved(best.encoding))


def _plausible(body: bytes, encoding: str) -> bool:
    """Whether the text in ``encoding`` reads as text rather than mojibake (Big5 bytes read as GB18030
    decode without an error, into a jumble of rare characters and kana)."""
    try:
        return from_bytes(body, cp_isolation=[encoding], preemptive_behaviour=False).best() is not None
    except (LookupError, ValueError):
        return True


def _resolved(name: str) -> str:
    """A charset label as the codec browsers use for it (gb2312 -> gb18030, latin-1 -> cp1252)."""
    return resolve_encoding(name) or name
