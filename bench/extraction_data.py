"""The two shared extraction sets: where they are, and their pages with the truth of each.

``scrapinghub/`` (181 pages, a hand-made article body each) and
``trafilatura-eval/`` (990 pages, snippets the text must and must not hold);
their layout is described in ``shared/extraction/README.md``. The data folder
is ``--data``, else ``$COOPFEED_EXTRACTION_DATA``, else the first
``shared/extraction`` found from the checkout upwards. ``replica`` is not
shared data: the article pages of the project's own portal replica (Chinese
and English, their text known), where the portal rules can be seen at work.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "COOPFEED_EXTRACTION_DATA"
SETS = ("scrapinghub", "trafilatura-eval")


@dataclass
class BenchPage:
    """One page of a set: its page (text or original bytes), URL and truth."""

    set: str
    id: str
    url: str
    page: str | bytes
    #: The article body (scrapinghub) or {"with": [...], "without": [...]} (trafilatura-eval).
    truth: str | dict


class DataNotFound(Exception):
    """No extraction data where it was looked for."""


def find_data(given: Path | None = None, start: Path = ROOT) -> Path:
    """The folder holding the sets: ``given``, the environment variable, or a ``shared/extraction``
    in ``start`` or one of its parents."""
    if given is None and os.environ.get(ENV_VAR):
        given = Path(os.environ[ENV_VAR])
    if given is not None:
        return _checked(given.parent if given.name in SETS else given)
    for folder in (start, *start.parents):
        candidate = folder / "shared" / "extraction"
        if candidate.is_dir():
            return _checked(candidate)
    raise DataNotFound(f"no shared/extraction folder in {start} or above it (use --data DIR or ${ENV_VAR})")


def _checked(data: Path) -> Path:
    if not any((data / name).is_dir() for name in SETS):
        raise DataNotFound(f"{data} holds neither {' nor '.join(f'{name}/' for name in SETS)}")
    return data


def load_set(data: Path, name: str) -> list[BenchPage]:
    """Every page of one set, in id order (none when the set is not in ``data``)."""
    if name == "replica":
        return _replica()
    if not (data / name).is_dir():
        return []
    return _scrapinghub(data / name) if name == "scrapinghub" else _trafilatura_eval(data / name)


def _replica(base_url: str = "http://127.0.0.1:8000") -> list[BenchPage]:
    """The replica's article pages as served (GBK pages as their bytes), each with its true text."""
    from replica.site import Replica
    from replica.truth import expected_articles

    replica = Replica()
    pages = []
    for row in expected_articles(replica, base_url):
        path, _, query = row["fetch_url"][len(base_url):].partition("?")
        response = replica.handle("GET", path, query, "", {}, base_url)
        pages.append(BenchPage("replica", row["key"], row["fetch_url"], response.body, row["text"]))
    return pages


def _scrapinghub(folder: Path) -> list[BenchPage]:
    """The pages as text: the set's pages are UTF-8 by its README."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return [BenchPage("scrapinghub", page_id, entry["url"], _gunzip(folder, page_id).decode("utf-8"),
                      entry["articleBody"]) for page_id, entry in sorted(truth.items())]


def _trafilatura_eval(folder: Path) -> list[BenchPage]:
    """The pages as their original bytes (any encoding): decoding is part of the test."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return [BenchPage("trafilatura-eval", page_id, entry["url"], _gunzip(folder, page_id),
                      {"with": entry["with"], "without": entry["without"]})
            for page_id, entry in sorted(truth.items())]


def _gunzip(folder: Path, page_id: str) -> bytes:
    return gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
