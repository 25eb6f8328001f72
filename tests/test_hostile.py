"""Hostile pages and feeds: bounded size, time and links; every case one failure of the right kind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import sqlite_utils

from bench.harness import tree_pss_kib
from conftest import ROOT, run_coopfeed
from coopfeed.demo import replica_sources_toml
from replica import Replica, ReplicaServer
from replica.truth import expected_articles, hostile_failures

#: Every attribute value or feed field that names a link.
LINK_RE = re.compile(r'(?:href|src|xmlUrl|htmlUrl|atomUrl|jsonUrl)="([^"]*)"|<link>([^<]*)</link>|"(?:url|home_page_url|'
                     r'feed_url)": "([^"]*)"')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The demo sources and the hostile ones crawled together: (server, folder, crawl result, peak kB, seconds)."""
    folder = tmp_path_factory.mktemp("hostile")
    with ReplicaServer(Replica(hostile=True)) as server:
        config = folder / "sources.toml"
        config.write_text(replica_sources_toml(server.base_url, hostile=True), encoding="utf-8")
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config),
                                    "--db", str(folder / "coopfeed.db")], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_pss_kib(process.pid))
            time.sleep(0.05)
        stdout, stderr = process.communicate()
        seconds = time.monotonic() - started
        build = run_coopfeed("feeds", "build", "--config", str(config), "--db", str(folder / "coopfeed.db"),
                             "--out", str(folder / "feeds"))
        assert build.returncode == 0, build.stderr
        yield server, folder, (process.returncode, stdout, stderr), peak, seconds


def test_the_other_sources_finish_on_time_and_store_everything(hostile):
    server, folder, (returncode, stdout, stderr), _, seconds = hostile
    assert returncode == 0, stderr
    assert seconds < 60
    stored = {row["url"] for row in sqlite_utils.Database(folder / "coopfeed.db")["items"].rows}
    assert {row["url"] for row in expected_articles(Replica(), server.base_url)} <= stored


def test_the_whole_crawl_stays_under_300_mb(hostile):
    peak_kib = hostile[3]
    assert 0 < peak_kib < 300 * 1024, f"peak {peak_kib / 1024:.0f} MiB"


def test_every_hostile_case_is_one_failure_of_the_right_kind(hostile):
    server, folder, (_, _, stderr), _, _ = hostile
    rows = list(sqlite_utils.Database(folder / "coopfeed.db").query(
        "select source, url, kind from failures where source like 'hostile%'"))
    assert sorted((r["source"], r["url"], r["kind"]) for r in rows) == sorted(hostile_failures(server.base_url))
    for row in rows:
        assert sum(1 for line in stderr.splitlines() if line.startswith(f"WARNING: {row['source']}: {row['url']}: ")) == 1
    assert "Traceback" not in stderr


def test_no_feed_page_or_opml_links_anything_but_http(hostile):
    folder = hostile[1]
    files = list((folder / "feeds").iterdir())
    assert any(path.suffix == ".opml" for path in files) and any(path.suffix == ".html" for path in files)
    for path in files:
        for groups in LINK_RE.findall(path.read_text(encoding="utf-8")):
            link = next(value for value in groups if value)
            assert link.startswith(("http://", "https://")), (path.name, link)
    text = "".join(path.read_text(encoding="utf-8") for path in files)
    assert "javascript:" not in text and "data:text" not in text
