"""Which files of watched folders changed since the last ask, without a stat: inotify (Linux).

The kernel queues an inotify event inside the write or rename call itself, so
once a writer's ``os.replace`` has returned, the next ``changed()`` sees it: a
server asking before each request never answers from a stale copy. Where
inotify is missing (not Linux, or the watch limit reached), ``available`` is
False and callers check the file themselves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from pathlib import Path

# <sys/inotify.h>
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_IGNORED = 0x400, 0x800, 0x4000, 0x8000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
WATCHED = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
           | IN_DELETE_SELF | IN_MOVE_SELF)
#: Events that make every file of every folder suspect.
EVERYTHING = IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW | IN_IGNORED
EVENT = struct.Struct("iIII")
ALL = None  # changed(): everything may have changed


class FolderWatch:
    """inotify watches on folders; ``changed()`` drains the queue and names the files touched."""

    def __init__(self):
        self._libc = _libc()
        self._fd = self._libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC) if self._libc else -1
        self._folders: dict[int, Path] = {}
        self._watched: set[Path] = set()

    @property
    def available(self) -> bool:
        """Whether changes are reported (else callers must stat)."""
        return self._fd >= 0

    def watch(self, folder: Path) -> bool:
        """Watch ``folder`` (once); False when it cannot be watched."""
        if folder in self._watched:
            return True
        if self._fd < 0:
            return False
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), WATCHED)
        if wd < 0:
            return False
        self._folders[wd] = folder
        self._watched.add(folder)
        return True

    def changed(self) -> set[Path] | None:
        """Files changed since the last call (empty: none); ALL (None) when any file may have."""
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return set()
        changed: set[Path] = set()
        while data:
            offset, touched = 0, set()
            while offset < len(data):
                wd, mask, _, size = EVENT.unpack_from(data, offset)
                name = data[offset + EVENT.size:offset + EVENT.size + size].rstrip(b"\0")
                offset += EVENT.size + size
                if mask & EVERYTHING or wd not in self._folders:
                    self._forget(wd)
                    return ALL
                touched.add(self._folders[wd] / os.fsdecode(name))
            changed |= touched
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                data = b""
        return changed

    def _forget(self, wd: int) -> None:
        folder = self._folders.pop(wd, None)
        if folder is not None:
            self._watched.discard(folder)
            self._libc.inotify_rm_watch(self._fd, wd)  # a moved folder: watch it again by its name
        self._drain()

    def _drain(self) -> None:
        try:
            while os.read(self._fd, 65536):
                pass
        except BlockingIOError:
            pass


def _libc():
    """The C library when it has inotify (Linux), else None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.inotify_init1, libc.inotify_add_watch  # noqa: B018 (raises AttributeError elsewhere)
    except (OSError, AttributeError):
        return None
    libc.inotify_add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
    return libc
