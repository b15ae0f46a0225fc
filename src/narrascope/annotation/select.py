"""Which training-split articles the project annotates, and which of them are held out as dev.

The choice is made once, before any model work, from a fixed seed, so it can be reproduced and
audited: `python -m narrascope.annotation.select DATA_ROOT` rewrites the manifests and must give
the committed files byte for byte. Only training splits are ever listed (never a `test` folder).

- relations: articles naming at least two different states (a cheap gazetteer count), drawn from
  SemEval-2025 EN `train_dec4` Ukraine-war articles and PTC `train-articles`; a quarter is dev.
- genre: a random draw from the same two English training sets, without a topic filter, so the
  genre mix is that of the corpora; folds are assigned by article.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path

SEED = 2026
RELATION_COUNTS = {"semeval2025": 120, "ptc": 40}
RELATION_DEV_SHARE = 0.25
GENRE_COUNTS = {"semeval2025": 210, "ptc": 210}
GENRE_FOLDS = 5

SOURCES = {
    "semeval2025": "semeval2025t10/EN/train_dec4/raw-documents",
    "ptc": "ptc2020/train-articles",
}
MANIFESTS = Path(__file__).resolve().parent.parent / "data" / "annotations"


def _state_names() -> dict[str, list[str]]:
    gazetteer = json.loads((MANIFESTS.parent / "gazetteer.json").read_text(encoding="utf-8"))
    names: dict[str, list[str]] = {}
    for actor_id, entry in gazetteer["actors"].items():
        if entry.get("kind") == "state":
            names[actor_id] = list(entry.get("names", [])) + list(entry.get("demonyms", []))
    return names


def _states_named(text: str, patterns: dict[str, re.Pattern[str]]) -> int:
    return sum(1 for pattern in patterns.values() if pattern.search(text))


def _articles(data_root: Path, corpus: str) -> list[Path]:
    folder = data_root / SOURCES[corpus]
    return sorted(folder.glob("*.txt"))


def relation_manifest(data_root: Path) -> list[dict[str, str]]:
    names = _state_names()
    patterns = {
        actor: re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(ns)) + r")\b")
        for actor, ns in names.items()
        if ns
    }
    rng = random.Random(SEED)
    rows = []
    for corpus, count in RELATION_COUNTS.items():
        files = _articles(data_root, corpus)
        if corpus == "semeval2025":
            files = [f for f in files if "_UA_" in f.name]
        eligible = [
            f
            for f in files
            if _states_named(f.read_text(encoding="utf-8", errors="replace"), patterns) >= 2
        ]
        chosen = sorted(rng.sample(eligible, count), key=lambda f: f.name)
        rng.shuffle(chosen)
        n_dev = round(count * RELATION_DEV_SHARE)
        for k, f in enumerate(chosen):
            split = "dev" if k < n_dev else "train"
            rows.append({"doc_id": f.name, "path": f"{SOURCES[corpus]}/{f.name}", "split": split})
    return sorted(rows, key=lambda r: r["path"])


def genre_manifest(data_root: Path) -> list[dict[str, object]]:
    rng = random.Random(SEED + 1)
    rows: list[dict[str, object]] = []
    for corpus, count in GENRE_COUNTS.items():
        files = _articles(data_root, corpus)
        for f in sorted(rng.sample(files, count), key=lambda f: f.name):
            digest = hashlib.sha256(f.name.encode()).hexdigest()
            rows.append(
                {
                    "doc_id": f.name,
                    "path": f"{SOURCES[corpus]}/{f.name}",
                    "fold": int(digest, 16) % GENRE_FOLDS,
                }
            )
    return sorted(rows, key=lambda r: str(r["path"]))


def _write(path: Path, rows: list[dict[str, object]] | list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    data_root = Path(args[0] if args else "../shared/data")
    _write(MANIFESTS / "relations" / "manifest.jsonl", relation_manifest(data_root))
    _write(MANIFESTS / "genre" / "manifest.jsonl", genre_manifest(data_root))
    print(f"wrote manifests under {MANIFESTS}")


if __name__ == "__main__":
    main()
