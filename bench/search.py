"""Search benchmark: whole-process `coopfeed search` per query class, against plain FTS5 on the same store.

    python bench/search.py --db STORE [--runs R] [--json]
    python bench/search.py --items N [--runs R] [--json]     # builds an N-item store with bench/bigstore.py

Three classes of queries, as users type them: English words and phrases,
Chinese terms of three or more characters (the trigram index), two-character
Chinese terms (the index of character pairs). Each query runs R times as its
own `coopfeed search` process, alternating with the baseline: a process that
opens the store with sqlite3 and runs one plain FTS5 MATCH of the query
(LIMIT 20, no ranking, no filters), which is what the store can do at best.
Prints p50 and p95 per class for both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = {
    "english": ["Zhejiang", "Sichuan", "cooperation", "solar farm", "Qiandongnan", "poverty alleviation",
                "teachers", "Aksu", "consumer assistance", "herders"],
    "chinese_3plus": ["杭州市", "援藏工作", "尼玛县", "对口支援", "那曲市", "牦牛产业", "易地搬迁"],
    "chinese_2": ["援藏", "那曲", "四川", "牧民", "医院", "培训", "道路"],
}
BASELINE = """
import sqlite3, sys
table, term = ("items_cjk", '"' + sys.argv[2] + '"') if sys.argv[3] == "pairs" else ("items_fts", '"' + sys.argv[2] + '"')
conn = sqlite3.connect(sys.argv[1])
conn.execute(f"select rowid from {table} where {table} match ? limit 20", [term]).fetchall()
"""


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(db: Path, runs: int) -> dict:
    result = {}
    for name, queries in QUERIES.items():
        ours, plain = [], []
        for _ in range(runs):
            for query in queries:
                terms = query.split()
                index = "pairs" if name == "chinese_2" else "trigrams"
                ours.append(seconds([sys.executable, "-m", "coopfeed", "search", query, "--db", str(db)]))
                plain.append(seconds([sys.executable, "-c", BASELINE, str(db), terms[0], index]))
        result[name] = {"queries": len(queries), "runs": runs,
                        "coopfeed_p50": round(percentile(ours, 0.5), 3), "coopfeed_p95": round(percentile(ours, 0.95), 3),
                        "sqlite3_p50": round(percentile(plain, 0.5), 3), "sqlite3_p95": round(percentile(plain, 0.95), 3)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing store")
    parser.add_argument("--items", type=int, help="build a store of this many items first (bench/bigstore.py)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            if not args.items:
                raise SystemExit("bench: give --db STORE or --items N")
            db = Path(folder) / "big.db"
            subprocess.run([sys.executable, str(ROOT / "bench" / "bigstore.py"), str(args.items), "--out", str(db)],
                           check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        result = {"store": str(db), "items": _count(db), "classes": measure(db, args.runs)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{result['items']} items; whole-process seconds, {args.runs} runs of each query")
    for name, row in result["classes"].items():
        print(f"  {name:14} coopfeed search p50 {row['coopfeed_p50']:.3f} p95 {row['coopfeed_p95']:.3f} | "
              f"plain sqlite3 FTS5 p50 {row['sqlite3_p50']:.3f} p95 {row['sqlite3_p95']:.3f}")


def _count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from items").fetchone()[0]


if __name__ == "__main__":
    main()
