"""Score relations against a gold file in the annotation format (one JSON record per line).

    python -m narrascope.evaluation.relations_gold --gold gold.jsonl --texts DIR [--predictions pred.jsonl]
        [--sentence-local] [--json]
    python -m narrascope.evaluation.relations_gold --set src/narrascope/data/relations-regression

Gold records carry `doc_id`, `source`, `type`, `target`, `object`, `modality`, `attribution`,
`start`, `end` (the evidence sentence) and optionally `note`. Without `--predictions` the texts
in DIR (every `*.txt`, read with `newline=''`; gold `doc_id`s are file names) are analysed here. `--sentence-local` leaves out
gold records whose note starts with 'implicit' (arguments resolved from a neighbouring sentence).
With `--set` it scores the project's regression set instead (see relations_regression.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from narrascope.evaluation.relations_regression import Record, evaluate
from narrascope.evaluation.relations_regression import main as regression_main


def read_records(path: Path, sentence_local: bool = False) -> list[Record]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if sentence_local and str(item.get("note", "")).startswith("implicit"):
            continue
        out.append(
            Record(
                item["doc_id"],
                item["source"],
                item["type"],
                item["target"],
                int(item["start"]),
                int(item["end"]),
                item.get("object", ""),
                item.get("modality", "asserted"),
                item.get("attribution", ""),
            )
        )
    return out


def predict_folder(folder: Path, doc_ids: set[str]) -> list[Record]:
    from narrascope.pipeline import Pipeline, document_from_text

    pipeline = Pipeline.from_config(only=["relations"])
    out: list[Record] = []
    for doc_id in sorted(doc_ids):
        with open(folder / doc_id, newline="", encoding="utf-8") as handle:
            doc = pipeline.analyze(document_from_text(handle.read()))
        out.extend(
            Record(
                doc_id,
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Score relations against gold records.")
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--texts", type=Path, help="folder with the gold documents")
    parser.add_argument("--predictions", type=Path, help="predicted records in the same format")
    parser.add_argument("--set", type=Path, help="score a regression set folder instead")
    parser.add_argument(
        "--sentence-local", action="store_true", help="skip gold records with an 'implicit' note"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.set is not None or args.gold is None:
        regression_main(
            (["--set", str(args.set)] if args.set else []) + (["--json"] if args.json else [])
        )
        return
    gold = read_records(args.gold, args.sentence_local)
    if args.predictions:
        predicted = read_records(args.predictions)
    elif args.texts:
        # every document in the folder is scored, also those without gold relations
        predicted = predict_folder(
            args.texts, {p.name for p in args.texts.glob("*.txt")} | {r.doc for r in gold}
        )
    else:
        parser.error("give --predictions or --texts")
    result = evaluate(predicted, gold)
    if args.json:
        print(json.dumps(result.as_dict(), indent=1))
    else:
        o = result.overall
        print(
            f"P={o.precision:.3f} R={o.recall:.3f} F1={o.f1:.3f} (tp={o.tp} fp={o.fp} fn={o.fn}); on matches: "
            f"modality {result.modality_agreement:.3f}, object {result.object_agreement:.3f}, "
            f"attribution {result.attribution_agreement:.3f}"
        )


if __name__ == "__main__":
    main()
