"""The feeds a build wrote into the feed folder: names, titles and descriptions from ``topics.opml``."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

FORMATS = (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed"))
OPML = "topics.opml"


@dataclass(frozen=True)
class Feed:
    """One topic feed of the folder: its name, title, description and the formats written."""

    name: str
    title: str
    description: str
    formats: tuple[str, ...]


class FeedList:
    """The feeds listed in ``topics.opml``, read again when the file changes."""

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self._stamp: tuple | None = None
        self._feeds: list[Feed] = []

    def feeds(self) -> list[Feed]:
        """Every feed of the OPML file, in its order (empty before a first build)."""
        path = self.out_dir / OPML
        try:
            stat = path.stat()
        except OSError:
            return []
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._feeds = _read(path, self.out_dir)
            self._stamp = stamp
        return self._feeds

    def has_opml(self) -> bool:
        """Whether the folder has ``topics.opml``."""
        return (self.out_dir / OPML).is_file()


def _read(path: Path, out_dir: Path) -> list[Feed]:
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return []
    feeds = []
    for outline in root.iter("outline"):
        name = PurePosixPath(urlsplit(outline.get("xmlUrl", "")).path).stem
        if not name:
            continue
        formats = tuple(kind for kind, _ in FORMATS if (out_dir / f"{name}.{kind}").is_file())
        feeds.append(Feed(name, outline.get("title") or outline.get("text") or name,
                          outline.get("description") or "", formats))
    return feeds
