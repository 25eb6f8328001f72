"""``coopfeed extract``: read files or URLs and extract their articles in order."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from coopfeed import __version__
from coopfeed.errors import CoopfeedError, ExtractionError
from crawler.extract import extract

USER_AGENT = f"coopfeed/{__version__} (extract)"


def extract_inputs(inputs: list[str], urls: list[str], **options) -> Iterator[dict]:
    """For each input, the article dict, or {"input", "error"} when it holds none."""
    file_urls = list(urls)
    for item in inputs:
        try:
            if item.startswith(("http://", "https://")):
                body, content_type, url = fetch(item)
            else:
                body, content_type = _read(item), None
                url = file_urls.pop(0) if file_urls else Path(item).resolve().as_uri()
            yield extract(body, url, content_type=content_type, **options).to_dict()
        except (ExtractionError, CoopfeedError) as exc:
            yield {"input": item, "error": str(exc)}


def fetch(url: str, timeout: float = 30.0) -> tuple[bytes, str | None, str]:
    """GET a page: (body, Content-Type, final URL); errors as one clear CoopfeedError."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type"), response.geturl()
    except urllib.error.HTTPError as exc:
        raise CoopfeedError(f"HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CoopfeedError(f"cannot fetch: {reason}") from None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CoopfeedError(f"cannot read: {exc.strerror}") from None
