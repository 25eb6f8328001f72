"""A body element to clean text (paragraphs) and to sanitized HTML (the shared nh3 allowlist)."""

from __future__ import annotations

import copy
import html as html_lib
import re
import unicodedata
from collections.abc import Callable

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from coopfeed.htmlpolicy import ALLOWED_TAGS, clean_html
from crawler.extract.clean import drop_node

BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "pre", "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "figure",
    "figcaption", "center", "address", "hr", "form", "fieldset", "details", "summary",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title"}
#: Control characters (all but \t \n \r, which are whitespace), zero-width characters and the soft
#: hyphen: text shows none of them, and a soft hyphen splits a word for search ("Bar\u00adba\u00adres\u00adco").
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u200b-\u200d\u2060\ufeff\ufffe\uffff]")
SPACE_RE = re.compile(r"[ \t\r\n\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


def clean_line(line: str) -> str:
    """One line of text: control characters removed; spaces, &nbsp; and full-width spaces collapsed;
    Unicode NFC (the W3C form for web text; one spelling per word for search)."""
    return _nfc(SPACE_RE.sub(" ", CONTROL_RE.sub("", line)).strip())


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def text_lines(element: HtmlElement) -> list[str]:
    """Every non-empty line of the element's text as a browser shows it: block elements and <br>
    end lines; a newline in the markup is a space (except inside <pre>)."""
    chunks: list[str] = []
    skipping = pre = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else None
        step = 1 if event == "start" else -1
        if tag in SKIP_TAGS:
            skipping += step
        elif tag == "pre":
            pre += step
        if skipping:
            continue
        if event == "start" and tag not in SKIP_TAGS:
            if tag in BLOCK_TAGS or tag == "br":
                chunks.append("\n")
            if tag and node.text:
                chunks.append(_flow(node.text, pre))
        elif event == "end":
            if tag in BLOCK_TAGS:
                chunks.append("\n")
            if node.tail and node is not element:
                chunks.append(_flow(node.tail, pre))
    lines = (clean_line(line) for line in "".join(chunks).split("\n"))
    return [line for line in lines if line]


def _flow(text: str, pre: int) -> str:
    """Markup text as displayed: outside <pre>, line breaks are spaces."""
    return text if pre else text.replace("\r", " ").replace("\n", " ")


def sanitize_html(fragment: str) -> str:
    """The project's one allowlist (``coopfeed.htmlpolicy``, nh3): no script/style/iframe, no on*
    attributes, only http(s)/mailto URLs."""
    return clean_html(CONTROL_RE.sub("", fragment))


def body_html(element: HtmlElement, base_url: str, paragraphs: list[str], dropped: Callable[[str], bool]) -> str:
    """Sanitized HTML of the body, links absolute, without the lines ``dropped`` rejects.

    When its text would differ from ``paragraphs`` it is rebuilt from them (plus the images).
    """
    body = copy.deepcopy(element)
    _drop_blocks(body, dropped)
    _simplify(body)
    _collapse_spaces(body)
    if base_url.startswith(("http://", "https://")):
        body.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    inner = html_lib.escape(body.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in body)
    cleaned = sanitize_html(inner)
    if _paragraphs_of(cleaned) == paragraphs:
        return cleaned
    images = "".join(f'<p><img src="{html_lib.escape(src)}"></p>' for src in body.xpath(".//img/@src")
                     if src.startswith(("http://", "https://")))
    return "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs) + images


def _paragraphs_of(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    return text_lines(lxml.html.fragment_fromstring(fragment, create_parent="div"))


def _drop_blocks(root: HtmlElement, dropped: Callable[[str], bool]) -> None:
    """Remove the innermost blocks whose whole text is a dropped line."""
    for node in list(root.iter(*BLOCK_TAGS)):
        if node is root or node.getparent() is None or _has_breaks(node, deep=True):
            continue
        if dropped(clean_line(node.text_content())):
            drop_node(node)


def _simplify(root: HtmlElement) -> None:
    """Blocks the allowlist lacks become <p> (or <h2> for <h1>); <br>-separated runs become paragraphs."""
    for node in list(root.iter(*BLOCK_TAGS)):
        if node.tag == "h1":
            node.tag = "h2"
        elif node.tag not in ALLOWED_TAGS and node is not root and not _has_breaks(node, deep=True):
            node.tag = "p"
    for node in [root, *root.iter("div", "td", "section", "article", "center", "main")]:
        if node.find("br") is not None and not _has_breaks(node, deep=False, only_blocks=True):
            _split_at_breaks(node)


def _collapse_spaces(root: HtmlElement) -> None:
    """Runs of spaces (&nbsp;, full-width indents, newlines) become one space; blocks start without one."""
    for node in root.iter():
        if node.text:
            node.text = _nfc(SPACE_RE.sub(" ", CONTROL_RE.sub("", node.text)))
            if isinstance(node.tag, str) and (node.tag in BLOCK_TAGS or node is root):
                node.text = node.text.lstrip()
        if node.tail and node is not root:
            node.tail = _nfc(SPACE_RE.sub(" ", CONTROL_RE.sub("", node.tail)))
            if node.tail == " " and node.tag in BLOCK_TAGS:
                node.tail = "\n"  # keeps one block per line in the HTML


def _has_breaks(node: HtmlElement, deep: bool, only_blocks: bool = False) -> bool:
    """Whether ``node`` holds a block element (or a <br>) below it (or as a child only)."""
    children = node.iterdescendants() if deep else node.iterchildren()
    return any(isinstance(child.tag, str) and (child.tag in BLOCK_TAGS or (child.tag == "br" and not only_blocks))
               for child in children)


def _split_at_breaks(node: HtmlElement) -> None:
    """Turn the <br>-separated runs of ``node``'s inline content into <p> children."""
    paragraphs = [lxml.html.Element("p")]
    paragraphs[0].text = node.text
    for child in list(node):
        node.remove(child)
        if isinstance(child.tag, str) and child.tag == "br":
            paragraphs.append(lxml.html.Element("p"))
            paragraphs[-1].text = child.tail
        else:
            paragraphs[-1].append(child)
    node.text = None
    for paragraph in paragraphs:
        if len(paragraph) or (paragraph.text or "").strip():
            node.append(paragraph)
