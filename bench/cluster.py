"""Cluster benchmark: workers sharing a Redis frontier against a local crawl, in the same run.

    python bench/cluster.py [--synthetic N] [--rounds R] [--json]

Needs ``redis-server`` (Debian package ``redis-server``). For each round, on
the replica with N generated articles per portal and alternating: a local
`coopfeed crawl` into a fresh store (its sources spread over one process per
core, the default), the same with one process (``COOPFEED_CRAWL_PROCESSES = 1``:
like a worker, one Scrapy process, its extraction pool on both cores); then a
cluster crawl with 1 worker
(`coopfeed cluster seed`, one `coopfeed crawl --cluster`, one `coopfeed cluster
ingest`, all exiting once idle, on a fresh Redis and store); then the same
with 2 workers. The cluster's time is from the seed to the last row stored
(the idle wait at the end is not counted: the writer's run records say when
the last round finished). Every store is checked against the local one.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
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


def cluster_seconds(config: Path, work: Path, workers: int) -> tuple[float, set]:
    """Seconds from seeding to the last round finished, with ``workers`` workers; and what was stored."""
    db = work / f"cluster{workers}.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with RedisServer(work / f"redis{workers}") as redis_server:
        coopfeed = [sys.executable, "-m", "coopfeed"]
        started = time.time()
        subprocess.run([*coopfeed, "cluster", "seed", "--config", str(config), "--cluster", redis_server.url],
                       check=True, capture_output=True, env=env)
        processes = [subprocess.Popen([*coopfeed, "crawl", "--config", str(config), "--cluster", redis_server.url,
                                       "--exit-when-idle", str(IDLE)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, env=env) for _ in range(workers)]
        processes.append(subprocess.Popen([*coopfeed, "cluster", "ingest", "--config", str(config), "--cluster",
                                           redis_server.url, "--db", str(db), "--exit-when-idle", str(IDLE)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        for process in processes:
            if process.wait() != 0:
                raise SystemExit("bench: a cluster process failed")
    with sqlite3.connect(db) as conn:
        finished = max(datetime.fromisoformat(row[0]).timestamp()
                       for row in conn.execute("select finished from crawl_runs"))
    return finished - started, content(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    runs: dict[str, list[float]] = {"local": [], "local_1_process": [], "cluster_1_worker": [], "cluster_2_workers": []}
    with ReplicaServer(Replica(synthetic=args.synthetic)) as server, tempfile.TemporaryDirectory() as folder:
        for round_number in range(args.rounds):
            work = Path(folder) / f"round{round_number}"
            work.mkdir()
            config = write_bench_config(work, server.base_url, PER_SOURCE, topics=False)
            local = timed([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db",
                           str(work / "local.db")])
            runs["local"].append(local["seconds"])
            expected = content(work / "local.db")
            one = work / "one-process.toml"
            one.write_text(config.read_text().replace("[scrapy]", "[scrapy]\nCOOPFEED_CRAWL_PROCESSES = 1"))
            runs["local_1_process"].append(timed([sys.executable, "-m", "coopfeed", "crawl", "--config", str(one),
                                                  "--db", str(work / "one.db")])["seconds"])
            if content(work / "one.db") != expected:
                raise SystemExit("bench: the one-process crawl stored other rows")
            for workers, key in ((1, "cluster_1_worker"), (2, "cluster_2_workers")):
                seconds, stored = cluster_seconds(config, work, workers)
                if stored != expected:
                    raise SystemExit(f"bench: the cluster with {workers} worker(s) stored other rows")
                runs[key].append(round(seconds, 2))
    medians = {key: median(values) for key, values in runs.items()}
    result = {"articles": len(expected), "runs": runs, "median_seconds": medians,
              "overhead_1_worker": round(medians["cluster_1_worker"] / medians["local"] - 1, 3),
              "overhead_1_worker_vs_1_process": round(medians["cluster_1_worker"] / medians["local_1_process"] - 1, 3),
              "speedup_2_workers": round(medians["cluster_1_worker"] / medians["cluster_2_workers"], 2)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['articles']} articles, {args.rounds} alternated rounds (medians):")
    print(f"  local crawl            {medians['local']:7.2f} s")
    print(f"  local, one process     {medians['local_1_process']:7.2f} s")
    print(f"  cluster, 1 worker      {medians['cluster_1_worker']:7.2f} s  ({result['overhead_1_worker']:+.1%} against "
          f"the local crawl, {result['overhead_1_worker_vs_1_process']:+.1%} against one process)")
    print(f"  cluster, 2 workers     {medians['cluster_2_workers']:7.2f} s  "
          f"({result['speedup_2_workers']}x the 1-worker speed)")


if __name__ == "__main__":
    main()
