"""What the last build rendered, so that a build renders only the feeds whose entries or settings changed.

A hidden file in the feed folder maps each feed's name to a digest of what its
files are made from (coopfeed's version, the feed's settings, its entries); a feed
whose digest is unchanged and whose files are all there is not rendered again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from coopfeed import __version__
from feeds.write import write_if_changed

STATE_FILE = ".coopfeed-build"  # no suffix: the feed server never serves it


class BuildState:
    """The digests of one feed folder: those of the last build, and those of this one."""

    def __init__(self, out_dir: Path, extensions: list[str]):
        self.out_dir, self.extensions = out_dir, extensions
        self.previous = _read(out_dir / STATE_FILE)
        self.current: dict[str, str] = {}

    def fresh(self, name: str, *made_from: object) -> bool:
        """Whether the files of feed ``name`` are already made from exactly ``made_from``."""
        digest = hashlib.sha256(repr((__version__, made_from)).encode("utf-8")).hexdigest()
        self.current[name] = digest
        return self.previous.get(name) == digest and all(
            (self.out_dir / f"{name}.{extension}").is_file() for extension in self.extensions)

    def save(self) -> None:
        """Remember this build's digests (after its files are written)."""
        write_if_changed(self.out_dir / STATE_FILE, json.dumps(self.current, sort_keys=True).encode("utf-8"))


def _read(path: Path) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}
