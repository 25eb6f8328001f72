"""A crawl shared by workers (scrapy-redis) and one writer, against a real redis-server on 127.0.0.1."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter

import pytest

from bench.harness import RedisServer
from conftest import ROOT, Site, run_coopfeed
from redis_relay import CuttingRelay

ARTICLE_RE = re.compile(r"/art/|/wttimes/20|t20\d{6}_")


def content(db_path) -> set[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return set(conn.execute("select id, content_hash from items"))


STARTED: list[subprocess.Popen] = []


def coopfeed(*args: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    STARTED.append(process)
    return process


@pytest.fixture(autouse=True)
def no_process_left():
    """A failed test leaves no worker or writer running (they would wait for their Redis forever)."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.communicate()


def wait(processes: list[subprocess.Popen], timeout: float = 240, redis_url: str = "") -> list[tuple[int, str, str]]:
    """Each process's exit status, stdout and stderr; a timeout fails with their last lines and the queues."""
    try:
        return [(p.wait(timeout=timeout), *p.communicate()) for p in processes]
    except subprocess.TimeoutExpired:
        for process in processes:
            process.kill()
        tails = ["\n".join(p.communicate()[1].splitlines()[-8:]) for p in processes]
        queues = run_coopfeed("cluster", "status", "--cluster", redis_url).stdout if redis_url else ""
        pytest.fail("not done in time:\n" + "\n--\n".join(tails) + "\n--\n" + queues)


def failures(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("select count(*) from failures").fetchone()[0]


def busy(redis_server) -> bool:
    """Whether a source has requests queued or in flight (a round still going on)."""
    import json

    status = run_coopfeed("cluster", "status", "--cluster", redis_server.url, "--json")
    return any(source["queued"] or source["in_flight"] for source in json.loads(status.stdout)["sources"].values())


def stored(db_path) -> int:
    try:
        with sqlite3.connect(db_path) as conn:
            return conn.execute("select count(*) from items").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The replica with 500 generated articles per portal, and what one process stores from it."""
    served = Site(tmp_path_factory.mktemp("cluster"), synthetic=500)
    served.config.write_text(served.config.read_text().replace("[scrapy]", "[scrapy]\nCONCURRENT_REQUESTS_PER_DOMAIN = 2"))
    assert served.crawl().returncode == 0
    served.expected = content(served.db)
    yield served
    served.stop()


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


def cluster(site, redis_server, db, workers: int = 3):
    """Seed, then the workers and the writer (all exit once idle)."""
    seeded = run_coopfeed("cluster", "seed", "--config", str(site.config), "--cluster", redis_server.url)
    assert seeded.returncode == 0, seeded.stderr
    crawlers = [coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url,
                         "--exit-when-idle", "10") for _ in range(workers)]
    writer = coopfeed("cluster", "ingest", "--config", str(site.config), "--cluster", redis_server.url,
                      "--db", str(db), "--exit-when-idle", "15")
    return crawlers, writer


def test_three_workers_and_one_writer_store_what_one_process_stores_each_page_fetched_once(site, redis_server,
                                                                                             tmp_path):
    site.server.requests.clear()
    site.server.most_at_once.clear()
    site.server.latency = 0.02  # requests overlap: the politeness check below means something
    try:
        crawlers, writer = cluster(site, redis_server, tmp_path / "cluster.db")
        results = wait([*crawlers, writer])
    finally:
        site.server.latency = 0.0
    for code, _, stderr in results:
        assert code == 0 and "Traceback" not in stderr, stderr
    assert content(tmp_path / "cluster.db") == site.expected
    fetched = Counter(target for method, target, _ in site.server.requests if ARTICLE_RE.search(target))
    assert len(fetched) == len(site.expected) and set(fetched.values()) == {1}  # every article once
    portals = {"zj", "sx", "wttimes", "xznmx"}
    assert all(site.server.most_at_once.get(portal, 0) <= 2 for portal in portals), site.server.most_at_once
    runs = list(sqlite3.connect(tmp_path / "cluster.db").execute(
        "select source, status, new from crawl_runs order by source"))
    assert [(source, status) for source, status, _ in runs] == [
        (name, "finished") for name in sorted(["zj_news", "sx_hotnews", "wttimes", "xznmx", "xznmx_en"])]
    assert sum(new for _, _, new in runs) == len(site.expected)
    status = run_coopfeed("status", "--db", str(tmp_path / "cluster.db"))
    assert status.returncode == 0 and status.stdout.count(": ok;") == 5


def test_a_worker_running_before_the_seeds_follows_each_round_s_flags(site, redis_server, tmp_path):
    """Workers outlive rounds: one started before any seed crawls the first round, then a round seeded
    with --refresh fetches every stored article again (its flags are read when a round starts)."""
    db = tmp_path / "cluster.db"
    worker = coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url, "--exit-when-idle", "10")
    writer = coopfeed("cluster", "ingest", "--config", str(site.config), "--cluster", redis_server.url,
                      "--db", str(db), "--exit-when-idle", "15")
    seed = ["cluster", "seed", "--config", str(site.config), "--cluster", redis_server.url]
    time.sleep(2)  # the worker's spiders are open, with no round yet
    assert run_coopfeed(*seed).returncode == 0
    deadline = time.monotonic() + 120
    while (stored(db) < len(site.expected) or busy(redis_server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    site.server.requests.clear()
    refreshed = run_coopfeed(*seed, "--refresh")
    assert refreshed.returncode == 0 and refreshed.stdout.count("seeded") == 5, refreshed.stdout + refreshed.stderr
    for code, _, stderr in wait([worker, writer], redis_url=redis_server.url):
        assert code == 0, stderr
    fetched = Counter(target for method, target, _ in site.server.requests if ARTICLE_RE.search(target))
    assert len(fetched) == len(site.expected) and set(fetched.values()) == {1}
    assert content(db) == site.expected


def test_a_worker_killed_mid_crawl_and_started_again_loses_nothing(site, redis_server, tmp_path):
    db = tmp_path / "cluster.db"
    crawlers, writer = cluster(site, redis_server, db, workers=2)
    deadline = time.monotonic() + 120
    while stored(db) < 300 and time.monotonic() < deadline:
        time.sleep(0.2)
    crawlers[0].send_signal(signal.SIGKILL)
    crawlers[0].wait()
    again = coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url, "--exit-when-idle", "10")
    for code, _, stderr in wait([crawlers[1], again, writer]):
        assert code == 0, stderr
    assert content(db) == site.expected


def test_a_worker_runs_a_process_per_core_and_a_sigterm_stops_them_all_losing_nothing(site, redis_server, tmp_path):
    """One worker command is one worker per core (each listed); ``kill PID`` reaches its processes, which
    stop cleanly; the next worker finishes what they left."""
    import json

    db = tmp_path / "cluster.db"
    [crawler], writer = cluster(site, redis_server, db, workers=1)
    deadline = time.monotonic() + 120
    while stored(db) < 300 and time.monotonic() < deadline:
        time.sleep(0.2)
    children = [int(pid) for pid in open(f"/proc/{crawler.pid}/task/{crawler.pid}/children").read().split()]
    status = json.loads(run_coopfeed("cluster", "status", "--cluster", redis_server.url, "--json").stdout)
    processes = min(os.cpu_count() or 1, 4)  # 4 sources
    assert len(status["workers"]) == processes and len(children) == (processes if processes > 1 else 0)
    crawler.send_signal(signal.SIGTERM)
    [(_, _, stderr)] = wait([crawler], timeout=60)
    assert "Traceback" not in stderr and not any(os.path.exists(f"/proc/{pid}") for pid in children)
    again = coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url, "--exit-when-idle", "10")
    for code, _, stderr in wait([again, writer]):
        assert code == 0, stderr
    assert content(db) == site.expected


def test_the_writer_killed_mid_ingest_and_started_again_loses_and_repeats_nothing(site, redis_server, tmp_path):
    db = tmp_path / "cluster.db"
    crawlers, writer = cluster(site, redis_server, db, workers=2)
    deadline = time.monotonic() + 120
    while stored(db) < 500 and time.monotonic() < deadline:
        time.sleep(0.1)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    again = coopfeed("cluster", "ingest", "--config", str(site.config), "--cluster", redis_server.url,
                     "--db", str(db), "--exit-when-idle", "15")
    for code, _, stderr in wait([*crawlers, again]):
        assert code == 0, stderr
    assert content(db) == site.expected
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*), count(distinct id) from ingested").fetchone()[0] == \
            conn.execute("select count(distinct id) from ingested").fetchone()[0]
        assert conn.execute("select count(*) from failures").fetchone()[0] == 0
        news = conn.execute("select sum(new) from crawl_runs where status = 'finished'").fetchone()[0]
    assert news <= len(site.expected)


def test_redis_stopped_and_started_again_is_one_line_each_and_the_crawl_goes_on(site, redis_server, tmp_path):
    db = tmp_path / "cluster.db"
    crawlers, writer = cluster(site, redis_server, db, workers=2)
    deadline = time.monotonic() + 120
    while stored(db) < 300 and time.monotonic() < deadline:
        time.sleep(0.2)
    redis_server.stop()
    time.sleep(4)
    redis_server.start()
    results = wait([*crawlers, writer], redis_url=redis_server.url)
    for code, _, stderr in results:
        assert code == 0, stderr
        assert stderr.count("Redis unreachable") <= 1 and "Traceback" not in stderr
    assert sum("Redis unreachable" in stderr for _, _, stderr in results) >= 2
    for _, _, stderr in results:
        assert stderr.count("Redis is back") == stderr.count("Redis unreachable"), stderr
    assert content(db) == site.expected
    assert failures(db) == 0


def test_redis_going_away_again_and_again_loses_nothing_and_records_no_false_failure(site, redis_server, tmp_path):
    """Outages at random moments: requests taken or done while Redis went away are neither lost (queued again)
    nor recorded as failed pages."""
    db = tmp_path / "cluster.db"
    crawlers, writer = cluster(site, redis_server, db, workers=2)
    outages = random.Random(12)
    for threshold in (100, 600, 1200):
        deadline = time.monotonic() + 120
        while stored(db) < threshold and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(outages.random())
        redis_server.stop()
        time.sleep(outages.choice([0.3, 1, 3]))
        redis_server.start()
    for code, _, stderr in wait([*crawlers, writer], redis_url=redis_server.url):
        assert code == 0 and "Traceback" not in stderr, stderr
    assert content(db) == site.expected
    assert failures(db) == 0


def test_a_worker_cut_off_right_after_a_page_is_acked_has_already_queued_the_page_s_links(site, redis_server,
                                                                                          tmp_path):
    """The moment a list page leaves the in-flight hash, its links are queued: a worker that loses Redis for
    good right after that command (its machine unplugged) leaves nothing of the page only in its memory."""
    import redis

    watch = redis.Redis.from_url(redis_server.url)

    def acks(command: list[bytes]) -> bool:  # names a request in flight: takes it off the hash
        fields = {field for key in watch.scan_iter("coopfeed:inflight:*") for field in watch.hkeys(key)}
        return bool(fields.intersection(command[1:]))

    seeded = run_coopfeed("cluster", "seed", "--config", str(site.config), "--cluster", redis_server.url)
    assert seeded.returncode == 0, seeded.stderr
    relay = CuttingRelay(redis_server.port, acks)
    try:
        worker = coopfeed("crawl", "--config", str(site.config), "--cluster", relay.url, "--exit-when-idle", "60",
                          "--give-up-after", "2")
        assert relay.wait_for_cut(timeout=60)
        [(code, _, stderr)] = wait([worker], timeout=60)
    finally:
        relay.close()
    assert code == 1 and "gave up" in stderr and "Traceback" not in stderr, stderr
    db = tmp_path / "cluster.db"
    again = coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url, "--exit-when-idle", "10")
    writer = coopfeed("cluster", "ingest", "--config", str(site.config), "--cluster", redis_server.url,
                      "--db", str(db), "--exit-when-idle", "15")
    for code, _, stderr in wait([again, writer], redis_url=redis_server.url):
        assert code == 0, stderr
    assert content(db) == site.expected


def test_a_redis_gone_for_good_is_given_up_on_with_one_line_and_nothing_is_lost(site, redis_server, tmp_path):
    db = tmp_path / "cluster.db"
    seeded = run_coopfeed("cluster", "seed", "--config", str(site.config), "--cluster", redis_server.url)
    assert seeded.returncode == 0, seeded.stderr
    patient = ["--cluster", redis_server.url, "--exit-when-idle", "60", "--give-up-after", "3"]
    started = [coopfeed("crawl", "--config", str(site.config), *patient),
               coopfeed("cluster", "ingest", "--config", str(site.config), "--db", str(db), *patient)]
    deadline = time.monotonic() + 120
    while stored(db) < 300 and time.monotonic() < deadline:
        time.sleep(0.2)
    redis_server.stop()
    for code, _, stderr in wait(started, timeout=60):
        assert code == 1 and "Traceback" not in stderr, stderr
        assert stderr.count("gave up") == 1 and stderr.count("Redis unreachable (") == 1, stderr
    assert 300 <= stored(db) < len(site.expected)
    redis_server.start()  # the same data: what was in flight is crawled by the next worker
    crawlers, writer = [coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url,
                                 "--exit-when-idle", "10")], coopfeed(
        "cluster", "ingest", "--config", str(site.config), "--cluster", redis_server.url, "--db", str(db),
        "--exit-when-idle", "15")
    for code, _, stderr in wait([*crawlers, writer], redis_url=redis_server.url):
        assert code == 0, stderr
    assert content(db) == site.expected


def test_run_with_a_cluster_seeds_stores_what_the_workers_send_and_publishes_the_feeds(site, redis_server, tmp_path):
    import feedparser

    db, out = tmp_path / "run.db", tmp_path / "public"
    runner = coopfeed("run", "--config", str(site.config), "--db", str(db), "--out", str(out), "--port", "0",
                      "--cluster", redis_server.url)
    try:
        worker = coopfeed("crawl", "--config", str(site.config), "--cluster", redis_server.url,
                          "--exit-when-idle", "10")
        [(code, _, stderr)] = wait([worker])
        assert code == 0, stderr
        deadline = time.monotonic() + 60
        while content(db) != site.expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert content(db) == site.expected
        while time.monotonic() < deadline and len(feedparser.parse(out / "all.atom").entries) < 50:
            time.sleep(0.5)  # the feeds are rebuilt once the writer has finished a source's round
        assert len(feedparser.parse(out / "all.atom").entries) == 50
    finally:
        runner.send_signal(signal.SIGINT)
        _, stderr = runner.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert all(f"{name}: seeded" in stderr for name in ("zj_news", "sx_hotnews", "wttimes", "xznmx"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from crawl_runs where status = 'finished'").fetchone()[0] >= 4


def test_run_with_an_unreachable_cluster_is_one_line(site, tmp_path):
    result = run_coopfeed("run", "--config", str(site.config), "--db", str(tmp_path / "x.db"), "--port", "0",
                          "--cluster", "redis://127.0.0.1:9/0")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Redis unreachable" in result.stderr


def test_cluster_commands_without_redis_are_one_line(site, tmp_path):
    for args in (["cluster", "seed"], ["cluster", "status"]):
        result = run_coopfeed(*args, "--config", str(site.config), "--cluster", "redis://127.0.0.1:9/0")
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Redis unreachable" in result.stderr
    result = run_coopfeed("cluster", "status", "--config", str(site.config))
    assert result.returncode == 1 and "no Redis address" in result.stderr
