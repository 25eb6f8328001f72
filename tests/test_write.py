"""Feed files written atomically; the temporaries of a killed build are removed by the next build."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import ROOT
from feeds.build import build_feeds
from feeds.state import STATE_FILE
from feeds.write import remove_stale_temporaries, write_if_changed
from storage import Store

KILLED_WRITE = """
import os, signal, sys
from pathlib import Path
os.replace = lambda *args: os.kill(os.getpid(), signal.SIGKILL)  # killed between the write and the rename
from feeds.write import write_if_changed
write_if_changed(Path(sys.argv[1]), b"<rss version='2.0'/>")
"""


def age(path, seconds: float) -> None:
    os.utime(path, (time.time() - seconds, time.time() - seconds))


def killed_write(path) -> list:
    """Run a write that is killed before its rename; the temporaries it left."""
    result = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(path)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == -9
    return [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]


def test_a_write_leaves_no_temporary_and_keeps_an_unchanged_file(tmp_path):
    path = tmp_path / "all.rss"
    assert write_if_changed(path, b"a") and not write_if_changed(path, b"a")
    assert [p.name for p in tmp_path.iterdir()] == ["all.rss"]


def test_only_our_old_temporaries_are_removed(tmp_path):
    left = killed_write(tmp_path / "all.rss")
    assert len(left) == 1
    fresh = killed_write(tmp_path / "all.atom")[0]
    others = [tmp_path / ".notes.txt.abcd1234", tmp_path / ".all.rss.keep", tmp_path / "all.json"]
    for path in others:
        path.write_text("x")
        age(path, 3600)
    age(left[0], 120)
    assert remove_stale_temporaries(tmp_path) == left
    assert not left[0].exists() and fresh.exists() and all(path.exists() for path in others)


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    out = tmp_path / "feeds"
    out.mkdir()
    left = killed_write(out / "all.rss")
    age(left[0], 120)
    store = Store(tmp_path / "coopfeed.db")
    try:
        build_feeds(store, [], out, base_url="http://127.0.0.1:8080/")
    finally:
        store.close()
    assert not left[0].exists() and (out / "index.html").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != STATE_FILE]


def test_no_folder_no_temporaries(tmp_path):
    (tmp_path / "afile").write_text("")
    assert remove_stale_temporaries(tmp_path / "none") == remove_stale_temporaries(tmp_path / "afile" / "x") == []
