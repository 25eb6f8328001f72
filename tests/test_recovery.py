"""A crawl that loses nothing: kill -9 and resume, pages fixed later, a locked store, parallel crawls."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlite_utils

from conftest import ROOT, Site, run_coopfeed
from replica.truth import expected_articles, expected_failures
from storage import Store


def content(db_path) -> set[tuple[str, str]]:
    """(id, content_hash) of every stored item."""
    return {(row[0], row[1]) for row in sqlite3.connect(db_path).execute("select id, content_hash from items")}


def start_crawl(site: Site, db_path, *names: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "coopfeed", "crawl", "--config", str(site.config),
                             "--db", str(db_path), *names], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture
def big_site(tmp_path):
    served = Site(tmp_path, synthetic=500)
    yield served
    served.stop()


def test_kill_9_at_five_points_then_a_plain_crawl_stores_what_an_uninterrupted_crawl_stores(big_site, tmp_path):
    reference = big_site.crawl()
    assert reference.returncode == 0, reference.stderr
    expected = content(big_site.db)
    assert len(expected) == len(expected_articles(big_site.replica, big_site.base_url)) == 2043
    victim = tmp_path / "victim.db"
    chance = random.Random(2026)
    kills = 0
    for delay in [0.4] + [chance.uniform(1.5, 3.0) for _ in range(5)]:  # once at start-up, then mid-crawl
        process = start_crawl(big_site, victim)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate(timeout=60)
    assert kills >= 5
    partial = content(victim)
    assert 0 < len(partial) < len(expected)  # killed in the middle: articles are still missing
    assert partial <= expected
    resumed = run_coopfeed("crawl", "--config", str(big_site.config), "--db", str(victim))
    assert resumed.returncode == 0, resumed.stderr
    assert content(victim) == expected
    statuses = [row[0] for row in sqlite3.connect(victim).execute("select status from crawl_runs")]
    assert "interrupted" in statuses and "running" not in statuses
    assert run_coopfeed("crawl", "--config", str(big_site.config), "--db", str(victim)).returncode == 0
    assert content(victim) == expected  # and the next crawl adds nothing


def with_processes(site: Site, count: int, tmp_path):
    """A copy of the site's config crawling with ``count`` processes."""
    config = tmp_path / f"processes-{count}.toml"
    config.write_text(site.config.read_text().replace("[scrapy]", f"[scrapy]\nCOOPFEED_CRAWL_PROCESSES = {count}"))
    return config


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def test_a_crawl_spread_over_processes_stores_what_one_process_stores_and_dies_whole_on_kill_9(big_site, tmp_path):
    one, two = with_processes(big_site, 1, tmp_path), with_processes(big_site, 2, tmp_path)
    for config, db in ((one, tmp_path / "one.db"), (two, tmp_path / "two.db")):
        result = run_coopfeed("crawl", "--config", str(config), "--db", str(db))
        assert result.returncode == 0, result.stderr
    assert content(tmp_path / "one.db") == content(tmp_path / "two.db")
    assert len(content(tmp_path / "two.db")) == 2043
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "crawl", "--config", str(two), "--db",
                                str(tmp_path / "killed.db")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2)
    crawls = children(process.pid)
    family = crawls + [pid for child in crawls for pid in children(child)]
    assert len(crawls) == 2 and process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in family if alive(pid)]  # no crawl goes on without its parent


def test_a_crawl_process_that_dies_is_a_failed_run_of_its_sources_and_the_others_finish(big_site, tmp_path):
    config, db = with_processes(big_site, 2, tmp_path), tmp_path / "coopfeed.db"
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    first = min(children(process.pid))  # crawls zj_news, wttimes and xznmx_en (sources dealt out in turn)
    os.kill(first, signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and "Traceback" not in stderr
    runs = dict(sqlite3.connect(db).execute("select source, status from crawl_runs"))
    assert runs["zj_news"] == runs["wttimes"] == "failed"
    assert runs["sx_hotnews"] == runs["xznmx"] == "finished"
    assert "exit status -9" in stderr


def test_pages_broken_in_the_first_crawl_and_fixed_later_are_all_stored_by_the_next_plain_crawl(site):
    first = site.crawl()
    broken = {url for _, url, kind in expected_failures(site.replica, site.base_url) if kind != "date"}
    db = sqlite_utils.Database(site.db)
    assert broken == {row["url"] for row in db.query("select url from failed_pages")}
    assert first.returncode == 0
    site.replica.fix_faults()
    second = site.crawl()
    assert second.returncode == 0, second.stderr
    stored = {row["url"] for row in db.query("select url from items")}
    assert broken <= stored
    assert len(stored) == len({row["url"] for row in expected_articles(site.replica, site.base_url)})
    assert db["failed_pages"].count == 0
    status = run_coopfeed("status", "--db", str(site.db))
    assert status.returncode == 0 and "degraded" not in status.stdout


def test_a_page_that_keeps_failing_is_retried_with_backoff_then_given_up(site):
    site.crawl("zj_news")
    db = sqlite_utils.Database(site.db)
    missing = site.base_url + "/zj/art/2018/10/9/art_5798_2293000.html"
    assert db["failed_pages"].get(("zj_news", missing))["attempts"] == 1
    site.server.requests.clear()
    site.crawl("zj_news")  # tried again at once
    assert db["failed_pages"].get(("zj_news", missing))["attempts"] == 2
    assert "/zj/art/2018/10/9/art_5798_2293000.html" in site.server.fetched()
    site.server.requests.clear()
    site.crawl("zj_news")  # the next attempt waits an hour
    assert "/zj/art/2018/10/9/art_5798_2293000.html" not in site.server.fetched()
    db.execute("update failed_pages set attempts = 9, next_attempt = '2000-01-01T00:00:00+00:00'")
    db.conn.commit()
    result = site.crawl("zj_news")
    assert "given up after 10 attempts" in result.stderr
    assert db["failed_pages"].get(("zj_news", missing))["given_up"] == 1
    assert "2 given up" in run_coopfeed("status", "--db", str(site.db)).stdout


def test_a_store_locked_by_another_process_for_seconds_loses_no_article(site):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(site.db)!r}, isolation_level=None)\n"
        "c.execute('pragma journal_mode=wal'); c.execute('create table if not exists hold (x)')\n"
        "c.execute('begin immediate'); c.execute('insert into hold values (1)')\n"
        "print('locked', flush=True); time.sleep(6); c.execute('commit')\n")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    result = site.crawl()
    holder.wait(timeout=30)
    assert "not stored" not in result.stderr and "locked" not in result.stderr
    stored = {row[0] for row in sqlite3.connect(site.db).execute("select url from items")}
    assert stored == {row["url"] for row in expected_articles(site.replica, site.base_url)}


def test_three_feed_builds_at_once_all_finish(crawled, tmp_path):
    site, _ = crawled
    builds = [subprocess.Popen([sys.executable, "-m", "coopfeed", "feeds", "build", "--config", str(site.config),
                                "--db", str(site.db), "--out", str(tmp_path / f"out{n}")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}) for n in range(3)]
    for build in builds:
        _, stderr = build.communicate(timeout=120)
        assert build.returncode == 0, stderr
    assert all((tmp_path / f"out{n}" / "all.atom").exists() for n in range(3))


def test_a_second_crawl_of_the_same_source_refuses_with_one_line_others_run_beside_it(site):
    first = start_crawl(site, site.db, "sx_hotnews")  # its slow page keeps it busy for seconds
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with Store(site.db) as store:
            if any(run["status"] == "running" for run in store.runs("sx_hotnews")):
                break
        time.sleep(0.1)
    second = site.crawl("sx_hotnews", "wttimes")
    other = site.crawl("wttimes")
    first.communicate(timeout=60)
    assert second.returncode == 75 and second.stdout == ""
    assert second.stderr.strip().splitlines() == [
        second.stderr.strip()] and "sx_hotnews is being crawled by another process (pid" in second.stderr
    assert other.returncode == 0 and "wttimes: 9 new" in other.stdout


def test_a_dataproxy_answering_a_maintenance_page_is_a_list_failure_and_the_next_crawl_catches_up(site):
    site.replica.proxy_down.add("zj")
    first = site.crawl("zj_news")
    assert "dataproxy answer holds no datastore" in first.stderr
    db = sqlite_utils.Database(site.db)
    run = db.execute("select listing_complete, status from crawl_runs").fetchone()
    assert run == (0, "finished")
    assert db["sources"].get("zj_news")["status"] == "degraded"
    site.replica.proxy_down.clear()
    site.crawl("zj_news")  # the listing was incomplete: every list page is read again
    stored = {row[0] for row in db.execute("select url from items")}
    assert stored == {row["url"] for row in expected_articles(site.replica, site.base_url)
                      if row["source"] == "zj_news"}


def test_a_page_cut_before_its_body_is_a_body_failure_not_an_article(tmp_path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    (tmp_path / "news" / "2024").mkdir(parents=True)
    (tmp_path / "news" / "index.html").write_text(
        '<html><body><a href="/news/2024/05-01-123456.html">Zhejiang and Sichuan sign a new cooperation '
        'agreement</a></body></html>', encoding="utf-8")
    (tmp_path / "news" / "2024" / "05-01-123456.html").write_text(
        "<html><head><title>Zhejiang and Sichuan sign a new cooperation agreement</title></head><body>"
        "<article><h1>Zhejiang and Sichuan sign a new cooperation agreement</h1><p>Site nav</p>", encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        config = tmp_path / "sources.toml"
        config.write_text('[defaults]\ndownload_delay = 0.0\n[[source]]\nname = "cut"\nprofile = "generic"\n'
                          f'start_urls = ["http://127.0.0.1:{server.server_address[1]}/news/index.html"]\n')
        result = run_coopfeed("crawl", "--config", str(config), "--db", str(tmp_path / "cut.db"))
    finally:
        server.shutdown()
    db = sqlite_utils.Database(tmp_path / "cut.db")
    assert db["items"].count == 0
    [failure] = db["failures"].rows
    assert failure["kind"] == "body" and "implausibly short (2 words)" in failure["reason"]
    assert "cut: 0 new" in result.stdout
