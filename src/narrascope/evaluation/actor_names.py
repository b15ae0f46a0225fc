"""Precision and recall of actor mentions in Russian, Bulgarian, Portuguese and Hindi.

The gold set (`data/annotations/actors/<lang>.jsonl`, labels and offsets only; guideline in
docs/actors-guideline.md) covers the first 800 characters of ten training-split articles per
language. A found mention is right when it overlaps a gold mention of the same actor that no
other found mention has taken; mentions crossing the region's end are left out on both sides.

`python -m narrascope.evaluation.actor_names DATA` prints one row per language.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path
from typing import Any

from narrascope.datasets.semeval2025 import read_documents
from narrascope.text.actor_names import find_actor_names

LANGUAGES = ("ru", "bg", "pt", "hi")


def gold(lang: str) -> list[dict]:
    path = resources.files("narrascope.data") / "annotations" / "actors" / f"{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def match(found: list[tuple[int, int, str]], wanted: list[tuple[int, int, str]]) -> int:
    """How many found mentions overlap a still-unmatched gold mention of the same actor."""
    free = list(wanted)
    hits = 0
    for start, end, actor in found:
        for item in free:
            if item[2] == actor and item[0] < end and start < item[1]:
                free.remove(item)
                hits += 1
                break
    return hits


def score(data: Path, lang: str) -> dict[str, Any]:
    texts = read_documents(Path(data) / lang.upper() / "train_dec4" / "raw-documents")
    found_n = gold_n = hits = 0
    for row in gold(lang):
        end = row["region"][1]
        text = texts[row["doc_id"]]
        found = [(m.start, m.end, m.actor) for m in find_actor_names(text, lang) if m.end <= end]
        wanted = [tuple(m) for m in row["mentions"]]
        found_n += len(found)
        gold_n += len(wanted)
        hits += match(found, wanted)
    precision = hits / found_n if found_n else 0.0
    recall = hits / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "lang": lang,
        "articles": len(gold(lang)),
        "gold": gold_n,
        "found": found_n,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the semeval2025t10 folder")
    args = parser.parse_args()
    for lang in LANGUAGES:
        print(json.dumps(score(args.data, lang)))


if __name__ == "__main__":
    main()
