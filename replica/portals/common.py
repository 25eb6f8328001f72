"""Small helpers the portal renderers share."""

from __future__ import annotations

from html import escape

#: The "党政机关" badge every government portal carries (a script from dcs.conac.cn).
CONAC_BADGE = ('<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=1" target="_blank">'
               '<img src="/images/red.png" alt="党政机关" width="36" height="44"></a></span>'
               '<script type="text/javascript" src="https://dcs.conac.cn/js/33/000/0000/60425592/'
               'CA330000000604255920002.js"></script>')


def esc(text: str) -> str:
    """HTML-escape text (quotes too)."""
    return escape(text, quote=True)


def paragraphs_html(paragraphs: list[str], style: str = "") -> str:
    """``<p>`` elements for plain-text paragraphs."""
    attr = f' style="{style}"' if style else ""
    return "".join(f"<p{attr}>{esc(p)}</p>\n" for p in paragraphs)


def after_first(paragraphs: str, extra: str) -> str:
    """``extra`` markup placed after the first ``</p>`` of rendered paragraphs (or at the end)."""
    first, found, rest = paragraphs.partition("</p>\n")
    return first + found + extra + rest if found else paragraphs + extra


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` items fill (at least one)."""
    return max(1, -(-total // per_page))


def links(items: list[tuple[str, str]], separator: str = "") -> str:
    """``<li>`` links for (text, href) pairs."""
    return separator.join(f'<li><a href="{esc(href)}">{esc(text)}</a></li>' for text, href in items)
