"""Times as the store writes them: aware UTC ISO 8601 strings, from the clock or from a caller."""

from __future__ import annotations

from datetime import datetime, timezone

from coopfeed.errors import StoreError


def utc_now() -> str:
    """The current time, UTC, to the second: ``2026-11-24T04:03:26+00:00``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stamp(now: str | datetime | None = None) -> str:
    """``now`` (an aware datetime or ISO string) as a UTC ISO string; the clock when None."""
    if now is None:
        return utc_now()
    moment = _parse(now, "time")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def to_utc(published: str | datetime | None) -> str | None:
    """A publication time as sortable UTC ISO with "Z" (``2018-08-17T00:55:03Z``); None stays None."""
    if published is None or published == "":
        return None
    moment = _parse(published, "published time")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def iso(published: str | datetime | None) -> str | None:
    """A publication time as stored in ``published``: ISO text, its own offset kept."""
    if isinstance(published, datetime):
        return published.isoformat()
    return published or None


def _parse(value: str | datetime, what: str) -> datetime:
    """An aware datetime from ``value``; StoreError when it is not ISO 8601 or has no time zone."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise StoreError(f"{what} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise StoreError(f"{what} {value!r} has no time zone (the store keeps aware times only)")
    return moment
