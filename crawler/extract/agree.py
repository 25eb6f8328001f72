"""Whether trafilatura confirms the body container a profile found on a page it only guessed.

``auto`` asks it for a profile recognised by its platform (WordPress) or its
URL alone. The container is kept when trafilatura finds the same text (the
container's markup is richer: links, images); when trafilatura finds much more
than the container, either the container is an excerpt of the article or the
article is too short for trafilatura, which then falls back to the whole page
text: trafilatura's precision mode decides. Otherwise (the container holds
extras trafilatura leaves out, or other text) trafilatura's body is used
(bench/README.md, "auto and WordPress containers").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from crawler.extract.clean import is_boilerplate_line
from crawler.extract.render import text_lines

WORD_RE = re.compile(r"\w+")
#: Share of a text's 4-word shingles another must hold to hold that text.
HOLDS = 0.9
#: Share both ways for two texts to be the same.
SAME = 0.99


def confirmed(container: HtmlElement | None, body: HtmlElement, precise: Callable[[], HtmlElement | None]) -> bool:
    """Whether the container is the article: trafilatura's ``body`` has the same text, or holds it and
    much more while trafilatura's ``precise()`` body has the container's text."""
    if container is None:
        return False
    mine, theirs = shingles(container), shingles(body)
    shared = len(mine & theirs)
    if not mine or shared < HOLDS * len(mine):
        return False
    if shared >= SAME * len(mine) and shared >= SAME * len(theirs):
        return True
    if shared >= HOLDS * len(theirs):
        return False  # nearly the same text: the container's extra lines are page furniture
    narrow = precise()
    return narrow is not None and same_text(mine, shingles(narrow), HOLDS)


def same_text(first: set, second: set, share: float) -> bool:
    """Whether each shingle set holds at least ``share`` of the other."""
    shared = len(first & second)
    return bool(first) and bool(second) and shared >= share * len(first) and shared >= share * len(second)


def shingles(body: HtmlElement) -> set[tuple[str, ...]]:
    """The 4-word shingles of a body's text, boilerplate lines left out."""
    words = WORD_RE.findall(" ".join(line for line in text_lines(body) if not is_boilerplate_line(line)).lower())
    return {tuple(words[i:i + 4]) for i in range(max(1, len(words) - 3))} if words else set()
