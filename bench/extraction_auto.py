"""When should ``auto`` keep the body container of a profile it recognised by platform or URL alone?

For every such page of both shared sets (WordPress, by ``/wp-content/``): the
text with the profile's container and with the generic body, how much of each
one's 4-word shingles the other holds, and whether trafilatura's precision mode
reads the container's text. Each rule below decides per page; the other pages
keep ``generic``'s text. Prints F1 and recall per set and the containers kept.

    python bench/extraction_auto.py [--data DIR]
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from extraction_data import SETS, DataNotFound, find_data, load_set  # noqa: E402
from extraction_metrics import aggregate, page_scores  # noqa: E402

#: name -> whether to keep the container, from (container held by generic, generic held by container,
#: precision mode's text the same as the container's).
RULES: dict[str, Callable[[dict], bool]] = {
    "always (before)": lambda r: True,
    "trafilatura holds >= 90 % of it": lambda r: r["held"] >= 0.9,
    "same text both ways (>= 90 %)": lambda r: r["held"] >= 0.9 and r["holds"] >= 0.9,
    "same text (>= 99 %)": lambda r: r["held"] >= 0.99 and r["holds"] >= 0.99,
    "same text (>= 99 %), or much less text that precision mode confirms (now)":
        lambda r: (r["held"] >= 0.99 and r["holds"] >= 0.99) or (r["held"] >= 0.9 and r["holds"] < 0.9
                                                                  and r["precise"]),
    "never": lambda r: False,
}


def candidates(page) -> dict | None:
    """Both texts of a page ``auto`` recognises by platform or URL alone, and how they overlap."""
    from coopfeed.errors import ExtractionError
    from crawler.extract import PROFILES, _weakly_recognised, detect_profile, generic, with_generic_body
    from crawler.extract.agree import HOLDS, same_text, shingles
    from crawler.extract.decode import decode_page
    from crawler.extract.page import Options, Page, assemble

    html = decode_page(page.page)
    profile = detect_profile(html, page.url)
    if profile == "generic" or not _weakly_recognised(profile, html):
        return None
    parsed = Page(html, page.url, Options())
    found, fallback = PROFILES[profile](parsed), generic.extract(parsed)

    def text(chosen, required: bool) -> str:
        try:
            return assemble(parsed, copy.deepcopy(chosen), title_required=required).text
        except ExtractionError:
            return ""

    generic_text = text(with_generic_body(found, fallback), False) if fallback.body is not None else ""
    if found.body is None or fallback.body is None:
        return {"container": None, "generic": generic_text}
    mine, theirs = shingles(found.body), shingles(fallback.body)
    narrow = generic.body(parsed, favor_precision=True)
    shared = len(mine & theirs)
    return {"container": text(found, True), "generic": generic_text,
            "held": shared / len(mine) if mine else 0.0, "holds": shared / len(theirs) if theirs else 0.0,
            "precise": narrow is not None and same_text(mine, shingles(narrow), HOLDS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="the shared/extraction folder (default: found from the checkout)")
    args = parser.parse_args()
    try:
        data = find_data(args.data)
    except DataNotFound as exc:
        sys.exit(f"bench: {exc}")
    from extraction import coopfeed_text

    generic = coopfeed_text("generic")
    sets = {}
    for name in SETS:
        pages = load_set(data, name)
        sets[name] = [(p, candidates(p), generic(p.page, p.url)) for p in pages]
    print("| container kept when | " + " | ".join(f"{n} F1 | {n} recall" for n in SETS) + " | containers kept |")
    print("| --- " * (2 * len(SETS) + 2) + "|")
    for rule_name, keep in RULES.items():
        cells, kept = [], []
        for name, rows in sets.items():
            texts = [(c["container"] if c and c.get("container") is not None and keep(c)
                      else c["generic"] if c else plain) for _, c, plain in rows]
            result = aggregate([page_scores(p.truth, t) for (p, _, _), t in zip(rows, texts)])
            cells.append(f"{result['f1']:.4f} | {result['recall']:.4f}")
            kept.append(str(sum(1 for _, c, _ in rows if c and c.get("container") is not None and keep(c))))
        print(f"| {rule_name} | " + " | ".join(cells) + f" | {' / '.join(kept)} |")


if __name__ == "__main__":
    main()
