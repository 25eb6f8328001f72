"""`coopfeed demo`: the README's first command, once and serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import feedparser
import sqlite_utils

from conftest import ROOT, get_when_served, run_coopfeed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_once_crawls_every_source_and_leaves_feeds(tmp_path):
    result = run_coopfeed("demo", "--once", "--dir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (result.stdout + result.stderr).count("zj_news: ") == 1  # each source's summary once
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


def test_the_demo_run_twice_keeps_the_same_rows(tmp_path):
    folder = tmp_path / "demo"
    first = run_coopfeed("demo", "--once", "--dir", str(folder))
    assert first.returncode == 0, first.stderr
    rows = {row["id"] for row in sqlite_utils.Database(folder / "coopfeed.db")["items"].rows}
    second = run_coopfeed("demo", "--once", "--dir", str(folder))  # a new process, a new replica server
    assert second.returncode == 0, second.stderr
    assert {row["id"] for row in sqlite_utils.Database(folder / "coopfeed.db")["items"].rows} == rows
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0]  # the same replica address
    assert "zj_news: 0 new" in second.stdout


def test_the_demo_from_a_folder_holding_a_coopfeed_folder(tmp_path):
    (tmp_path / "coopfeed").mkdir()  # e.g. the clone's parent: `python -m coopfeed` would find this one
    (tmp_path / "crawler").mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-P", "-m", "coopfeed", "demo", "--once", "--dir", "out"],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert sqlite_utils.Database(tmp_path / "out" / "coopfeed.db")["items"].count == 43


def test_a_replica_port_taken_by_another_program_is_one_clear_line(tmp_path):
    folder = tmp_path / "demo"
    first = run_coopfeed("demo", "--once", "--dir", str(folder))
    assert first.returncode == 0
    port = urlsplit(first.stdout.splitlines()[0].split()[-1]).port
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = run_coopfeed("demo", "--once", "--dir", str(folder))
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert f"port {port} is in use" in result.stderr and "Traceback" not in result.stderr


def test_demo_on_port_0_links_its_feeds_to_the_port_it_serves_on(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "demo", "--dir", str(tmp_path / "demo"),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = ""
        while not line.startswith("subscribe:") and process.poll() is None:
            line = process.stdout.readline()
        port = urlsplit(line.split()[1]).port
        assert port
        body = get_when_served(f"http://127.0.0.1:{port}/tibet.atom")
        assert feedparser.parse(body).feed.links[0].href == f"http://127.0.0.1:{port}/tibet.atom"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr
