"""Cluster benchmark: workers sharing a Redis frontier against a local crawl, in the same run.

    python bench/cluster.py [--synthetic N] [--rounds R] [--json]

Needs ``redis-server`` (Debian package ``redis-server``). For each round, on
the replica with N generated articles per portal and alternating: a local
`coopfeed crawl` into a fresh store (its sources spread over one process per
core, the default), the same with one process (``COOPFEED_CRAWL_PROCESSES = 1``:
one Scrapy process, its extraction pool on both cores); then a cluster crawl
with 1 worker (`coopfeed cluster seed`, one `coopfeed crawl --cluster`, one
`coopfeed cluster ingest`, all exiting once idle, on a fresh Redis and store;
the worker's sources spread over one process per core, like the local
crawl's); the same with the worker in one process (against the one-process
local crawl: what Redis costs, process for process); then 2 workers. Every
time is from the start (of the seed, for the cluster) to the moment the store
holds every article (its row count polled every 20 ms): the cluster's idle
wait at the end and the local crawl's exit and topic assignment are not
counted (the local crawl's whole-process time is printed beside it). Every
store is checked against a first crawl made before the timed runs. The CPU
seconds of every run's processes (Redis, seed, workers, writer; for the local
crawl, its processes) are printed too, from ``getrusage(RUSAGE_CHILDREN)``;
they include the cluster's idle wait.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import RedisServer, median, timed, write_bench_config  # noqa: E402
from replica import Replica, ReplicaServer  # noqa: E402

PER_SOURCE = 8
IDLE = 5


def content(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("select id, content_hash from items"))


def cluster_seconds(config: Path, work: Path, workers: int, label: str, articles: int) -> tuple[float, set]:
    """Seconds from seeding to the last article stored, with ``workers`` workers; and what was stored."""
    db = work / f"{label}.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with RedisServer(work / f"redis-{label}") as redis_server:
        coopfeed = [sys.executable, "-m", "coopfeed"]
        started = time.monotonic()  # the seed, the workers and the writer start together (as a cron job's
        # seed would find workers and a writer running, waiting for work)
        seed = subprocess.Popen([*coopfeed, "cluster", "seed", "--config", str(config), "--cluster",
                                 redis_server.url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        processes = [subprocess.Popen([*coopfeed, "crawl", "--config", str(config), "--cluster", redis_server.url,
                                       "--exit-when-idle", str(IDLE)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, env=env) for _ in range(workers)]
        processes.append(subprocess.Popen([*coopfeed, "cluster", "ingest", "--config", str(config), "--cluster",
                                           redis_server.url, "--db", str(db), "--exit-when-idle", str(IDLE)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        seconds = until_stored(db, articles, [seed, *processes]) - started
    return seconds, content(db)


def local_seconds(config: Path, db: Path, articles: int) -> tuple[float, float]:
    """A local crawl's seconds to the last article stored, and its whole-process seconds (with its exit and
    the topic assignment after the crawl)."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(db)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    stored = until_stored(db, articles, [process])
    return stored - started, time.monotonic() - started


def until_stored(db: Path, articles: int, processes: list[subprocess.Popen]) -> float:
    """When (monotonic) ``db`` first held ``articles`` items, checked every 20 ms; waits for the processes to
    end and fails when one failed."""
    stored_at = None
    while stored_at is None and any(process.poll() is None for process in processes):
        if stored_rows(db) >= articles:
            stored_at = time.monotonic()
        time.sleep(0.02)
    for process in processes:
        if process.wait() != 0:
            raise SystemExit("bench: a crawl process failed")
    return stored_at or time.monotonic()


def stored_rows(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as conn:
            return conn.execute("select count(*) from items").fetchone()[0]
    except sqlite3.Error:
        return 0  # not made yet, or its schema not yet


def children_cpu() -> float:
    """CPU seconds (user and system) of this process's ended children and their waited-for descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"local_whole_process": [], "local": [], "local_1_process_whole_process": [],
                                    "local_1_process": [], "cluster_1_worker": [],
                                    "cluster_1_worker_1_process": [], "cluster_2_workers": []}
    cpu: dict[str, list[float]] = {}  # CPU seconds of every process of a run (Redis, seed, writer included)
    expected = None
    with ReplicaServer(Replica(synthetic=args.synthetic)) as server, tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            work = Path(folder) / f"round{round_number}"
            work.mkdir()
            config = write_bench_config(work, server.base_url, PER_SOURCE, topics=False)
            if expected is None:  # a first crawl, not timed: the rows every run must store
                timed([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(work / "x.db")])
                expected = content(work / "x.db")
            one = work / "one-process.toml"
            one.write_text(config.read_text().replace("[scrapy]", "[scrapy]\nCOOPFEED_CRAWL_PROCESSES = 1"))
            for key, local_config in (("local", config), ("local_1_process", one)):
                before = children_cpu()
                to_stored, whole = local_seconds(local_config, work / f"{key}.db", len(expected))
                cpu.setdefault(key, []).append(round(children_cpu() - before, 2))
                if content(work / f"{key}.db") != expected:
                    raise SystemExit(f"bench: {key} stored other rows")
                runs[key].append(round(to_stored, 2))
                runs[f"{key}_whole_process"].append(round(whole, 2))
            for workers, key, worker_config in ((1, "cluster_1_worker", config), (1, "cluster_1_worker_1_process", one),
                                                (2, "cluster_2_workers", config)):
                before = children_cpu()
                seconds, stored = cluster_seconds(worker_config, work, workers, key, len(expected))
                cpu.setdefault(key, []).append(round(children_cpu() - before, 2))
                if stored != expected:
                    raise SystemExit(f"bench: the cluster with {workers} worker(s) stored other rows")
                runs[key].append(round(seconds, 2))
    medians = {key: median(values) for key, values in runs.items()}
    result = {"articles": len(expected), "runs": runs, "median_seconds": medians,
              "median_cpu_seconds": {key: median(values) for key, values in cpu.items()},
              "overhead_1_worker": round(medians["cluster_1_worker"] / medians["local"] - 1, 3),
              "overhead_1_process": round(medians["cluster_1_worker_1_process"] / medians["local_1_process"] - 1, 3),
              "speedup_2_workers": round(medians["cluster_1_worker"] / medians["cluster_2_workers"], 2)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['articles']} articles, {args.rounds} alternated rounds (medians):")
    print(f"  local crawl            {medians['local']:7.2f} s  (whole process {medians['local_whole_process']:.2f} s)")
    print(f"  local, one process     {medians['local_1_process']:7.2f} s  "
          f"(whole process {medians['local_1_process_whole_process']:.2f} s)")
    print(f"  cluster, 1 worker      {medians['cluster_1_worker']:7.2f} s  ({result['overhead_1_worker']:+.1%} against "
          "the local crawl)")
    print(f"  1 worker, one process  {medians['cluster_1_worker_1_process']:7.2f} s  "
          f"({result['overhead_1_process']:+.1%} against the local crawl in one process)")
    print(f"  cluster, 2 workers     {medians['cluster_2_workers']:7.2f} s  "
          f"({result['speedup_2_workers']}x the 1-worker speed)")
    print("  CPU seconds of all the run's processes: " + ", ".join(
        f"{key} {value:.1f}" for key, value in result["median_cpu_seconds"].items()))


if __name__ == "__main__":
    main()
