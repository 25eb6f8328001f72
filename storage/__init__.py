"""The SQLite store (sqlite-utils): items, sources, crawl runs, failures, FTS."""

from storage.db import Store
from storage.ids import item_id

__all__ = ["Store", "item_id"]
