"""Score body extraction on the two shared sets: scrapinghub (181 pages) and trafilatura-eval (990).

In one run, page by page, trafilatura alone, readability-lxml alone, coopfeed's
``generic`` profile and ``auto`` (the profile recognised from the markup, the
default of ``coopfeed extract``). Metrics: ``bench/extraction_metrics.py``
(shingles on scrapinghub, snippets on trafilatura-eval). Seconds are those of
the extraction call alone (no import, no scoring); the extractors take turns
on each page, in a rotating order, so the machine's load falls on all alike.
``--by-profile`` breaks ``auto`` down by the profile it recognises.

    python bench/extraction.py [--data DIR] [--set NAME] [--json] [--save FILE] [--by-profile]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from extraction_data import SETS, BenchPage, DataNotFound, find_data, load_set  # noqa: E402
from extraction_metrics import aggregate, bootstrap, page_scores  # noqa: E402

Extractor = Callable[[str | bytes, str], str]


def trafilatura_alone(page: str | bytes, url: str) -> str:
    """The reference: trafilatura's text with comments excluded."""
    import trafilatura

    return trafilatura.extract(page, url=url, include_comments=False) or ""


def readability_alone(page: str | bytes, url: str) -> str:
    """readability-lxml's summary as text, one line per block."""
    import lxml.html
    from readability import Document

    from crawler.extract.render import text_lines

    summary = Document(page, url=url).summary(html_partial=True)
    return "\n".join(text_lines(lxml.html.fragment_fromstring(summary, create_parent="div"))) if summary else ""


def coopfeed_text(profile: str) -> Extractor:
    """An extractor giving the text of one coopfeed profile ("" when it finds no article)."""

    def text(page: str | bytes, url: str) -> str:
        from coopfeed.errors import ExtractionError
        from crawler.extract import extract

        try:
            return extract(page, url, profile=profile).text
        except ExtractionError:
            return ""

    return text


#: ``auto`` is the default of ``coopfeed extract``: the profile recognised from the markup.
EXTRACTORS: dict[str, Extractor] = {
    "trafilatura": trafilatura_alone, "readability-lxml": readability_alone,
    "coopfeed-generic": coopfeed_text("generic"), "coopfeed-auto": coopfeed_text("auto")}
REFERENCE = "trafilatura"


def run(pages: list[BenchPage], extractors: dict[str, Extractor]) -> dict[str, list[dict]]:
    """Each extractor's output and seconds on every page; the extractors take turns page by page."""
    names = list(extractors)
    for name in names:  # imports and first-call set-up are not timed
        extractors[name](pages[0].page, pages[0].url)
    outputs: dict[str, list[dict]] = {name: [] for name in names}
    for index, page in enumerate(pages):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            text = extractors[name](page.page, page.url)
            outputs[name].append({"id": page.id, "text": text, "seconds": time.perf_counter() - started})
    return outputs


def summarise(pages: list[BenchPage], outputs: dict[str, list[dict]]) -> dict[str, dict]:
    """Per extractor: the metric, its bootstrap deviation, seconds per page, pages it returned nothing on."""
    reference = outputs.get(REFERENCE)
    results = {}
    for name, rows in outputs.items():
        scores = [page_scores(page.truth, row["text"]) for page, row in zip(pages, rows)]
        seconds = sum(row["seconds"] for row in rows) / len(rows)
        lost = [row["id"] for index, row in enumerate(rows)
                if not row["text"].strip() and reference and reference[index]["text"].strip()]
        results[name] = aggregate(scores) | bootstrap(scores) | {"seconds_per_page": seconds, "empty_where_ref": lost}
    if reference:
        base = results[REFERENCE]["seconds_per_page"]
        for result in results.values():
            result["time_ratio"] = result["seconds_per_page"] / base
    return results


def by_profile(pages: list[BenchPage]) -> dict:
    """Per profile ``auto`` recognises: pages, how many the profile alone finds no article on, and
    F1 of the profile alone and of ``generic`` on the pages where the profile finds one."""
    from crawler.extract import detect_profile
    from crawler.extract.decode import decode_page

    groups: dict[str, list] = {}
    for page in pages:
        groups.setdefault(detect_profile(decode_page(page.page), page.url), []).append(page)
    report = {}
    for profile, group in sorted(groups.items()):
        alone = [(page, coopfeed_text(profile)(page.page, page.url)) for page in group]
        found = [(page, text) for page, text in alone if text]
        generic = coopfeed_text("generic")
        report[profile] = {
            "pages": len(group), "no_article": len(group) - len(found),
            "profile_f1": aggregate([page_scores(page.truth, text) for page, text in found])["f1"],
            "generic_f1": aggregate([page_scores(page.truth, generic(page.page, page.url)) for page, _ in found])["f1"]}
    return report


def print_table(name: str, data: Path, count: int, results: dict[str, dict]) -> None:
    """One set's results as a plain table."""
    where = "the portal replica of this checkout" if name == "replica" else data / name
    print(f"\n{name}: {count} pages from {where}; ± is the bootstrap standard deviation (1000 resamples)")
    print(f"{'extractor':18} {'F1':>14} {'precision':>14} {'recall':>14} {'exact':>6} {'s/page':>7} "
          f"{'ratio':>5} {'empty':>5}")
    for extractor, r in results.items():
        exact = f"{r['exact']:6.3f}" if "exact" in r else f"{'-':>6}"
        print(f"{extractor:18} {r['f1']:.4f} ± {r['f1_std']:.3f} {r['precision']:.4f} ± {r['precision_std']:.3f} "
              f"{r['recall']:.4f} ± {r['recall_std']:.3f} {exact} {r['seconds_per_page']:7.4f} "
              f"{r.get('time_ratio', 0):5.2f} {len(r['empty_where_ref']):5}")
    print("s/page: mean seconds of the extraction call; ratio: to trafilatura's; empty: pages with no text "
          "where trafilatura has some")


def _available(name: str) -> bool:
    """readability-lxml is optional (the ``bench`` extra): without it the others still run."""
    if name != "readability-lxml":
        return True
    if importlib.util.find_spec("readability") is None:
        print("bench: readability-lxml is not installed (pip install readability-lxml): left out", file=sys.stderr)
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="the shared/extraction folder (default: found from the checkout)")
    parser.add_argument("--set", choices=SETS + ("replica",), action="append",
                        help="score only this set (repeatable); replica: the portal replica's pages")
    parser.add_argument("--extractor", choices=list(EXTRACTORS), action="append", help="run only this extractor")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--save", type=Path, help="also write every page's output and seconds to this JSON file")
    parser.add_argument("--by-profile", action="store_true",
                        help="per profile that auto recognises: pages without an article, profile vs generic F1")
    args = parser.parse_args()
    try:
        data = find_data(args.data)
    except DataNotFound as exc:
        sys.exit(f"bench: {exc}")
    chosen = {name: EXTRACTORS[name] for name in args.extractor or EXTRACTORS if _available(name)}
    report, saved = {}, {}
    for name in args.set or SETS:
        pages = load_set(data, name)
        if not pages:
            continue
        if args.by_profile:
            report[name] = by_profile(pages)
            continue
        saved[name] = run(pages, chosen)
        report[name] = summarise(pages, saved[name])
        if not args.json:
            print_table(name, data, len(pages), report[name])
    if args.save:
        args.save.write_text(json.dumps(saved, ensure_ascii=False))
    if args.json or args.by_profile:
        print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
