"""Atomic, only-if-changed file writes: readers see stable ETag and Last-Modified."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from coopfeed.errors import FeedError

#: The temporaries ``write_if_changed`` makes: ``.<file name>.`` and tempfile's 8 random characters.
TEMPORARY = re.compile(r"\..+\.(rss|atom|json|opml|html)\.[a-z0-9_]{8}")
#: A temporary untouched this long (seconds) belongs to no live write: a write lasts milliseconds.
STALE_AFTER = 60.0


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename; False if it already held it.

    FeedError (one line naming the file) when the folder cannot be created or written.
    """
    try:
        return _write_if_changed(path, data)
    except OSError as exc:
        raise FeedError(f"{path}: cannot write the feed file: {exc.strerror or exc}") from None


def _write_if_changed(path: Path, data: bytes) -> bool:
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def remove_stale_temporaries(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Remove the temporaries a killed build left in ``folder`` (our names only, untouched ``older_than``
    seconds); the removed paths. Call it holding the build lock."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet, or none possible: writing the files says why
        return removed
    cutoff = time.time() - older_than
    for entry in entries:
        if TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False) and \
                entry.stat(follow_symlinks=False).st_mtime < cutoff:
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed
