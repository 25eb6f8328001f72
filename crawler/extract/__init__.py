"""Extraction: a page (HTML text or bytes) and its URL in, an ``Article`` out.

Pure functions, no Scrapy and no network::

    from crawler.extract import extract
    article = extract(body, url, profile="auto", timezone="Asia/Shanghai")

One module per site profile (hanweb, wordpress, trs, generic) finds the
title, body, dates and metadata; ``page.assemble`` applies the shared
boilerplate, metadata, date and sanitizing rules; ``dispatch`` recognises the
profile. The names below load on first use: importing a light module of this
package (``urls``, ``article``) does not load trafilatura (a crawl that finds
nothing new never needs it).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Article", "PROFILES", "detect_profile", "extract"]


#: What ``dispatch`` provides under this package's name.
_DISPATCH = {"extract", "detect_profile", "PROFILES", "MARKUP_SIGNS", "with_generic_body", "_weakly_recognised"}


def __getattr__(name: str) -> Any:
    if name == "Article":
        from crawler.extract.article import Article

        return Article
    if name in _DISPATCH:  # anything else may be a submodule still to import: Python asks here first
        return getattr(importlib.import_module("crawler.extract.dispatch"), name)
    raise AttributeError(f"module 'crawler.extract' has no attribute {name!r}")
