"""A persistent cache of backbone vectors, for training and evaluation over fixed corpora.

Encoding a corpus is the slow part of training light heads; this cache keys vectors by the
encoder's name and the text's hash in an SQLite file (safe for several processes at once), so
re-training, cross-validation and several models over the same corpus encode each text once.
Location: `$NARRASCOPE_CACHE` or `~/.cache/narrascope`.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narrascope.encoders.minilm import Encoder


def cache_dir() -> Path:
    path = Path(os.environ.get("NARRASCOPE_CACHE", Path.home() / ".cache" / "narrascope"))
    path.mkdir(parents=True, exist_ok=True)
    return path


class VectorCache:
    def __init__(self, encoder: Encoder, path: str | Path | None = None) -> None:
        self.encoder = encoder
        self.path = Path(path) if path else cache_dir() / "vectors.sqlite"
        self._db = sqlite3.connect(self.path, timeout=120)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)"
        )
        self._db.commit()

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.encoder.name}\x00{text}".encode()).hexdigest()

    def encode(self, texts: Sequence[str], chunk: int = 512) -> np.ndarray:
        """Vectors for `texts`, encoding (and storing) only those not seen before."""
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 900):
            part = keys[i : i + 900]
            rows = self._db.execute(
                f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part
            ).fetchall()
            found.update({k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        by_key = dict(zip(keys, texts))
        for i in range(0, len(missing), chunk):
            part = missing[i : i + chunk]
            vectors = self.encoder.encode([by_key[k] for k in part])
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in zip(part, vectors)],
            )
            self._db.commit()
            found.update(zip(part, vectors))
        dim = self.encoder.dimension
        if not keys:
            return np.zeros((0, dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        self._db.close()
