"""Small helpers the portal renderers share."""

from __future__ import annotations

from html import escape

CONAC_BADGE = ('<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=1">'
               '<img src="/images/red.png" alt="党政机关"></a></span>'
               '<script src="https://dcs.conac.cn/js/33/000/0000/60425592/CA330000000604255920002.js"></script>')


def esc(text: str) -> str:
    """HTML-escape text (quotes too)."""
    return escape(text, quote=True)


def paragraphs_html(paragraphs: list[str], style: str = "") -> str:
    """``<p>`` elements for plain-text paragraphs."""
    attr = f' style="{style}"' if style else ""
    return "".join(f"<p{attr}>{esc(p)}</p>\n" for p in paragraphs)
