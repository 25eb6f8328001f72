"""Locks beside the store: one crawl per source and one feed build at a time, across processes.

``flock`` locks on small files in ``<store>.state/locks/``: the kernel frees
them when the holder dies (kill -9 included), so a stale lock never blocks.
A lock already held by this process is taken again without waiting.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from coopfeed.errors import StoreError
from storage.clock import utc_now

_held: dict[Path, list[int]] = {}  # lock file -> [file descriptor, depth], this process
_guard = threading.Lock()


class LockBusy(StoreError):
    """Another process holds the lock."""


def state_dir(db_path: str | Path) -> Path:
    """The folder beside the store for crawl state (locks, HTTP cache): ``coopfeed.db`` -> ``coopfeed.state``."""
    return Path(db_path).resolve().with_suffix(".state")


@contextmanager
def crawl_locks(db_path: str | Path, names: Iterable[str]) -> Iterator[None]:
    """Hold the crawl lock of every named source, or raise LockBusy naming the first one taken."""
    paths = [_lock_path(db_path, f"crawl-{name}") for name in sorted(set(names))]
    taken: list[Path] = []
    try:
        for name, path in zip(sorted(set(names)), paths):
            if not _acquire(path, wait=0):
                raise LockBusy(f"{name} is being crawled by another process ({_holder(path)}); "
                               "wait for it to finish or crawl other sources")
            taken.append(path)
        yield
    finally:
        for path in reversed(taken):
            _release(path)


@contextmanager
def build_lock(db_path: str | Path, wait: float = 600.0) -> Iterator[None]:
    """Hold the store's feed-build lock, waiting up to ``wait`` seconds for another build to end."""
    path = _lock_path(db_path, "build")
    if not _acquire(path, wait=wait):
        raise LockBusy(f"another feed build of {Path(db_path).name} is still running after {wait:.0f} s "
                       f"({_holder(path)})")
    try:
        yield
    finally:
        _release(path)


def _lock_path(db_path: str | Path, name: str) -> Path:
    folder = state_dir(db_path) / "locks"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{folder}: cannot create the lock folder: {exc.strerror or exc}") from None
    return folder / f"{name}.lock"


def _acquire(path: Path, wait: float) -> bool:
    """Take the lock (re-entrant in this process); False if still taken after ``wait`` seconds."""
    with _guard:
        if path in _held:
            _held[path][1] += 1
            return True
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return False
            time.sleep(0.1)
    os.ftruncate(fd, 0)
    os.write(fd, f"pid {os.getpid()} since {utc_now()}".encode())
    with _guard:
        _held[path] = [fd, 1]
    return True


def _release(path: Path) -> None:
    with _guard:
        entry = _held.get(path)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _held[path]
    os.close(entry[0])  # closing the descriptor frees the flock


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown process"
    except OSError:
        return "unknown process"
