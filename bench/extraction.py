"""Score body extraction on the Zyte article-extraction benchmark (181 real pages).

Implements the metric of ../shared/extraction/README.md exactly: ``\\w+``
tokens, 4-gram shingle multisets, per-page precision/recall, macro means
(empty outputs left out of precision), F1 of the means, exact-match
accuracy, bootstrap standard deviation (1000 resamples, fixed seed).
Compares, in the same run, trafilatura alone with coopfeed's generic profile and with
``auto`` (the profile recognised from the markup, the default of ``coopfeed extract``).
``--by-profile`` breaks ``auto`` down by the profile it recognises.

    python bench/extraction.py [--data DIR] [--json] [--by-profile]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "extraction" / "scrapinghub"
TOKEN_RE = re.compile(r"\w+")


def shingle_counts(text: str) -> Counter:
    """Multiset of token 4-grams (the whole sequence if it is shorter than 4)."""
    tokens = TOKEN_RE.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def page_scores(truth: str, predicted: str) -> dict:
    """Shingle precision and recall of one page (None when undefined), and whether its tokens match exactly."""
    t, p = shingle_counts(truth), shingle_counts(predicted)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if fp == 0 and fn == 0 and (tp or t):
        precision = recall = 1.0
    exact = TOKEN_RE.findall(truth or "") == TOKEN_RE.findall(predicted or "")
    return {"precision": precision, "recall": recall, "exact": exact}


def aggregate(pages: list[dict]) -> dict:
    """Macro precision (non-empty outputs), macro recall, F1 of the means, exact share."""
    precisions = [p["precision"] for p in pages if p["precision"] is not None]
    recalls = [p["recall"] for p in pages if p["recall"] is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = sum(p["exact"] for p in pages) / len(pages) if pages else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "exact": exact}


def bootstrap(pages: list[dict], rounds: int = 1000, seed: int = 42) -> dict:
    """Standard deviation of P, R and F1 over resamples of the pages."""
    rng = random.Random(seed)
    samples = [aggregate([rng.choice(pages) for _ in pages]) for _ in range(rounds)]

    def std(key: str) -> float:
        values = [s[key] for s in samples]
        mean = sum(values) / len(values)
        return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5

    return {f"{key}_std": std(key) for key in ("f1", "precision", "recall")}


def load_pages(data: Path) -> list[tuple[str, str, str, str]]:
    """(id, url, html, truth) for every page of the benchmark."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(truth.items()):
        html = gzip.decompress((data / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        pages.append((page_id, entry["url"], html, entry["articleBody"]))
    return pages


def trafilatura_alone(html: str, url: str) -> str:
    """The reference: trafilatura's text with comments excluded."""
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def coopfeed_text(profile: str) -> Callable[[str, str], str]:
    """An extractor giving the text of one coopfeed profile ("" when it finds no article)."""

    def text(html: str, url: str) -> str:
        from coopfeed.errors import ExtractionError
        from crawler.extract import extract

        try:
            return extract(html, url, profile=profile).text
        except ExtractionError:
            return ""

    return text


#: ``auto`` is the default of ``coopfeed extract``: the profile recognised from the markup.
EXTRACTORS = {"trafilatura": trafilatura_alone, "coopfeed-generic": coopfeed_text("generic"),
              "coopfeed-auto": coopfeed_text("auto")}


def score(pages, extractor) -> dict:
    """The metric of one extractor over all pages, its bootstrap deviations and its run time."""
    started = time.perf_counter()
    per_page = [page_scores(truth, extractor(html, url)) for _, url, html, truth in pages]
    result = aggregate(per_page) | bootstrap(per_page)
    result["seconds"] = time.perf_counter() - started
    return result


def by_profile(pages) -> dict:
    """Per profile ``auto`` recognises: pages, how many the profile alone finds no article on, and
    F1 of the profile alone and of ``generic`` on the pages where the profile finds one."""
    from crawler.extract import detect_profile

    groups: dict[str, list] = {}
    for page in pages:
        groups.setdefault(detect_profile(page[2], page[1]), []).append(page)
    report = {}
    for profile, group in sorted(groups.items()):
        alone = [(page, coopfeed_text(profile)(page[2], page[1])) for page in group]
        found = [(page, text) for page, text in alone if text]
        report[profile] = {
            "pages": len(group), "no_article": len(group) - len(found),
            "profile_f1": aggregate([page_scores(page[3], text) for page, text in found])["f1"],
            "generic_f1": aggregate([page_scores(page[3], coopfeed_text("generic")(page[2], page[1]))
                                     for page, _ in found])["f1"]}
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the scrapinghub data folder")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--by-profile", action="store_true",
                        help="per profile that auto recognises: pages without an article, profile vs generic F1")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if not (args.data / "ground-truth.json").exists():
        sys.exit(f"bench: no benchmark data in {args.data} (use --data)")
    pages = load_pages(args.data)
    if args.by_profile:
        print(json.dumps(by_profile(pages), indent=2))
        return
    results = {name: score(pages, extractor) for name, extractor in EXTRACTORS.items()}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{len(pages)} pages from {args.data}; ± is the bootstrap standard deviation (1000 resamples)")
    print(f"{'extractor':18} {'F1':>13} {'precision':>13} {'recall':>13} {'exact':>6} {'seconds':>8}")
    for name, r in results.items():
        print(f"{name:18} {r['f1']:.3f} ± {r['f1_std']:.3f} {r['precision']:.3f} ± {r['precision_std']:.3f} "
              f"{r['recall']:.3f} ± {r['recall_std']:.3f} {r['exact']:6.3f} {r['seconds']:8.1f}")


if __name__ == "__main__":
    main()
