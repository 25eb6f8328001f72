"""The extraction benchmark finds the shared data from any clone, and scores as the data's README says."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from extraction_data import ENV_VAR, DataNotFound, find_data  # noqa: E402
from extraction_metrics import aggregate, shingle_scores, snippet_scores  # noqa: E402


def make_data(root: Path) -> Path:
    data = root / "shared" / "extraction"
    (data / "scrapinghub").mkdir(parents=True)
    return data


def test_data_is_found_above_a_clone_in_another_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    data = make_data(tmp_path)
    clone = tmp_path / "elsewhere" / "coopfeed"
    clone.mkdir(parents=True)
    assert find_data(start=clone) == data


def test_data_from_the_option_or_the_environment(tmp_path, monkeypatch):
    data = make_data(tmp_path)
    assert find_data(data / "scrapinghub") == data  # a set's own folder names its parent
    monkeypatch.setenv(ENV_VAR, str(data))
    assert find_data(start=tmp_path / "nowhere") == data


def test_no_data_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(DataNotFound, match="no shared/extraction folder in .* or above it"):
        find_data(start=tmp_path)
    with pytest.raises(DataNotFound, match="holds neither"):
        find_data(tmp_path)


def test_snippet_metric_counts_found_missing_and_unwanted_snippets():
    truth = {"with": ["first  sentence here", "last one"], "without": ["Share on Facebook"]}
    assert snippet_scores(truth, "first sentence\nhere and more. Share on Facebook") == {"tp": 1, "fn": 1, "fp": 1}
    assert aggregate([{"tp": 3, "fn": 1, "fp": 1}])["precision"] == 0.75


def test_shingle_metric_of_an_exact_page():
    assert shingle_scores("one two three four five", "one two three four five") == {
        "precision": 1.0, "recall": 1.0, "exact": True}
