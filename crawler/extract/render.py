"""A body element to clean text (paragraphs) and to sanitized HTML."""

from __future__ import annotations

import copy
import html as html_lib
import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from coopfeed.htmlpolicy import clean_html
from crawler.extract.clean import drop_node, is_boilerplate_line

BLOCK_TAGS = {
    "p", "div", "section", "article", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "tbody", "thead", "caption", "figure", "figcaption",
    "center", "address", "hr",
}
CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")  # \t \n \v \f \r count as spaces
SPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+")


def clean_line(line: str) -> str:
    """One line of text: control characters removed, spaces (incl. full-width) collapsed."""
    return SPACE_RE.sub(" ", CONTROL_RE.sub("", line)).strip()


def paragraphs(element: HtmlElement) -> list[str]:
    """The element's text as paragraphs: blocks and <br> split lines; boilerplate lines dropped."""
    return [line for line in text_lines(element) if not is_boilerplate_line(line)]


def text_lines(element: HtmlElement) -> list[str]:
    """Every non-empty line of the element's text: blocks and <br> end lines."""
    chunks: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else None
        if event == "start":
            if tag in BLOCK_TAGS or tag == "br":
                chunks.append("\n")
            if tag and node.text and tag not in ("script", "style"):
                chunks.append(node.text)
        else:
            if tag in BLOCK_TAGS:
                chunks.append("\n")
            if node.tail and node is not element:
                chunks.append(node.tail)
    lines = (clean_line(line) for line in "".join(chunks).split("\n"))
    return [line for line in lines if line]


def sanitize_html(fragment: str) -> str:
    """The shared allowlist (``coopfeed.htmlpolicy``): no script/style/iframe, no on* attributes."""
    return clean_html(fragment)


def body_html(element: HtmlElement, base_url: str, text_paragraphs: list[str]) -> str:
    """Sanitized HTML of the body with absolute links; rebuilt from the paragraphs if it says more."""
    body = copy.deepcopy(element)
    _drop_boilerplate_blocks(body)
    if base_url.startswith(("http://", "https://")):
        body.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    inner = (body.text and html_lib.escape(body.text) or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body)
    cleaned = sanitize_html(inner)
    if _text_of(cleaned) == text_paragraphs:
        return cleaned
    images = "".join(f'<p><img src="{html_lib.escape(src)}"></p>' for src in body.xpath(".//img/@src")
                     if src.startswith(("http://", "https://")))
    return "".join(f"<p>{html_lib.escape(p)}</p>" for p in text_paragraphs) + images


def _text_of(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return paragraphs(root)


def _drop_boilerplate_blocks(root: HtmlElement) -> None:
    for node in list(root.iter("p", "div", "li", "td", "span", "font", "strong", "b", "h2", "h3", "h4")):
        if node.getparent() is None or any(child.tag in BLOCK_TAGS for child in node.iterdescendants()
                                           if isinstance(child.tag, str)):
            continue
        if is_boilerplate_line(clean_line(node.text_content())):
            drop_node(node)
