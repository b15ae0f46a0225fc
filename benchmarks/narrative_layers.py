"""Time the narratives, roles and explanation analyzers against the shared encoding pass.

    python benchmarks/narrative_layers.py ../shared/data/semeval2025t10/EN/train_dec4/raw-documents --limit 50

Runs the default pipeline over the first N articles (sorted by name) in batches, timing every
analyzer's `process` call, and prints seconds per analyzer and the ratio of the three narrative
layers to the `embeddings` analyzer. Models load before timing starts.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from narrascope import Pipeline
from narrascope.pipeline import document_from_text

LAYERS = ("narratives", "roles", "explanation")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    paths = sorted(args.folder.glob("*.txt"))[: args.limit]
    docs = [document_from_text(p.read_text(encoding="utf-8"), id=p.stem) for p in paths]
    pipeline = Pipeline.from_config(only=list(LAYERS))
    seconds: dict[str, float] = defaultdict(float)
    for i in range(0, len(docs), args.batch_size):
        batch = docs[i : i + args.batch_size]
        for analyzer in pipeline.analyzers:
            start = time.process_time()
            analyzer.process(batch)
            seconds[analyzer.name] += time.process_time() - start
        for doc in batch:
            doc.cache.clear()
    layers = sum(seconds[name] for name in LAYERS)
    print(
        json.dumps(
            {
                "documents": len(docs),
                "cpu_seconds": {k: round(v, 2) for k, v in seconds.items()},
                "narrative_layers_over_embeddings": round(layers / seconds["embeddings"], 3),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
