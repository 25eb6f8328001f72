"""A one-line live progress display for crawls (only when stderr is a terminal)."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from typing import TextIO


class CrawlProgress:
    """Counts pages and items per source and redraws one status line, at most 10 times a second."""

    def __init__(self, stream: TextIO = sys.stderr, live: bool | None = None):
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.pages: dict[str, int] = defaultdict(int)
        self.items: dict[str, int] = defaultdict(int)
        self.done: set[str] = set()
        self._drawn = 0.0

    def __call__(self, source: str, event: str) -> None:
        if event == "page":
            self.pages[source] += 1
        elif event == "item":
            self.items[source] += 1
        elif event == "closed":
            self.done.add(source)
        self._draw(force=event == "closed")

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.live or (not force and now - self._drawn < 0.1):
            return
        self._drawn = now
        parts = [f"{name} {self.pages[name]}p/{self.items[name]}i{' ✓' if name in self.done else ''}"
                 for name in sorted(self.pages.keys() | self.done)]
        line = "crawling: " + " · ".join(parts)
        self.stream.write("\r\x1b[K" + line[:200])
        self.stream.flush()

    def finish(self) -> None:
        """Clear the status line before the summaries are printed."""
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
