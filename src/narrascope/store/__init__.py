"""The embedded corpus store (DuckDB): articles and one table per layer, resumable runs, export."""

from narrascope.store.duckdb_store import EXPORT_FORMATS, Store, StoreError

__all__ = ["EXPORT_FORMATS", "Store", "StoreError"]
