"""`coopfeed demo`: the README's first command, once and serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import feedparser
import sqlite_utils

from conftest import ROOT, run_coopfeed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_once_crawls_every_source_and_leaves_feeds(tmp_path):
    result = run_coopfeed("demo", "--once", "--dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    db = sqlite_utils.Database(tmp_path / "demo" / "coopfeed.db")
    assert db["items"].count == 43
    assert {row["source"] for row in db.query("select distinct source from items")} == {
        "zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"}
    feeds = tmp_path / "demo" / "feeds"
    assert (feeds / "index.html").exists() and (feeds / "topics.opml").exists()
    assert len(feedparser.parse((feeds / "all.atom").read_bytes()).entries) == 42


def test_demo_serves_the_feeds_until_interrupted(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "demo", "--dir", str(tmp_path / "demo"),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        body = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and body is None:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/tibet.atom", timeout=2).read()
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the demo did not serve its feeds"
        assert feedparser.parse(body).bozo == 0
        feed = feedparser.parse(body)
        assert feed.feed.links[0].href == f"http://127.0.0.1:{port}/tibet.atom"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/index.html" in stdout
    assert "Traceback" not in stderr
