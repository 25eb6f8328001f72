"""The RFC 9110 rules the feed server applies to a request: codings it accepts, and its validators."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

#: The weight of identity when the header does not name it: acceptable, after any coding named (RFC 9110 §12.5.3).
IMPLICIT = 0.001


def acceptable_codings(header: bytes | None) -> tuple[str, ...]:
    """The codings a client accepts, best first (RFC 9110 §12.5.3); empty when it accepts none we have.

    No header: identity (any coding is allowed, but a client that does not ask seldom decodes).
    """
    if header is None:
        return ("identity",)
    weights = _weights(header)
    star = weights.get("*")
    gzip = weights.get("gzip", weights.get("x-gzip", 0.0 if star is None else star))
    identity = weights.get("identity", IMPLICIT if star is None else star)
    ranked = sorted(((gzip, 0, "gzip"), (identity, 1, "identity")), key=lambda weighed: (-weighed[0], weighed[1]))
    return tuple(coding for weight, _, coding in ranked if weight > 0)


def _weights(header: bytes) -> dict[str, float]:
    """``gzip;q=0.5, identity`` -> {"gzip": 0.5, "identity": 1.0}; a coding with a bad q is left out."""
    weights = {}
    for part in header.decode("latin-1").split(","):
        coding, _, params = part.partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = None
        if weight is not None:
            weights[coding] = weight
    return weights


def etag_matches(header: bytes, etag: bytes) -> bool:
    """If-None-Match holds ``etag`` or ``*`` (weak comparison, RFC 9110 §13.1.2)."""
    if header == etag:
        return True
    for tag in header.split(b","):
        tag = tag.strip()
        if tag == b"*" or tag.removeprefix(b"W/") == etag:
            return True
    return False


def not_modified_since(header: bytes, last_modified: bytes, modified: int) -> bool:
    """If-Modified-Since is at or after ``modified`` (whole seconds since the epoch); a bad date: False."""
    if header == last_modified:
        return True
    try:
        return parsedate_to_datetime(header.decode("latin-1")).timestamp() >= modified
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
