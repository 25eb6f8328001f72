"""Crawl benchmark: whole-process time and peak memory of `coopfeed crawl` on the replica,
against a bare Scrapy spider fetching the same pages in the same run.

    python bench/crawl.py [--synthetic N] [--json]

The replica (with N generated articles per portal) is served from this process;
each crawl runs as its own child process, timed from start to exit, its peak RSS
read from the kernel (wait4). A second, incremental `coopfeed crawl` is timed too.
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
from replica.portals import translate  # noqa: E402
from replica.truth import expected_articles  # noqa: E402

PER_CRAWLER = 8  # concurrent requests per source; 5 sources crawl in parallel
SOURCES = 5


def article_urls(replica: Replica, base_url: str) -> list[str]:
    urls = []
    for row in expected_articles(replica, base_url):
        path = row["url"][len(base_url):]
        urls.append(base_url + translate.wrap(base_url, path) if row["translated"] else row["url"])
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    replica = Replica(synthetic=args.synthetic)
    with ReplicaServer(replica) as server, tempfile.TemporaryDirectory() as work:
        work = Path(work)
        config = write_bench_config(work, server.base_url, PER_CRAWLER)
        urls = article_urls(replica, server.base_url)
        (work / "urls.txt").write_text("\n".join(urls))
        baseline = timed([sys.executable, str(ROOT / "bench" / "baseline_spider.py"), str(work / "urls.txt"),
                          str(PER_CRAWLER * SOURCES)])
        crawl = [sys.executable, "-m", "coopfeed", "crawl", "--config", str(config), "--db", str(work / "bench.db")]
        first = timed(crawl)
        second = timed(crawl)
        import sqlite_utils

        stored = sqlite_utils.Database(work / "bench.db")["items"].count
    result = {
        "articles": len(urls), "stored": stored, "baseline_fetch_only": baseline, "coopfeed_first_crawl": first,
        "coopfeed_second_crawl": second,
        "first_crawl_pages_per_second": round(len(urls) / first["seconds"], 1),
        "ratio_first_crawl_to_baseline": round(first["seconds"] / baseline["seconds"], 2),
        "ratio_memory_to_baseline": round(first["peak_rss_mib"] / baseline["peak_rss_mib"], 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{len(urls)} articles ({args.synthetic} generated per portal), {stored} stored")
    for name in ("baseline_fetch_only", "coopfeed_first_crawl", "coopfeed_second_crawl"):
        print(f"{name:24} {result[name]['seconds']:8.2f} s  {result[name]['peak_rss_mib']:7.1f} MiB peak RSS")
    print(f"first crawl: {result['first_crawl_pages_per_second']} articles/s, "
          f"{result['ratio_first_crawl_to_baseline']}x the fetch-only time, "
          f"{result['ratio_memory_to_baseline']}x its memory")


if __name__ == "__main__":
    main()
