"""Score relation records against expected ones; run the project's regression set.

    python -m narrascope.evaluation.relations_regression [--set DIR] [--json] [--show-errors]

A predicted record matches an expected one when both name the same document, the same
`(source, type, target)` (either direction for the symmetric types `negotiates` and
`military_cooperation`) and evidence sentences that overlap by at least `min_overlap`
characters, a tolerance for sentence splitters that cut slightly differently. Records are compared
as triples per sentence (the same triple with two modalities counts once); modality, object and
attribution agreement are reported on the matched pairs.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

SYMMETRIC = frozenset({"negotiates", "military_cooperation"})


@dataclass(frozen=True)
class Record:
    doc: str
    source: str
    type: str
    target: str
    start: int
    end: int
    object: str = ""
    modality: str = "asserted"
    attribution: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        ends = (self.source, self.target)
        if self.type in SYMMETRIC:
            ends = (min(ends), max(ends))
        return (self.doc, self.type, *ends)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
        }


@dataclass
class Evaluation:
    overall: Score
    by_type: dict[str, Score]
    modality_agreement: float
    object_agreement: float
    attribution_agreement: float
    false_positives: list[Record] = field(default_factory=list)
    false_negatives: list[Record] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "overall": self.overall.as_dict(),
            "by_type": {t: s.as_dict() for t, s in sorted(self.by_type.items())},
            "modality_agreement": round(self.modality_agreement, 3),
            "object_agreement": round(self.object_agreement, 3),
            "attribution_agreement": round(self.attribution_agreement, 3),
        }


def _overlap(a: Record, b: Record) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def _norm(text: str) -> str:
    return " ".join(text.casefold().replace("the ", "").split())


def evaluate(
    predicted: Iterable[Record], expected: Iterable[Record], min_overlap: int = 1
) -> Evaluation:
    """Precision/recall/F1 of triples per evidence sentence, with agreement on the matched pairs."""
    gold_groups: dict[tuple, list[Record]] = defaultdict(list)
    for g in expected:
        gold_groups[(g.key, g.start, g.end)].append(g)
    pred_groups: dict[tuple, list[Record]] = defaultdict(list)
    for p in predicted:
        pred_groups[(p.key, p.start, p.end)].append(p)

    by_type: dict[str, Score] = defaultdict(Score)
    overall = Score()
    used: set[tuple] = set()
    agree = {"modality": [0, 0], "object": [0, 0], "attribution": [0, 0]}
    misses: list[Record] = []
    for gkey, golds in gold_groups.items():
        match = None
        for pkey, preds in pred_groups.items():
            if pkey in used or pkey[0] != gkey[0]:
                continue
            if _overlap(preds[0], golds[0]) >= min_overlap:
                match = pkey
                break
        type_ = golds[0].type
        if match is None:
            overall.fn += 1
            by_type[type_].fn += 1
            misses.append(golds[0])
            continue
        used.add(match)
        overall.tp += 1
        by_type[type_].tp += 1
        preds = pred_groups[match]
        for g in golds:
            agree["modality"][1] += 1
            agree["modality"][0] += any(p.modality == g.modality for p in preds)
            if g.object:
                agree["object"][1] += 1
                agree["object"][0] += any(
                    _norm(g.object) in _norm(p.object)
                    or (p.object and _norm(p.object) in _norm(g.object))
                    for p in preds
                )
            if g.attribution:
                agree["attribution"][1] += 1
                agree["attribution"][0] += any(
                    p.attribution
                    and (
                        _norm(p.attribution) in _norm(g.attribution)
                        or _norm(g.attribution) in _norm(p.attribution)
                    )
                    for p in preds
                )
    extras = [preds[0] for pkey, preds in pred_groups.items() if pkey not in used]
    for p in extras:
        overall.fp += 1
        by_type[p.type].fp += 1

    def ratio(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0

    return Evaluation(
        overall,
        dict(by_type),
        ratio(agree["modality"]),
        ratio(agree["object"]),
        ratio(agree["attribution"]),
        extras,
        misses,
    )


# --- the packaged regression set -----------------------------------------------------------


def default_set() -> Path:
    return Path(str(resources.files("narrascope.data").joinpath("relations-regression")))


def load_expected(folder: Path) -> tuple[dict[str, str], list[Record]]:
    texts = {
        p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "articles").glob("*.txt"))
    }
    records = []
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        start = texts[item["doc"]].find(item["sentence"])
        if start < 0:
            raise ValueError(
                f"{item['doc']}: evidence sentence not found: {item['sentence'][:60]!r}"
            )
        records.append(
            Record(
                item["doc"],
                item["source"],
                item["type"],
                item["target"],
                start,
                start + len(item["sentence"]),
                item.get("object", ""),
                item.get("modality", "asserted"),
                item.get("attribution", ""),
            )
        )
    return texts, records


def predict(texts: dict[str, str]) -> list[Record]:
    from narrascope.config import Config
    from narrascope.pipeline import Pipeline, document_from_text

    config = Config.load()
    config.options["relations"] = {**config.options_for("relations"), "engine": "rules"}
    pipeline = Pipeline.from_config(config, only=["relations"])  # the set scores the rules
    out: list[Record] = []
    for name, text in texts.items():
        doc = pipeline.analyze(document_from_text(text))
        out.extend(
            Record(
                name,
                r.source,
                r.type,
                r.target,
                r.start,
                r.end,
                r.object,
                r.modality,
                r.attribution,
            )
            for r in doc.relations
        )
    return out


def run(folder: Path | None = None) -> Evaluation:
    texts, expected = load_expected(folder or default_set())
    return evaluate(predict(texts), expected)


def save_results(path: Path, folder: Path | None = None) -> dict:
    """Score the default relation extractor and write a docs/results JSON file."""
    from datetime import date

    result = run(folder)
    o = result.overall
    note = f"tp={o.tp} fp={o.fp} fn={o.fn}"
    texts, _ = load_expected(folder or default_set())
    rows = [
        {
            "task": "relations regression set",
            "metric": metric,
            "value": round(value, 3),
            "documents": len(texts),
            "system": "narrascope rules",
            "std": None,
            "note": note,
        }
        for metric, value in (
            ("precision", o.precision),
            ("recall", o.recall),
            ("f1", o.f1),
            ("modality_agreement", result.modality_agreement),
            ("object_agreement", result.object_agreement),
            ("attribution_agreement", result.attribution_agreement),
        )
    ]
    payload = {
        "title": "Relations: project regression set (written together with the rules: a regression check, not a quality result)",
        "command": "python -m narrascope.evaluation.relations_regression --results docs/results/relations-regression.json",
        "measured": date.today().isoformat(),
        "rows": rows,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return payload


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Score the relation extractor on the regression set."
    )
    parser.add_argument(
        "--set", type=Path, default=None, help="folder with articles/ and expected.jsonl"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="write the scores as a docs/results JSON file here",
    )
    args = parser.parse_args(argv)
    if args.results:
        payload = save_results(args.results, args.set)
        for row in payload["rows"]:
            print(f"{row['metric']:22} {row['value']:.3f}")
        return
    result = run(args.set)
    if args.json:
        print(json.dumps(result.as_dict(), indent=1))
    else:
        o = result.overall
        print(
            f"overall  P={o.precision:.3f} R={o.recall:.3f} F1={o.f1:.3f}  (tp={o.tp} fp={o.fp} fn={o.fn})"
        )
        for type_, s in sorted(result.by_type.items()):
            print(
                f"  {type_:22} P={s.precision:.2f} R={s.recall:.2f} F1={s.f1:.2f}  (tp={s.tp} fp={s.fp} fn={s.fn})"
            )
        print(
            f"on matches: modality {result.modality_agreement:.3f}, object {result.object_agreement:.3f}, "
            f"attribution {result.attribution_agreement:.3f}"
        )
    if args.show_errors:
        for r in result.false_positives:
            print(
                "FP",
                r.doc,
                r.source,
                r.type,
                r.target,
                r.modality,
                repr(r.object),
                repr(r.attribution),
            )
        for r in result.false_negatives:
            print("FN", r.doc, r.source, r.type, r.target, r.modality)


if __name__ == "__main__":
    main()
