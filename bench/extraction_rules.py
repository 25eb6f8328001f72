"""What each cleaning step of the generic profile is worth, on both shared sets.

For every whole-line rule (``crawler.extract.clean.LINE_RULES``), the leading
headline drop and the faithful line breaks: F1 with the step minus F1 without
it, on scrapinghub (where the news rules were written: the development set)
and on trafilatura-eval (the confirmation set), and the pages whose text it
changes. Rules once used and dropped (``DROPPED``) are measured by adding them
back. ``--ensembles`` also scores ways of combining extractors where they
disagree (trafilatura's precision mode, readability-lxml) against generic;
``--replica`` adds the replica's portal pages (generic profile on them).

    python bench/extraction_rules.py [--data DIR] [--ensembles] [--replica]
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from extraction_data import SETS, BenchPage, DataNotFound, find_data, load_set  # noqa: E402
from extraction_metrics import TOKEN_RE, aggregate, page_scores  # noqa: E402

#: Rules of the news group that failed the protocol (no gain on trafilatura-eval, or one page only).
DROPPED: dict[str, str] = {
    "click here": r"^click here\b.{0,150}$",
    "newsletter sign-up": r"^(?:sign up|subscribe)\b.{0,150}\b(?:newsletters?|inbox|updates|channel|alerts)\b"
                          r".{0,80}$",
    "follow us on": r"^follow\s+(?!up\b).{0,60}\bon (?:twitter|facebook|instagram|youtube|linkedin|weibo|wechat)\b"
                    r".{0,120}$",
    "like this story": r"^like this (?:story|article)\?.{0,80}$",
    "subscribe + newsletter": r"^(?=.{0,200}$)(?=.*\b(?:subscribe|sign up|sign-up)\b)"
                              r"(?=.*\b(?:newsletters?|inbox)\b).*$",
    "thanks for signing up": r"^thanks? (?:you )?for (?:signing up|subscribing)\b.{0,40}$",
    "updated at time": r"^(?:updated|posted|published)(?: at| on)?\s*\d{1,2}:\d{2}\s*(?:[ap]\.?m\.?)?"
                       r"\s*(?:[A-Z]{2,4})?\.?$",
    "listen/download link": r"^(?:listen|download|watch|subscribe|itunes|podcast|video)(?: \w+){0,2}"
                            r"\s*[:：]\s*https?://\S+$",
    "write to … at": r"^write to .{1,60} at \S+@\S+\.\w+$",
    "advertisement": r"^(?:advertisement|advertising|sponsored content|广告)$",
}
DEV, CONFIRM = "scrapinghub", "trafilatura-eval"
METADATA_RULES = ("toolbar", "source line", "date line", "info line")


class Corpus:
    """The pages of one set, parsed once, with trafilatura's result for each cached."""

    def __init__(self, pages: list[BenchPage]):
        from crawler.extract import generic
        from crawler.extract.decode import decode_page
        from crawler.extract.page import Options, Page

        self.pages = pages
        self.parsed = [Page(decode_page(p.page), p.url, Options()) for p in pages]
        self.runs = [generic._run(page) for page in self.parsed]
        self.found = [self.extract(index) for index in range(len(pages))]

    def extract(self, index: int):
        """The generic profile's findings on one page, reusing the cached trafilatura run."""
        from crawler.extract import generic

        with patched(generic, "_run", lambda page: self.runs[index]):
            return generic.extract(self.parsed[index])

    def texts(self, indexes=None) -> list[str]:
        """The generic text of every page (or only of ``indexes``; the others are None)."""
        chosen = set(range(len(self.pages)) if indexes is None else indexes)
        return [self.text(i) if i in chosen else None for i in range(len(self.pages))]

    def text(self, index: int, found=None) -> str:
        from coopfeed.errors import ExtractionError
        from crawler.extract.page import assemble

        found = copy.deepcopy(found if found is not None else self.found[index])
        try:
            return assemble(self.parsed[index], found, title_required=False).text
        except ExtractionError:
            return ""

    def f1(self, texts: list[str]) -> float:
        return aggregate([page_scores(p.truth, t) for p, t in zip(self.pages, texts)])["f1"]


@contextmanager
def patched(owner, name: str, value) -> Iterator[None]:
    """``owner.name`` replaced by ``value`` for the duration."""
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def rule_effects(corpora: dict[str, Corpus]) -> list[dict]:
    """One row per rule: group, F1 gain on each set, pages whose text it changes."""
    from crawler.extract import clean

    base = {name: c.texts() for name, c in corpora.items()}
    rows = []
    groups = {**{n: "portal" for n in clean.PORTAL_LINES}, **{n: "news" for n in clean.NEWS_LINES}}
    for name in clean.LINE_RULES:
        fired = _fired_pages(corpora, name)
        rules = {k: v for k, v in clean.LINE_RULES.items() if k != name}
        with patched(clean, "LINE_RULES", rules):
            rows.append(_row(name, groups.get(name, "metadata"), corpora, base, fired))
    for group, names in (("portal (all)", clean.PORTAL_LINES), ("metadata (all)", METADATA_RULES)):
        rules = {k: v for k, v in clean.LINE_RULES.items() if k not in names}
        with patched(clean, "LINE_RULES", rules):
            rows.append(_row(group, "group", corpora, base, None))
    for name, pattern in DROPPED.items():
        rules = {**clean.LINE_RULES, name: re.compile(pattern, re.I).match}
        with patched(clean, "LINE_RULES", rules):
            added = {n: c.texts(_fired_pages(corpora, name)[n]) for n, c in corpora.items()}
        rows.append(_row(name, "news (dropped)", corpora, base, None, added=added))
    return rows


def step_effects(corpora: dict[str, Corpus]) -> list[dict]:
    """The steps that are not line rules: the leading headline drop and the line breaks."""
    from crawler.extract import generic, page

    base = {name: c.texts() for name, c in corpora.items()}
    rows = []
    with patched(page, "_drop_leading_title", lambda body, variants: None):
        rows.append(_row("leading headline", "step", corpora, base, None))
    unbroken = {}
    with patched(generic, "_line_breaks", lambda body: body):
        for name, c in corpora.items():
            unbroken[name] = [c.text(i, c.extract(i)) for i in range(len(c.pages))]
    rows.append(_row("line breaks of trafilatura's text", "step", corpora, base, None, without=unbroken))
    return rows


def _fired_pages(corpora: dict[str, Corpus], name: str) -> dict[str, list[int]]:
    """Per set, the pages where the rule (or a dropped rule's pattern) matches a line of the text
    before cleaning."""
    from crawler.extract import clean
    from crawler.extract.render import text_lines

    rule = clean.LINE_RULES.get(name) or re.compile(DROPPED[name], re.I).match
    fired = {}
    for set_name, c in corpora.items():
        fired[set_name] = [i for i, found in enumerate(c.found) if found.body is not None and any(
            len(line) <= clean.MAX_BOILERPLATE_LINE and rule(line) for line in text_lines(found.body))]
    return fired


def _row(name: str, group: str, corpora, base, fired, without=None, added=None) -> dict:
    """F1(with the step) − F1(without it) per set, and the pages whose text differs."""
    row = {"rule": name, "group": group}
    for set_name, c in corpora.items():
        if added is not None:
            with_step = [a if a is not None else b for a, b in zip(added[set_name], base[set_name])]
            without_step = base[set_name]
        else:
            indexes = fired[set_name] if fired else None
            others = without[set_name] if without else c.texts(indexes)
            without_step = [o if o is not None else b for o, b in zip(others, base[set_name])]
            with_step = base[set_name]
        row[set_name] = c.f1(with_step) - c.f1(without_step)
        row[set_name + " pages"] = sum(a != b for a, b in zip(with_step, without_step))
    return row


def ensemble_effects(corpora: dict[str, Corpus]) -> list[dict]:
    """Combinations of extractors, each against generic: F1 with the combination minus generic's."""
    rows = []
    for name, combine in ENSEMBLES.items():
        row = {"rule": name, "group": "ensemble"}
        for set_name, c in corpora.items():
            base = c.texts()
            combined = combine(c, base)
            row[set_name] = c.f1(combined) - c.f1(base)
            row[set_name + " pages"] = sum(a != b for a, b in zip(combined, base))
        rows.append(row)
    return rows


def _precision_first(c: Corpus, base: list[str]) -> list[str]:
    """trafilatura's precision mode unless it keeps less than half of what the default mode keeps."""
    import trafilatura

    from crawler.extract import generic

    texts = []
    for i, page in enumerate(c.parsed):
        precise = trafilatura.bare_extraction(page.html, url=page.canonical, include_comments=False,
                                              favor_precision=True)
        chosen = precise if precise is not None and len(precise.text or "") >= 0.5 * len(base[i]) else None
        if chosen is None:
            texts.append(base[i])
            continue
        with patched(generic, "_run", lambda _page: chosen):
            texts.append(c.text(i, generic.extract(page)))
    return texts


def _others(c: Corpus) -> list[list[tuple[set, str]]]:
    """Per page, the texts of trafilatura's precision mode and of readability-lxml as
    (shingles, tokens joined by spaces), computed once."""
    import trafilatura

    from extraction import readability_alone

    if not hasattr(c, "others"):
        c.others = []
        for page in c.parsed:
            precise = trafilatura.extract(page.html, url=page.canonical, include_comments=False, favor_precision=True)
            c.others.append([_tokens(precise or ""), _tokens(readability_alone(page.html, page.canonical))])
    return c.others


def _tokens(text: str) -> tuple[set, str]:
    tokens = TOKEN_RE.findall(text.lower())
    return {tuple(tokens[i:i + 4]) for i in range(len(tokens) - 3)}, f" {' '.join(tokens)} "


def _agreed(paragraph: str, others: list[tuple[set, str]]) -> bool:
    """Whether another extractor kept at least half of the paragraph's shingles (a paragraph of
    fewer than four words: all of it); a page where the others found nothing is no evidence."""
    if not any(joined.strip() for _, joined in others):
        return True
    shingles, joined = _tokens(paragraph)
    if not joined.strip():
        return True
    if not shingles:
        return any(joined in other for _, other in others)
    return any(len(shingles & other) >= len(shingles) / 2 for other, _ in others)


def _vote(c: Corpus, base: list[str]) -> list[str]:
    """Keep only the paragraphs that precision mode or readability-lxml also keeps."""
    return ["\n\n".join(p for p in text.split("\n\n") if _agreed(p, others))
            for text, others in zip(base, _others(c))]


def _trim(c: Corpus, base: list[str]) -> list[str]:
    """Drop leading and trailing paragraphs that neither precision mode nor readability-lxml keeps."""
    trimmed = []
    for text, others in zip(base, _others(c)):
        paragraphs = text.split("\n\n")
        kept = [i for i, p in enumerate(paragraphs) if _agreed(p, others)]
        trimmed.append("\n\n".join(paragraphs[kept[0]:kept[-1] + 1]) if kept else text)
    return trimmed


ENSEMBLES: dict[str, Callable[[Corpus, list[str]], list[str]]] = {
    "precision mode unless it keeps < 1/2": _precision_first,
    "vote: paragraphs precision mode or readability also keep": _vote,
    "trim: leading/trailing paragraphs neither keeps": _trim,
}


def markdown(rows: list[dict]) -> str:
    """The rows as the table of bench/README.md."""
    replica = any("replica" in r for r in rows)
    extra = (" ΔF1 replica |", " --- |") if replica else ("", "")
    lines = [f"| rule | group | ΔF1 {DEV} (dev) | ΔF1 {CONFIRM} (confirm) |{extra[0]} pages changed (dev / confirm) |",
             f"| --- | --- | --- | --- |{extra[1]} --- |"]
    for r in rows:
        cell = f" {r.get('replica', 0):+.5f} |" if replica else ""
        lines.append(f"| {r['rule']} | {r['group']} | {r.get(DEV, 0):+.5f} | {r.get(CONFIRM, 0):+.5f} |{cell} "
                     f"{r.get(DEV + ' pages', 0)} / {r.get(CONFIRM + ' pages', 0)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="the shared/extraction folder (default: found from the checkout)")
    parser.add_argument("--ensembles", action="store_true", help="also score combinations of extractors")
    parser.add_argument("--replica", action="store_true", help="also measure on the replica's portal pages")
    args = parser.parse_args()
    try:
        data = find_data(args.data)
    except DataNotFound as exc:
        sys.exit(f"bench: {exc}")
    corpora = {name: Corpus(load_set(data, name)) for name in SETS + (("replica",) if args.replica else ())}
    print("F1 of generic: " + ", ".join(f"{n} {c.f1(c.texts()):.5f}" for n, c in corpora.items()))
    rows = rule_effects(corpora) + step_effects(corpora)
    if args.ensembles:
        rows += ensemble_effects(corpora)
    print(markdown(rows))


if __name__ == "__main__":
    main()
