"""A bar chart of new articles per run, as the numbers an inline SVG needs (drawn server-side)."""

from __future__ import annotations

from dataclasses import dataclass

BAR = 12  # px per run
GAP = 2
HEIGHT = 48


@dataclass(frozen=True)
class Bar:
    """One run's bar: position, size and its tooltip."""

    x: int
    y: int
    width: int
    height: int
    label: str
    failed: bool


def bars(runs: list[dict]) -> dict:
    """Geometry of the chart of ``runs`` (oldest first): width, height, most new and the bars."""
    most = max((run["new"] for run in runs), default=0)
    shown = []
    for index, run in enumerate(runs):
        height = round(HEIGHT * run["new"] / most) if most else 0
        height = max(height, 1)  # a run with nothing new still shows as a line
        label = (f"{run['started']}: {run['new']} new, {run['updated']} updated, {run['failed']} failed "
                 f"({run['status']})")
        shown.append(Bar(index * (BAR + GAP), HEIGHT - height, BAR, height, label,
                         run["status"] != "finished" or bool(run["failed"])))
    return {"width": max(len(runs) * (BAR + GAP), BAR), "height": HEIGHT, "most": most, "bars": shown}
