"""Feed build benchmark: whole-process time and peak memory of `coopfeed feeds build`
on a crawled replica store, against bare feedgen writing the same topics in the same run.

    python bench/feeds.py [--synthetic N] [--json]

The replica (N generated articles per portal) is crawled once (not timed). Then,
each as its own child process: the baseline (bare feedgen, RSS + Atom per topic),
a first build (topic assignment of every item, all files written), a rebuild with
nothing changed (no file rewritten), and a rebuild after a topic rule changed
(that topic re-evaluated).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import timed, write_bench_config  # noqa: E402
from replica import Replica, ReplicaServer  # noqa: E402

LIMIT = 50
PER_SOURCE = 8  # requests at once per source while the store is crawled
RUNS = ("baseline_feedgen", "first_build", "unchanged_rebuild", "rebuild_after_rule_change")


def crawl_store(work: Path, synthetic: int) -> Path:
    """Crawl the replica into ``work/bench.db`` with no topics (none assigned yet); returns the config."""
    with ReplicaServer(Replica(synthetic=synthetic)) as server:
        config = write_bench_config(work, server.base_url, PER_SOURCE, topics=False)
        timed([sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(work / "bench.db")])
        return write_bench_config(work, server.base_url, PER_SOURCE)


def change_a_rule(work: Path) -> None:
    """Add a keyword to the first topic's include list in the demo's topics file."""
    topics = work / "topics.toml"
    text = topics.read_text()
    if "include = [" not in text:
        raise SystemExit("bench: no include list to change in topics.toml")
    topics.write_text(text.replace("include = [", 'include = ["Hangzhou Bay", ', 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        config, db = crawl_store(work, args.synthetic), work / "bench.db"
        build = [sys.executable, "-m", "coopfeed", "feeds", "build", "--config", str(config), "--db", str(db),
                 "--out", str(work / "feeds"), "--limit", str(LIMIT)]
        result = {"first_build": timed(build)}
        result["baseline_feedgen"] = timed([sys.executable, str(ROOT / "bench" / "baseline_feedgen.py"), str(db),
                                            str(work / "baseline"), str(LIMIT)])
        result["unchanged_rebuild"] = timed(build)
        change_a_rule(work)
        result["rebuild_after_rule_change"] = timed(build)
        import sqlite_utils

        store = sqlite_utils.Database(db)
        result["items"], result["topics"] = store["items"].count, len(list((work / "feeds").glob("*.rss")))
    result["ratio_first_build_to_baseline"] = round(result["first_build"]["seconds"]
                                                    / result["baseline_feedgen"]["seconds"], 2)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['items']} items, {result['topics']} topics, newest {LIMIT} per feed")
    for name in RUNS:
        print(f"{name:26} {result[name]['seconds']:8.2f} s  {result[name]['peak_rss_mib']:7.1f} MiB peak RSS")
    print(f"first build: {result['ratio_first_build_to_baseline']}x the bare-feedgen time "
          "(it also assigns topics, sanitizes, writes JSON Feed, OPML and index.html)")


if __name__ == "__main__":
    main()
