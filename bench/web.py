"""Web pages benchmark: each page over HTTP from a running `coopfeed serve` on a big store, against plain
sqlite3 queries of the same rows.

    python bench/web.py --dir DIR [--requests N] [--json]      # DIR/coopfeed.db from bench/bigstore.py
    python bench/web.py --items N --dir DIR [--requests N]     # builds the store first

Setup (once per folder): the feeds are built (`coopfeed feeds build`, which assigns the topics), and a
store without crawl runs gets 30 runs, some failures and a status per source (written with the
store's own code), so that the sources page has something to show. Then `coopfeed serve` runs in its
own process and every page is asked for N times over one keep-alive connection, cycling through
its URLs (several articles, several queries per search class), after one request of each URL that is
not counted (its time is printed as "first"). The baseline opens the store with sqlite3 in this
process and runs the plain queries for what the page shows (no HTTP, no HTML), N times or, when they
are slow, for 5 seconds (at least 5 runs). Prints p50 and p95 in milliseconds per page, and how the
pages' statements read items (EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NEWEST = "coalesce(published_utc, first_seen)"
QUERIES = {
    "search_english": ["Zhejiang", "Sichuan", "cooperation", "solar farm", "Qiandongnan", "teachers", "herders"],
    "search_chinese_3plus": ["杭州市", "援藏工作", "尼玛县", "对口支援", "那曲市", "牦牛产业", "易地搬迁"],
    "search_chinese_2": ["援藏", "那曲", "四川", "牧民", "医院", "培训", "道路"],
}
#: A plain query slower than this budget (seconds) is run MIN_BASELINE times only, not N.
BASELINE_SECONDS = 5.0
MIN_BASELINE = 5
ROW = "items.id, items.title, items.published, items.first_seen, items.source, items.language, items.text"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="folder of the store (coopfeed.db, sources.toml)")
    parser.add_argument("--items", type=int, help="build a store of this many items first (bench/bigstore.py)")
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    db, out = prepare(args.dir, args.items)
    urls = page_urls(db)
    with serving(out, db) as port:
        ours = {name: measure_http(port, paths, args.requests) for name, paths in urls.items()}
    plain = measure_sqlite(db, urls, args.requests)
    result = {"items": count(db, "items"), "requests": args.requests,
              "pages": {name: {**ours[name], **plain[name], "example": urls[name][0]} for name in urls},
              "plans": query_plans(out, db, urls)}
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    print(f"{result['items']} items; milliseconds, {args.requests} requests per page")
    print(f"  {'page':22} {'first':>7} {'p50':>7} {'p95':>7} | {'sqlite3 p50':>11} {'p95':>7}")
    for name, row in result["pages"].items():
        print(f"  {name:22} {row['first_ms']:7.1f} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} | "
              f"{row['sqlite3_p50_ms']:11.2f} {row['sqlite3_p95_ms']:7.2f}")
    print("how the pages read items and item_topics (EXPLAIN QUERY PLAN of every statement they ran):")
    for line, statements in result["plans"].items():
        print(f"  {statements:3} x {line}")


def prepare(folder: Path, items: int | None) -> tuple[Path, Path]:
    """The store (built with bench/bigstore.py when asked), its feeds, and crawl runs to show."""
    db, out = folder / "coopfeed.db", folder / "public"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not db.exists():
        if not items:
            raise SystemExit(f"bench: {db} does not exist: give --items N to build it")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "bigstore.py"), str(items), "--out", str(db)],
                       check=True, env=env)
    if not (out / "topics.opml").exists():
        subprocess.run([sys.executable, "-m", "coopfeed", "feeds", "build", "--config", str(folder / "sources.toml"),
                        "--db", str(db), "--out", str(out)], check=True, env=env, stdout=subprocess.DEVNULL)
    if not count(db, "crawl_runs"):
        add_runs(db)
    return db, out


def add_runs(db: Path, runs: int = 30) -> None:
    """``runs`` crawl runs a source, every 6 hours, with a few failures; one source degraded."""
    from datetime import datetime, timedelta, timezone

    from storage import Store
    from storage.health import DEGRADED, OK, Verdict

    start = datetime(2026, 11, 23, tzinfo=timezone.utc)
    with Store(db) as store:
        sources = [name for (name,) in store.db.execute("select name from sources order by name")]
        for index, source in enumerate(sources):
            for run in range(runs):
                started = start + timedelta(hours=6 * run, minutes=index)
                failed = 1 if (run + index) % 7 == 0 else 0
                store.record_run(source, started.isoformat(), (started + timedelta(minutes=2)).isoformat(),
                                 pages=20, new=(run * 7 + index) % 12, unchanged=15, failed=failed, links=20,
                                 listing_complete=1)
                if failed:
                    store.record_failure(source, f"http://example.invalid/{source}/{run}.html", "HTTP 500",
                                         kind="http", now=(started + timedelta(minutes=1)).isoformat(),
                                         run_started=started.isoformat())
            verdict = Verdict(DEGRADED, "1 of 21 article pages failed (http 1)") if index == 1 else Verdict(OK)
            store.set_health(source, verdict)


def page_urls(db: Path) -> dict[str, list[str]]:
    """The URLs asked for, per page."""
    with sqlite3.connect(db) as conn:
        ids = [row[0] for row in conn.execute("select id from items where rowid % 997 = 1 limit 20")]
        topics = dict(conn.execute("select topic, count(*) from item_topics group by topic").fetchall())
        small = min(topics, key=topics.get)
        before = conn.execute(f"select {NEWEST}, rowid from items indexed by idx_items_newest "
                              f"order by {NEWEST} desc, rowid desc limit 1 offset 2000").fetchone()
    return {
        "/": ["/"],
        "/topics/all": ["/topics/all"],
        f"/topics/{small}": [f"/topics/{small}"],
        "/topics/all (page 101)": [f"/topics/all?before={quote(before[0])},{before[1]}"],
        "/articles/<id>": [f"/articles/{item_id}" for item_id in ids],
        **{name: [f"/search?q={quote(query)}" for query in queries] for name, queries in QUERIES.items()},
        "/sources": ["/sources"],
    }


class serving:
    """`coopfeed serve` in its own process on a free port."""

    def __init__(self, out: Path, db: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.command = [sys.executable, "-m", "coopfeed", "serve", "--out", str(out), "--db", str(db),
                        "--port", str(self.port)]

    def __enter__(self) -> int:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self.port
            except OSError:
                time.sleep(0.1)
        raise SystemExit("bench: coopfeed serve did not start")

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(30)


def measure_http(port: int, paths: list[str], requests: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    first = [fetch(connection, path) for path in paths]
    times = [fetch(connection, paths[n % len(paths)]) for n in range(requests)]
    connection.close()
    return {"first_ms": ms(max(first)), "p50_ms": ms(percentile(times, 0.5)), "p95_ms": ms(percentile(times, 0.95))}


def fetch(connection: http.client.HTTPConnection, path: str) -> float:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"bench: {path}: HTTP {response.status}")
    return time.perf_counter() - started


def measure_sqlite(db: Path, urls: dict[str, list[str]], requests: int) -> dict:
    """The plain queries for what each page shows, timed in this process on one connection."""
    conn = sqlite3.connect(db)
    ids = [path.rsplit("/", 1)[1] for path in urls["/articles/<id>"]]
    small = next(name for name in urls if name.startswith("/topics/") and name != "/topics/all" and "(" not in name)
    topic = (f"select {ROW} from items join item_topics on item_topics.item_id = items.id where topic = ? "
             f"order by {NEWEST} desc limit 20")
    fts = f"select {ROW} from items_fts join items on items.rowid = items_fts.rowid where items_fts match ? limit 20"
    pairs = f"select {ROW} from items_cjk join items on items.rowid = items_cjk.rowid where items_cjk match ? limit 20"
    work = {
        "/": lambda n: conn.execute("select topic, count(*) from item_topics group by topic").fetchall(),
        "/topics/all": lambda n: conn.execute(topic, ["all"]).fetchall(),
        small: lambda n: conn.execute(topic, [small.rsplit("/", 1)[1]]).fetchall(),
        "/topics/all (page 101)": lambda n: conn.execute(topic + " offset 2000", ["all"]).fetchall(),
        "/articles/<id>": lambda n: conn.execute("select * from items where id = ?", [ids[n % len(ids)]]).fetchall(),
        **{name: (lambda queries, sql: lambda n: conn.execute(sql, [f'"{queries[n % len(queries)]}"']).fetchall())(
            queries, pairs if name == "search_chinese_2" else fts) for name, queries in QUERIES.items()},
        "/sources": lambda n: sources_baseline(conn),
    }
    result = {}
    for name, run in work.items():
        run(0)
        times: list[float] = []
        budget = time.perf_counter() + BASELINE_SECONDS
        for n in range(requests):
            started = time.perf_counter()
            run(n)
            times.append(time.perf_counter() - started)
            if len(times) >= MIN_BASELINE and time.perf_counter() > budget:
                break  # a slow plain query: enough runs to show it
        result[name] = {"sqlite3_p50_ms": ms(percentile(times, 0.5), 2),
                        "sqlite3_p95_ms": ms(percentile(times, 0.95), 2)}
    conn.close()
    return result


def query_plans(out: Path, db: Path, urls: dict[str, list[str]]) -> dict[str, int]:
    """Every plan line on items or item_topics of the statements the pages run (in this process)."""
    from collections import Counter
    from urllib.parse import parse_qsl, unquote, urlsplit

    from served.app import Pages, route

    pages = Pages(out, db)
    statements: list[str] = []
    pages.store().db.conn.set_trace_callback(statements.append)
    for paths in urls.values():
        for path in paths:
            parts = urlsplit(path)
            view, args = route(unquote(parts.path))
            pages.page(view, dict(parse_qsl(parts.query)), args)
    pages.store().db.conn.set_trace_callback(None)
    lines: Counter = Counter()
    with sqlite3.connect(db) as conn:
        for sql in set(statements):
            if sql.lstrip().lower().startswith("select"):
                for row in conn.execute("explain query plan " + sql):
                    if re.match(r"(SCAN|SEARCH) (items|item_topics)\b", row[-1]):
                        lines[row[-1]] += 1
    return dict(lines.most_common())


def sources_baseline(conn: sqlite3.Connection) -> None:
    for (name,) in conn.execute("select name from sources").fetchall():
        conn.execute("select * from crawl_runs where source = ? order by started desc limit 20", [name]).fetchall()
        conn.execute("select count(*), max(first_seen) from items where source = ?", [name]).fetchall()
        conn.execute("select kind, count(*) from failures where source = ? group by kind", [name]).fetchall()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(seconds: float, digits: int = 1) -> float:
    return round(seconds * 1000, digits)


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


if __name__ == "__main__":
    main()
