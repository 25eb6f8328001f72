"""Kill -9 benchmark: a first crawl killed at random points, then one plain `coopfeed crawl`.

    python bench/resume.py [--synthetic N] [--trials T] [--seed S] [--json]

For each trial: a fresh store, `coopfeed crawl` killed with SIGKILL at a random
moment of the crawl, then a plain `coopfeed crawl`. The store must then hold
exactly what an uninterrupted crawl of the same replica stored (same ids, same
content hashes). Prints the rows at the kill, the seconds the resuming crawl
took and whether the stores match.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import timed, write_bench_config  # noqa: E402
from replica import Replica, ReplicaServer  # noqa: E402


def content(db: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("select id, content_hash from items"))


def killed_crawl(command: list[str], after: float) -> None:
    """Start the crawl and SIGKILL it after ``after`` seconds (if it still runs)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    time.sleep(after)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal")
    parser.add_argument("--trials", type=int, default=5, help="kills, each on a fresh store")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill times")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    chance = random.Random(args.seed)
    with ReplicaServer(Replica(synthetic=args.synthetic)) as server, tempfile.TemporaryDirectory() as work:
        work = Path(work)
        config = write_bench_config(work, server.base_url, per_source=8, topics=False)

        def crawl(db: Path) -> list[str]:
            return [sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(db)]

        reference = timed(crawl(work / "reference.db"))
        expected = content(work / "reference.db")
        trials = []
        for trial in range(args.trials):
            db = work / f"trial{trial}.db"
            at = round(chance.uniform(0.1, 0.9) * reference["seconds"], 2)
            killed_crawl(crawl(db), at)
            at_kill = len(content(db)) if db.exists() else 0
            resume = timed(crawl(db))
            after = content(db)
            trials.append({"killed_after_s": at, "rows_at_kill": at_kill, "resume": resume,
                           "rows_after": len(after), "equal": after == expected})
    result = {"articles": len(expected), "uninterrupted": reference, "trials": trials,
              "all_equal": all(t["equal"] for t in trials)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"uninterrupted crawl: {len(expected)} rows in {reference['seconds']:.2f} s")
    for t in trials:
        print(f"killed after {t['killed_after_s']:5.2f} s with {t['rows_at_kill']:5} rows; plain crawl "
              f"{t['resume']['seconds']:6.2f} s -> {t['rows_after']} rows, same as uninterrupted: {t['equal']}")
    raise SystemExit(0 if result["all_equal"] else 1)


if __name__ == "__main__":
    main()
