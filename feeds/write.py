"""Atomic, only-if-changed file writes: readers see stable ETag and Last-Modified."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from coopfeed.errors import FeedError


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
