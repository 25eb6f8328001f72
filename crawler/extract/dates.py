"""Publication dates as the portals print them, made timezone-aware.

A time printed without a zone is local time of the source (Asia/Shanghai
for these portals): it gets that zone's offset, never UTC. A time with a
zone is converted to the source's zone so one source's dates sort as text.
``choose`` applies the precedence every profile shares: the candidates in
the order given (meta tags, then the visible date line), then the URL path.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import parser as dateutil_parser

from coopfeed.errors import ConfigError

ISO_RE = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\s\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))(?!\d)"
)
NUMERIC_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)\s*日?"
    r"(?:[T\s]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
)
SHORT_YEAR_RE = re.compile(r"(?<!\d)(?P<y>\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_CLOCK = r"(?:\s*,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?"
MONTH_NAME_RE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}{_CLOCK}"
    rf"|\b\d{{1,2}}\s+{_MONTH},?\s+(?:19|20)\d{{2}}{_CLOCK}", re.I)


class BadDate(ValueError):
    """A date was found but it is impossible (month 13, hour 25…)."""


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ConfigError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {name!r} (use an IANA name such as Asia/Shanghai)") from None


def parse_date(text: str | None, tz: str = "Asia/Shanghai") -> datetime | None:
    """The first date in ``text`` as an aware datetime in ``tz``; None if there is none.

    Raises BadDate when the text holds a date-shaped string that is not a real date.
    """
    if not text or not text.strip():
        return None
    iso = ISO_RE.search(text)
    if iso:
        return localise(_from_iso(iso.group(0)), tz)
    for pattern in (NUMERIC_RE, SHORT_YEAR_RE):
        match = pattern.search(text)
        if match:
            return localise(_from_parts(match), tz)
    named = MONTH_NAME_RE.search(text)
    if named:
        return localise(_from_words(named.group(0)), tz)
    return None


def find_date_text(text: str) -> str | None:
    """The first date-shaped substring of a line of text (valid or not)."""
    for pattern in (ISO_RE, NUMERIC_RE, SHORT_YEAR_RE, MONTH_NAME_RE):
        match = pattern.search(text or "")
        if match:
            return match.group(0)
    return None


def choose(candidates: list[str | None], url_day: date | None, tz: str, problems: list[str]) -> datetime | None:
    """The publication time: the first candidate that parses, made more precise by a later
    one that agrees with it ("10:09" + "10:09:55"), else ``url_day`` at midnight, else None.

    Unparsable candidates and a missing date are reported in ``problems``.
    """
    bad: list[str] = []
    found: list[datetime] = []
    for text in candidates:
        try:
            moment = parse_date(text, tz)
        except BadDate as exc:
            bad.append(str(exc))
            continue
        if moment:
            found.append(moment)
    if found:
        _report(bad, problems, "used a later date on the page")
        return _refine(found[0], found[1:])
    if url_day:
        _report(bad, problems, "used URL path date")
        return at_midnight(url_day, tz)
    _report(bad, problems, "no other date found")
    if not bad:
        problems.append("date: none found")
    return None


def at_midnight(day: date, tz: str = "Asia/Shanghai") -> datetime:
    """A date with no time: 00:00 local time in ``tz``."""
    return datetime.combine(day, time(0, 0), tzinfo=zone(tz))


def localise(moment: datetime, tz: str) -> datetime:
    """A naive time gets the zone ``tz``; an aware one is converted to it."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone(tz))
    return moment.astimezone(zone(tz))


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


def _from_words(value: str) -> datetime:
    try:
        return dateutil_parser.parse(value)
    except (ValueError, OverflowError):
        raise BadDate(value) from None


def _refine(first: datetime, later: list[datetime]) -> datetime:
    """A later date equal to ``first`` at ``first``'s precision but more precise, else ``first``."""
    if first.second:
        return first
    for moment in later:
        if moment.date() != first.date() or moment == first:
            continue
        if not (first.hour or first.minute) or (moment.hour, moment.minute) == (first.hour, first.minute):
            return moment
    return first


def _report(bad: list[str], problems: list[str], what: str) -> None:
    """One problem line for all the unparsable dates of a page."""
    if bad:
        values = ", ".join(repr(value) for value in dict.fromkeys(bad))
        problems.append(f"date: unparsable {values}; {what}")
