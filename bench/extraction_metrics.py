"""The two metrics of ``shared/extraction/README.md``, per page and over a set.

Shingles (scrapinghub): ``\\w+`` tokens, 4-gram multisets, per-page precision
and recall, macro means (empty outputs left out of precision), F1 of the
means, exact-match share. Snippets (trafilatura-eval): a ``with`` snippet
found in the whitespace-collapsed text is a true positive, one missing a false
negative, a ``without`` snippet found a false positive; counts summed over
all pages. Both get a bootstrap standard deviation (1000 resamples, fixed seed).
"""

from __future__ import annotations

import random
import re
from collections import Counter

TOKEN_RE = re.compile(r"\w+")


def shingle_counts(text: str) -> Counter:
    """Multiset of token 4-grams (the whole sequence if it is shorter than 4)."""
    tokens = TOKEN_RE.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3))


def page_scores(truth: str | dict, predicted: str) -> dict:
    """One page's score under the metric its truth calls for."""
    return snippet_scores(truth, predicted) if isinstance(truth, dict) else shingle_scores(truth, predicted)


def shingle_scores(truth: str, predicted: str) -> dict:
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


def snippet_scores(truth: dict, predicted: str) -> dict:
    """Snippet counts of one page: ``with`` snippets found (tp) and missed (fn), ``without`` found (fp)."""
    text = " ".join((predicted or "").split())
    found = [" ".join(s.split()) in text for s in truth["with"]]
    return {"tp": sum(found), "fn": len(found) - sum(found),
            "fp": sum(" ".join(s.split()) in text for s in truth["without"])}


def aggregate(pages: list[dict]) -> dict:
    """P, R and F1 over a set's page scores (snippet counts summed, shingle ratios macro-averaged)."""
    if pages and "tp" in pages[0]:
        tp, fp, fn = (sum(p[key] for p in pages) for key in ("tp", "fp", "fn"))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return {"f1": _f1(precision, recall), "precision": precision, "recall": recall}
    precisions = [p["precision"] for p in pages if p["precision"] is not None]
    recalls = [p["recall"] for p in pages if p["recall"] is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    exact = sum(p["exact"] for p in pages) / len(pages) if pages else 0.0
    return {"f1": _f1(precision, recall), "precision": precision, "recall": recall, "exact": exact}


def bootstrap(pages: list[dict], rounds: int = 1000, seed: int = 42) -> dict:
    """Standard deviation of P, R and F1 over resamples of the pages."""
    rng = random.Random(seed)
    samples = [aggregate([rng.choice(pages) for _ in pages]) for _ in range(rounds)]

    def std(key: str) -> float:
        values = [s[key] for s in samples]
        mean = sum(values) / len(values)
        return (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5

    return {f"{key}_std": std(key) for key in ("f1", "precision", "recall")}


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
