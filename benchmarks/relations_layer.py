"""Run the relation layer over a folder of articles; write the relations and time each stage.

    python benchmarks/relations_layer.py ../shared/data/semeval2025t10/EN/train_dec4/raw-documents \
        --out relations.jsonl [--embeddings]

Prints the seconds spent in the shared pass (entities parse, and the sentence encoder with
`--embeddings`) and in this layer (actors + relations + claims), so the layer's cost can be
compared with the pass it builds on.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from narrascope.pipeline import Pipeline, document_from_text

LAYER = ("actors", "relations", "claims")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--embeddings", action="store_true", help="also time the sentence encoder")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args(argv)

    only = ["claims"] + (["embeddings"] if args.embeddings else [])
    pipeline = Pipeline.from_config(only=only)
    files = sorted(args.folder.glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    seconds: dict[str, float] = defaultdict(float)
    out = args.out.open("w", encoding="utf-8") if args.out else None
    counts = defaultdict(int)
    for i in range(0, len(files), args.batch_size):
        batch = []
        for path in files[i : i + args.batch_size]:
            doc = document_from_text(path.read_text(encoding="utf-8"))
            doc.id = path.name
            batch.append(doc)
        for analyzer in pipeline.analyzers:
            started = time.perf_counter()
            analyzer.process(batch)
            seconds[analyzer.name] += time.perf_counter() - started
        for doc in batch:
            counts["documents"] += 1
            counts["relations"] += len(doc.relations)
            counts["claims"] += len(doc.claims)
            if out:
                for r in doc.relations:
                    out.write(
                        json.dumps(
                            {
                                "doc_id": doc.id,
                                **r.model_dump(exclude={"trigger"}),
                                "trigger": r.trigger.text if r.trigger else "",
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
            doc.cache.clear()
    if out:
        out.close()
    layer = sum(seconds[n] for n in LAYER)
    shared = sum(v for k, v in seconds.items() if k not in LAYER)
    print(
        json.dumps(
            {
                "counts": counts,
                "seconds": {k: round(v, 2) for k, v in seconds.items()},
                "layer_seconds": round(layer, 2),
                "shared_seconds": round(shared, 2),
                "layer_share_of_shared": round(layer / shared, 3) if shared else None,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
