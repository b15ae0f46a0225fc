"""The project's own labelled datasets (`narrascope/data/*.jsonl`, CC-BY-4.0, written by the project)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def load_jsonl(name: str) -> list[dict[str, Any]]:
    """Rows of a JSONL file shipped in `narrascope/data/` (blank lines ignored)."""
    text = (resources.files("narrascope") / "data" / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]
