"""What the cross-sentence weapon chain adds to the rules on the training articles.

    python -m narrascope.training.relations_chain --data ../shared/data

Counts the records and triples the chain (`relations/weapon_chain.py`) adds to the
sentence-level rules on the `train` split of the project's annotations, how many of them the
annotators recorded, and the rules' triple scores without and with it. Only the train split is
read; the dev split stays for the final scores.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

from narrascope.evaluation.relations_dev import score

extract_module = importlib.import_module("narrascope.relations.extract")


def added_by_chain(articles: list[Any]) -> dict[str, Any]:
    """Records the chain adds, the triples among them that are new, and how many are gold."""
    without, with_chain, gold = {}, {}, {}
    records = []
    for a in articles:
        doc, sdoc, mentions = a.builder.doc, a.builder.sdoc, a.builder.mentions
        before = extract_module.extract(doc, sdoc, mentions, chain=False)
        after = extract_module.extract(doc, sdoc, mentions)
        without[a.doc_id], with_chain[a.doc_id], gold[a.doc_id] = before, after, a.gold
        had = {(r.source, r.type, r.target) for r in before}
        gold_triples = {g.triple for g in a.gold}
        gold_records = {(g.start, g.triple) for g in a.gold}
        for r in after:
            if r in before:
                continue
            triple = (r.source, r.type, r.target)
            records.append(
                {
                    "doc_id": a.doc_id,
                    "triple": triple,
                    "new_triple": triple not in had,
                    "gold_triple": triple in gold_triples,
                    "gold_record": (r.start, triple) in gold_records,
                    "modality": r.modality,
                }
            )
    new = {(r["doc_id"], r["triple"]) for r in records if r["new_triple"]}
    new_gold = {(r["doc_id"], r["triple"]) for r in records if r["new_triple"] and r["gold_triple"]}
    return {
        "added_records": len(records),
        "added_records_gold": sum(r["gold_record"] for r in records),
        "new_triples": len(new),
        "new_triples_gold": len(new_gold),
        "rules": score(without, gold)["triples"],
        "rules_with_chain": score(with_chain, gold)["triples"],
        "records": records,
    }


def main(argv: list[str] | None = None) -> None:
    from narrascope.training import relations as trainer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    result = added_by_chain(trainer.parse(args.data, "train"))
    print(json.dumps(result, indent=1, default=list))


if __name__ == "__main__":
    main()
