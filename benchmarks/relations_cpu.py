"""CPU seconds of each analyzer up to `relations`, with the rule and the learned engine.

    python benchmarks/relations_cpu.py ../shared/data/semeval2025t10/EN/train_dec4/raw-documents \
        [--limit 20]

Each engine's pipeline runs the articles twice; the second pass is timed (models loaded and
warm), analyzer by analyzer, in CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from narrascope.config import Config
from narrascope.pipeline import Pipeline, document_from_text


def measure(texts: list[str], engine: str) -> dict[str, float]:
    config = Config.load()
    config.options["relations"] = {"engine": engine}
    pipeline = Pipeline.from_config(config, only=["relations"])
    cpu: dict[str, float] = {}
    for _ in range(2):
        docs = [document_from_text(t) for t in texts]
        for analyzer in pipeline.analyzers:
            started = time.process_time()
            analyzer.process(docs)
            cpu[analyzer.name] = round(time.process_time() - started, 3)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    files = sorted(args.folder.glob("*.txt"))[: args.limit]
    texts = [f.read_text(encoding="utf-8") for f in files]
    for engine in ("rules", "learned"):
        cpu = measure(texts, engine)
        share = cpu["relations"] / sum(cpu.values())
        print(f"{engine}: {cpu}; relations {share:.1%} of these analyzers")


if __name__ == "__main__":
    main()
