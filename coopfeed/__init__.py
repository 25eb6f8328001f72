"""coopfeed: feeds for news portals that publish none.

The stages live in sibling packages: ``crawler`` (Scrapy project),
``storage`` (SQLite store), ``feeds`` (topic feeds and serving) and
``replica`` (the local demo web). This package holds the command line and
the few pieces every stage shares (errors, TOML loading).
"""

__version__ = "0.1.0"
