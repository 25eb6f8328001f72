"""Publication dates as the portals print them, made timezone-aware.

A time printed without a zone is local time of the source (Asia/Shanghai
for these portals): it gets that zone's offset, never UTC. A time with a
zone is converted to the source's zone so one source's dates sort as text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

NUMERIC_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)日?"
    r"(?:[T\s]+(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
SHORT_YEAR_RE = re.compile(r"(?<!\d)(?P<y>\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)")
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
DATE_LIKE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?(?:[T\s]+\d{1,2}[:时]\d{1,2}(?:[:分]\d{1,2})?)?")
MONTH_NAME_RE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+(?:19|20)\d{2}"
    r"|\b\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,?\s+(?:19|20)\d{2}", re.I)


class BadDate(ValueError):
    """A date was found but it is impossible (month 13, hour 25…)."""


def parse_date(text: str | None, tz: str = "Asia/Shanghai") -> datetime | None:
    """The first date in ``text`` as an aware datetime in ``tz``; None if there is none.

    Raises BadDate when the text holds a date-shaped string that is not a real date.
    """
    if not text or not text.strip():
        return None
    zone = ZoneInfo(tz)
    text = text.strip()
    iso = ISO_RE.search(text)
    if iso:
        return _localise(_from_iso(iso.group(0)), zone)
    for pattern in (NUMERIC_RE, SHORT_YEAR_RE):
        match = pattern.search(text)
        if match:
            return _localise(_from_parts(match), zone)
    named = MONTH_NAME_RE.search(text)
    if named:
        try:
            return _localise(dateutil_parser.parse(named.group(0)), zone)
        except (ValueError, OverflowError):
            raise BadDate(named.group(0)) from None
    return None


def at_midnight(day: date, tz: str = "Asia/Shanghai") -> datetime:
    """A date with no time: 00:00 local time in ``tz``."""
    return datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(tz))


def find_date_text(text: str) -> str | None:
    """The first date-shaped substring of a line of page text (for visible date lines)."""
    for pattern in (ISO_RE, DATE_LIKE_RE, MONTH_NAME_RE):
        match = pattern.search(text or "")
        if match:
            return match.group(0)
    return None


def _from_iso(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadDate(value) from None


def _from_parts(match: re.Match) -> datetime:
    year = int(match["y"])
    year += 2000 if year < 100 else 0
    try:
        return datetime(year, int(match["m"]), int(match["d"]), int(match["H"] or 0),
                        int(match["M"] or 0), int(match.groupdict().get("S") or 0))
    except ValueError:
        raise BadDate(match.group(0)) from None


def _localise(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)
