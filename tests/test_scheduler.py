"""Scheduled crawls: jobs per cron schedule, a crawl in a child process, feeds rebuilt after it."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time

import sqlite_utils

from conftest import ROOT, copy_site, get_when_served

from crawler.sources import load_sources
from scheduler import CrawlScheduler, schedule_groups
from coopfeed.publishing import publish


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sources_sharing_a_schedule_share_a_job(site):
    sources = list(load_sources(site.config).values())
    groups = schedule_groups(sources)
    assert groups == {"*/15 * * * *": ["zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"]}
    scheduler = CrawlScheduler(site.config, site.db, sources)
    scheduler.start()
    try:
        [(name, next_run)] = scheduler.jobs()
        assert name.startswith("crawl zj_news") and next_run
    finally:
        scheduler.stop()


def test_a_scheduled_run_crawls_then_rebuilds_the_feeds(site, tmp_path):
    out = tmp_path / "feeds"
    built = []
    sources = list(load_sources(site.config).values())
    scheduler = CrawlScheduler(site.config, site.db, sources,
                               after_crawl=lambda summaries: built.append(publish(site.config, site.db, out)))
    summaries = scheduler.run(["wttimes"])
    assert [s.source for s in summaries] == ["wttimes"] and summaries[0].new == 9
    assert built and built[0].entries["source-wttimes"] == 9
    assert sqlite_utils.Database(site.db)["crawl_runs"].count == 1
    again = scheduler.run(["wttimes"])
    assert again[0].new == 0 and built[1].written == []


def test_a_crawl_process_that_dies_is_a_logged_error_a_failed_run_and_a_broken_source(site, tmp_path, monkeypatch,
                                                                                     caplog):
    shadow = tmp_path / "shadow" / "scrapy"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('scrapy is broken in the child')\n")
    monkeypatch.setenv("PYTHONPATH", f"{shadow.parent}{os.pathsep}{ROOT}")  # only the child imports it
    sources = list(load_sources(site.config).values())
    with caplog.at_level(logging.INFO, logger="scheduler"):
        summaries = CrawlScheduler(site.config, site.db, sources).run(["wttimes", "xznmx"])
    assert summaries == []
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.getMessage().startswith("crawl of wttimes, xznmx failed: the crawl process failed (exit status 2)")
    assert "scrapy is broken in the child" in record.getMessage()
    db = sqlite_utils.Database(site.db)
    runs = {row["source"]: row for row in db["crawl_runs"].rows}
    assert set(runs) == {"wttimes", "xznmx"} and {row["status"] for row in runs.values()} == {"failed"}
    assert db["sources"].get("wttimes")["status"] == "broken"


def test_coopfeed_run_logs_one_line_per_source_per_crawl(site, tmp_path):
    log = tmp_path / "run.log"
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "run", "--config", str(site.config), "--db",
                                str(site.db), "--out", str(tmp_path / "feeds"), "--port", str(port),
                                "--log-file", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and "press Ctrl-C" not in (log.read_text() if log.exists() else ""):
            if (tmp_path / "feeds" / "all.atom").exists():
                break
            time.sleep(0.5)
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if " new, " in line]
    assert [line.split()[3].rstrip(":") for line in lines] == ["zj_news", "sx_hotnews", "wttimes", "xznmx",
                                                                "xznmx_en"]
    assert all(re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|WARNING) \w+: \d+ new", line) for line in lines)
    assert "WARNING zj_news: 15 new" in log.read_text() and "[degraded:" in log.read_text()
    assert lines[0] in stderr and "Traceback" not in stderr


def test_coopfeed_run_on_all_addresses_links_to_feeds_base_url_and_serves_on_the_port_it_bound(crawled, tmp_path):
    import feedparser

    site, _ = crawled
    config, db = copy_site(site, tmp_path, '\n[feeds]\nbase_url = "https://feeds.example.org/"\n')
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "run", "--config", str(config), "--db", str(db),
                                "--out", str(tmp_path / "feeds"), "--host", "0.0.0.0", "--port", "0",
                                "--no-first-crawl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = ""
        while not line.startswith("subscribe:") and process.poll() is None:
            line = process.stdout.readline()
        port = int(re.search(r"http://[^/]+:(\d+)/index.html", line).group(1))
        assert port != 0
        body = get_when_served(f"http://127.0.0.1:{port}/all.atom")
        assert feedparser.parse(body).feed.links[0].href == "https://feeds.example.org/all.atom"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stderr
