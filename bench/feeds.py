"""Feed build benchmark: whole-process time and peak memory of `coopfeed feeds build`
on a crawled replica store, against bare feedgen writing the same topics in the same run.

    python bench/feeds.py [--synthetic N] [--json]     # a crawl of the replica, N generated articles per portal
    python bench/feeds.py --items N [--json]           # an N-item store from bench/bigstore.py

The store is made once (not timed). Then, each as its own child process: a first
build (topic assignment of every item, all files written), the baseline (bare
feedgen writing RSS, Atom and JSON of every topic from the membership the build
stored), a rebuild with nothing changed (no file rewritten), and a rebuild after a
topic rule changed (that topic re-evaluated). Then ROUNDS alternated rounds of: 100
new items saved through the store (not timed), the rebuild, the baseline writing
the same topics' files as the rebuild rewrote (from the membership the rebuild
stored), and the baseline assigning the new items' topics itself first
(bench/baseline_feedgen.py --assign: a regular expression per topic).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import median, timed, write_bench_config  # noqa: E402
from replica import Replica, ReplicaServer  # noqa: E402

LIMIT = 50
PER_SOURCE = 8  # requests at once per source while the store is crawled
RUNS = ("first_build", "baseline_feedgen", "unchanged_rebuild", "rebuild_after_rule_change")
ROUNDS = 5
NEW_ITEMS = 100


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


def big_store(work: Path, items: int) -> Path:
    """An ``items``-item store from bench/bigstore.py in ``work/bench.db``; returns its config."""
    timed([sys.executable, str(ROOT / "bench" / "bigstore.py"), str(items), "--out", str(work / "bench.db")])
    return work / "sources.toml"


def add_new_items(db: Path, round_number: int) -> None:
    """Save NEW_ITEMS new articles through the store, as a crawl would."""
    from datetime import datetime, timedelta, timezone

    from storage import Store

    now = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0)
    articles = [({"url": f"http://127.0.0.1:8800/zj/art/2026/12/6/art_5798_{9_000_000 + round_number * 1000 + i}.html",
                  "title": f"Hangzhou helps Aksu build a solar farm and a tea cooperative, report {round_number}-{i}",
                  "published": (now - timedelta(minutes=i)).isoformat(), "language": "en",
                  "text": "Officials from Zhejiang and Xinjiang inspected the solar farm in Aksu. " * 20,
                  "html": "<p>Officials from Zhejiang and Xinjiang inspected the solar farm in Aksu.</p>"},
                 "zj_news", False) for i in range(NEW_ITEMS)]
    with Store(db) as store:
        store.save_items(articles)


def rewritten_topics(folder: Path, before: dict[str, int]) -> list[str]:
    """Topics whose RSS file a build rewrote (its mtime moved)."""
    return sorted(path.stem for path in folder.glob("*.rss")
                  if path.stem != "health" and before.get(path.name) != path.stat().st_mtime_ns)


def same_membership(db: Path, config: Path, since: str) -> None:
    """The assigning baseline's membership of the new items is coopfeed's (else its timing means nothing)."""
    import sqlite_utils

    from bench.baseline_feedgen import membership

    store = sqlite_utils.Database(db, execute_plugins=False)
    ours = set(store.execute("select item_id, topic from item_topics where item_id in "
                             "(select id from items where changed >= ?)", [since]).fetchall())
    theirs = membership(store, config, since)
    store.close()
    if ours != theirs:
        raise SystemExit(f"bench: the assigning baseline's membership differs: {sorted(ours ^ theirs)[:5]}")


def new_items_rounds(work: Path, config: Path, db: Path, build: list[str]) -> dict:
    """Alternated rounds of (100 new items, rebuild, baseline writing the same topics from the membership the
    rebuild stored, baseline assigning the new items' topics itself first)."""
    from storage.clock import utc_now

    ours, writing, assigning, topics_written = [], [], [], []
    for round_number in range(ROUNDS):
        time.sleep(1.0)  # the round's items are the only ones changed since ``since`` (stored to the second)
        since = utc_now()
        add_new_items(db, round_number)
        before = {path.name: path.stat().st_mtime_ns for path in (work / "feeds").glob("*.rss")}
        ours.append(timed(build)["seconds"])
        topics = rewritten_topics(work / "feeds", before)
        topics_written.append(len(topics))
        baseline = [sys.executable, str(ROOT / "bench" / "baseline_feedgen.py"), str(db), str(work / "baseline"),
                    str(LIMIT), ",".join(topics)]
        writing.append(timed(baseline)["seconds"])
        same_membership(db, config, since)
        assigning.append(timed([*baseline, "--assign", str(config), "--since", since])["seconds"])
    return {"rounds": ROUNDS, "new_items": NEW_ITEMS, "topics_rewritten": topics_written,
            "coopfeed_median_s": round(median(ours), 3), "feedgen_median_s": round(median(writing), 3),
            "ratio": round(median(ours) / median(writing), 2),
            "feedgen_assigning_median_s": round(median(assigning), 3),
            "ratio_to_assigning": round(median(ours) / median(assigning), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, default=500, help="generated articles per portal (crawled)")
    parser.add_argument("--items", type=int, help="use an N-item store from bench/bigstore.py instead of a crawl")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        config = big_store(work, args.items) if args.items else crawl_store(work, args.synthetic)
        db = work / "bench.db"
        build = [sys.executable, "-m", "coopfeed", "feeds", "build", "--config", str(config), "--db", str(db),
                 "--out", str(work / "feeds"), "--limit", str(LIMIT)]
        result = {"first_build": timed(build)}
        result["baseline_feedgen"] = timed([sys.executable, str(ROOT / "bench" / "baseline_feedgen.py"), str(db),
                                            str(work / "baseline"), str(LIMIT)])
        result["unchanged_rebuild"] = timed(build)
        change_a_rule(work)
        result["rebuild_after_rule_change"] = timed(build)
        result["after_new_items"] = new_items_rounds(work, config, db, build)
        import sqlite_utils

        store = sqlite_utils.Database(db)
        result["items"], result["topics"] = store["items"].count, len(list((work / "feeds").glob("*.rss")))
    result["ratio_first_build_to_baseline"] = round(result["first_build"]["seconds"]
                                                    / result["baseline_feedgen"]["seconds"], 2)
    print(json.dumps(result, indent=2) if args.json else report(result))


def report(result: dict) -> str:
    """The result as lines of text."""
    lines = [f"{result['items']} items, {result['topics']} topics, newest {LIMIT} per feed"]
    for name in RUNS:
        lines.append(f"{name:26} {result[name]['seconds']:8.2f} s  {result[name]['peak_rss_mib']:7.1f} MiB peak")
    lines.append(f"first build: {result['ratio_first_build_to_baseline']}x bare feedgen writing every topic "
                 "(which reuses the membership the build computed)")
    new = result["after_new_items"]
    lines.append(f"after {new['new_items']} new items ({new['rounds']} alternated rounds, topics rewritten "
                 f"{new['topics_rewritten']}): rebuild {new['coopfeed_median_s']:.3f} s; bare feedgen writing the "
                 f"same topics {new['feedgen_median_s']:.3f} s (ratio {new['ratio']}x), assigning the new items' "
                 f"topics first {new['feedgen_assigning_median_s']:.3f} s (ratio {new['ratio_to_assigning']}x)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
