"""Page bytes to text: the HTTP charset, then <meta charset>, then detection.

w3lib does the ordering and maps GB2312/GBK to GB18030 (their superset:
real GBK pages carry characters a strict GB2312 codec rejects).
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_page(page: bytes | str, content_type: str | None = None) -> str:
    """The page as text; undecodable bytes become U+FFFD instead of raising."""
    if isinstance(page, str):
        return page
    _, text = html_to_unicode(content_type, page, auto_detect_fun=_detect)
    return text


def _detect(body: bytes) -> str | None:
    """Guess an encoding when neither the header nor the page declares one."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    if best is None:
        return None
    return "gb18030" if best.encoding in ("gb2312", "gbk", "hz") else best.encoding
