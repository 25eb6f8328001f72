"""Crawl benchmark: `coopfeed crawl` of the replica against bare Scrapy sending the same requests.

    python bench/crawl.py [--synthetic N ...] [--rounds R] [--json]

For each size (N generated articles per portal, default 1000 and 2000), a first
`coopfeed crawl` learns the requests a crawl sends (list pages, dataproxy POSTs
with their forms, articles) and a second one those of an incremental crawl.
Then, R rounds, alternating: the bare Scrapy baseline replaying the first
crawl's requests, a first `coopfeed crawl` into a fresh store, the baseline
replaying the second crawl's requests, the second (incremental) `coopfeed
crawl`. Each runs as its own child process, timed from start to exit, with the
peak memory of its whole process tree (extraction workers included). Medians
and ratios are printed; last, a `--refresh` crawl counts the 304 answers.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import median, timed, write_bench_config  # noqa: E402
from replica import Replica, ReplicaServer  # noqa: E402

PER_CRAWLER = 8  # concurrent requests per source; 5 sources crawl in parallel
SOURCES = 5
ARTICLE_RE = re.compile(r"/art/|/wttimes/20|t20\d{6}_")


def planned(server: ReplicaServer) -> list[list[str]]:
    """The requests the server received since it was last cleared (robots.txt included): [method, url, form]."""
    return [[method, server.base_url + target, server.forms.get(target, "") if method == "POST" else ""]
            for method, target, _ in server.requests]


def learn(server: ReplicaServer, crawl: list[str], work: Path) -> tuple[list, list]:
    """The requests of a first and of a second (incremental) crawl."""
    server.requests.clear()
    timed(crawl)
    first = planned(server)
    server.requests.clear()
    timed(crawl)
    return first, planned(server)


def measure(synthetic: int, rounds: int) -> dict:
    replica = Replica(synthetic=synthetic)
    with ReplicaServer(replica) as server, tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        config = write_bench_config(work, server.base_url, PER_CRAWLER, topics=False)

        def crawl(db: Path, *extra: str) -> list[str]:
            return [sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(db), *extra]

        first_plan, second_plan = learn(server, crawl(work / "learn.db"), work)
        for name, plan in (("first.json", first_plan), ("second.json", second_plan)):
            (work / name).write_text(json.dumps(plan))
        baseline = [sys.executable, str(ROOT / "bench" / "baseline_spider.py")]
        runs: dict[str, list[dict]] = {key: [] for key in ("baseline_first", "first", "baseline_second", "second")}
        for round_number in range(rounds):
            db = work / f"round{round_number}.db"
            runs["baseline_first"].append(timed([*baseline, str(work / "first.json"), str(PER_CRAWLER * SOURCES)]))
            runs["first"].append(timed(crawl(db)))
            runs["baseline_second"].append(timed([*baseline, str(work / "second.json"),
                                                  str(PER_CRAWLER * SOURCES)]))
            runs["second"].append(timed(crawl(db)))
        server.requests.clear()
        timed(crawl(db, "--refresh"))
        statuses = [status for _, target, status in server.requests if ARTICLE_RE.search(target)]
        shutil.rmtree(work / "learn.state", ignore_errors=True)
    return summarise(synthetic, len(first_plan), len(second_plan), runs, statuses)


def summarise(synthetic: int, first_requests: int, second_requests: int, runs: dict, statuses: list[int]) -> dict:
    seconds = {key: median([run["seconds"] for run in values]) for key, values in runs.items()}
    memory = {key: max(run["peak_rss_mib"] for run in values) for key, values in runs.items()}
    return {
        "synthetic_per_portal": synthetic, "first_crawl_requests": first_requests,
        "second_crawl_requests": second_requests, "runs": runs, "median_seconds": seconds, "peak_mib": memory,
        "ratio_first": round(seconds["first"] / seconds["baseline_first"], 2),
        "ratio_second": round(seconds["second"] / seconds["baseline_second"], 2),
        "refresh_article_requests": len(statuses), "refresh_not_modified": statuses.count(304),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, nargs="+", default=[1000, 2000],
                        help="generated articles per portal (one measurement per value)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per size")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    results = [measure(size, args.rounds) for size in args.synthetic]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in results:
        s, m = r["median_seconds"], r["peak_mib"]
        print(f"{r['synthetic_per_portal']} per portal: first crawl {r['first_crawl_requests']} requests, "
              f"second {r['second_crawl_requests']} ({len(r['runs']['first'])} alternated rounds, medians)")
        print(f"  first crawl   coopfeed {s['first']:7.2f} s {m['first']:6.1f} MiB | bare Scrapy "
              f"{s['baseline_first']:6.2f} s {m['baseline_first']:6.1f} MiB | {r['ratio_first']}x")
        print(f"  second crawl  coopfeed {s['second']:7.2f} s {m['second']:6.1f} MiB | bare Scrapy "
              f"{s['baseline_second']:6.2f} s {m['baseline_second']:6.1f} MiB | {r['ratio_second']}x")
        print(f"  --refresh: {r['refresh_not_modified']} of {r['refresh_article_requests']} article requests "
              "answered 304")


if __name__ == "__main__":
    main()
