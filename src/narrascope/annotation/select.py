"""Which training-split articles the project annotates, and which of them are held out as dev.

The choice is made once, before any model work, from a fixed seed, so it can be reproduced and
audited: `python -m narrascope.annotation.select DATA_ROOT` rewrites the manifests and must give
the committed files byte for byte. Only training splits are ever listed (never a `test` folder).

- relations: articles naming at least two different states (a cheap gazetteer count), drawn from
  SemEval-2025 EN `train_dec4` Ukraine-war articles and PTC `train-articles`; a quarter is dev.
  That first draw (160 articles) depended on the gazetteer of its day, which has grown since, so
  it is kept as committed (`relation_manifest` still shows how it was made). Later articles come
  from a second draw (`extra_order`): per pool, the articles that the current gazetteer finds
  eligible and that are not in the first draw, in a seeded order; the first
  `RELATION_EXTRA[pool]` of each order are listed, all `train` (three SemEval to one PTC, as in
  the first draw; a prefix of a fixed order, so growing a count keeps earlier articles; the dev
  articles never change).
- genre: a random draw from the same two English training sets, without a topic filter, so the
  genre mix is that of the corpora; folds are assigned by article.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from functools import cache
from pathlib import Path

SEED = 2026
RELATION_COUNTS = {"semeval2025": 120, "ptc": 40}
RELATION_DEV_SHARE = 0.25
RELATION_EXTRA = {"semeval2025": 80, "ptc": 27}
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


@cache
def _state_patterns() -> dict[str, re.Pattern[str]]:
    return {
        actor: re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(ns)) + r")\b")
        for actor, ns in _state_names().items()
        if ns
    }


def _eligible(data_root: Path, corpus: str, patterns: dict[str, re.Pattern[str]]) -> list[Path]:
    files = _articles(data_root, corpus)
    if corpus == "semeval2025":
        files = [f for f in files if "_UA_" in f.name]
    return [
        f
        for f in files
        if _states_named(f.read_text(encoding="utf-8", errors="replace"), patterns) >= 2
    ]


def relation_manifest(data_root: Path) -> list[dict[str, str]]:
    """The first draw, as it was made (with today's gazetteer it draws other articles)."""
    patterns = _state_patterns()
    rng = random.Random(SEED)
    rows = []
    for corpus, count in RELATION_COUNTS.items():
        eligible = _eligible(data_root, corpus, patterns)
        chosen = sorted(rng.sample(eligible, count), key=lambda f: f.name)
        rng.shuffle(chosen)
        n_dev = round(count * RELATION_DEV_SHARE)
        for k, f in enumerate(chosen):
            split = "dev" if k < n_dev else "train"
            rows.append({"doc_id": f.name, "path": f"{SOURCES[corpus]}/{f.name}", "split": split})
    return sorted(rows, key=lambda r: r["path"])


def extra_order(data_root: Path, corpus: str, first: list[dict[str, str]]) -> list[dict[str, str]]:
    """A pool's eligible articles outside the first draw, in the order they are annotated in."""
    taken = {row["path"] for row in first}
    rows = [
        {"doc_id": f.name, "path": f"{SOURCES[corpus]}/{f.name}", "split": "train", "draw": "2"}
        for f in _eligible(data_root, corpus, _state_patterns())
        if f"{SOURCES[corpus]}/{f.name}" not in taken
    ]
    random.Random(f"{SEED}-{corpus}").shuffle(rows)
    return rows


def extended_manifest(data_root: Path, current: list[dict[str, str]]) -> list[dict[str, str]]:
    """The committed first draw plus the first `RELATION_EXTRA` articles of each pool."""
    first = [row for row in current if "draw" not in row]
    rows = list(first)
    for corpus, count in RELATION_EXTRA.items():
        rows += extra_order(data_root, corpus, first)[:count]
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
    relations = MANIFESTS / "relations" / "manifest.jsonl"
    current = [json.loads(x) for x in relations.read_text(encoding="utf-8").splitlines() if x]
    _write(relations, extended_manifest(data_root, current))
    _write(MANIFESTS / "genre" / "manifest.jsonl", genre_manifest(data_root))
    print(f"wrote manifests under {MANIFESTS}")


if __name__ == "__main__":
    main()
