"""Page bytes to text: the HTTP charset, then <meta charset>/http-equiv, then detection.

w3lib's ``html_to_unicode`` does the ordering (BOM, header, meta, detection)
and maps GB2312/GBK to GB18030, their superset: real "GB2312" pages carry
characters (喆, 镕, 堃…) that a strict GB2312 codec rejects.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode

#: Detected encodings decoded as their superset.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030", "ascii": "utf-8"}


def decode_page(page: bytes | str, content_type: str | None = None) -> str:
    """The page as text; undecodable bytes become U+FFFD instead of raising."""
    if isinstance(page, str):
        return page
    _, text = html_to_unicode(content_type, page, auto_detect_fun=detect_encoding)
    return text


def detect_encoding(body: bytes) -> str | None:
    """Guess the encoding of a page that declares none: UTF-8 if it decodes, else charset detection."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)  # a cut last character is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:65536]).best()
    if best is None:
        return None
    return SUPERSETS.get(best.encoding, best.encoding)
