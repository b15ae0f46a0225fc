"""Train the frame head (`narrascope train frames`) on the project's own examples.

Sentence-level examples (`narrascope/data/frames.jsonl`, plus each frame's description as one
more positive) train one logistic model per frame over sentence vectors. Thresholds are set on
out-of-fold scores of synthetic articles (random groups of 5 examples, labels = their union)
so that they fit the article-level "mean of the two best sentences" score. Measured on the dev
set: `python -m narrascope.training.frames --evaluate`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Collection
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from narrascope.analyzers.frames import (
    MAX_LABELS,
    TOP_K,
    FrameModel,
    article_scores,
    sentence_frame_scores,
)
from narrascope.models import write_meta
from narrascope.training import PROJECT_TERMS
from narrascope.training.calibration import calibrate, micro_f1
from narrascope.training.own_data import load_jsonl
from narrascope.training.vectors import (
    encoder_cache,
    profile_flag,
    profile_note,
    training_encoder,
    use_profile,
)


def frame_taxonomy() -> list[dict]:
    return json.loads(
        (resources.files("narrascope.taxonomies") / "frames.json").read_text(encoding="utf-8")
    )["frames"]


def training_data(
    exclude_ids: Collection[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    labels = [f["name"] for f in frame_taxonomy()]
    rows = [
        r
        for i, r in enumerate(load_jsonl("frames.jsonl"))
        if f"frames-{i}" not in set(exclude_ids or ())
    ]
    rows += [{"text": f["description"], "labels": [f["name"]]} for f in frame_taxonomy()]
    x = encoder_cache().encode([r["text"] for r in rows])
    y = np.zeros((len(rows), len(labels)), np.int8)
    for i, r in enumerate(rows):
        for label in r["labels"]:
            y[i, labels.index(label)] = 1
    return x, y, labels


def fit_heads(x: np.ndarray, y: np.ndarray, c: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    coef = np.zeros((y.shape[1], x.shape[1]), np.float32)
    intercept = np.zeros(y.shape[1], np.float32)
    for k in range(y.shape[1]):
        m = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed).fit(
            x, y[:, k]
        )
        coef[k], intercept[k] = m.coef_[0], m.intercept_[0]
    return coef, intercept


def synthetic_articles(
    n_rows: int, rng: np.random.Generator, count: int = 400, size: int = 5
) -> list[np.ndarray]:
    return [rng.choice(n_rows, size=size, replace=False) for _ in range(count)]


def train(
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    c: float = 2.0,
) -> Path:
    """`data` is unused (the examples ship with the package); kept for the trainer signature."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x, y, labels = training_data(exclude_ids)
    rng = np.random.default_rng(seed)
    oof = np.zeros(y.shape, np.float32)
    for tr, te in KFold(5, shuffle=True, random_state=seed).split(x):
        w, b = fit_heads(x[tr], y[tr], c, seed)
        oof[te] = sentence_frame_scores(x[te], w, b)
    groups = synthetic_articles(len(x), rng)
    scores = np.stack([article_scores(oof[g], TOP_K) for g in groups])
    gold = np.stack([y[g].max(axis=0) for g in groups])
    thresholds = calibrate(scores, gold)
    coef, intercept = fit_heads(x, y, c, seed)
    np.savez_compressed(out / "weights.npz", coef=coef, intercept=intercept)
    config = {
        "task": "frames",
        "labels": labels,
        "thresholds": [float(t) for t in thresholds],
        "top_k": TOP_K,
        "max_labels": MAX_LABELS,
        "options": {"c": c, "seed": seed},
        "training": {"examples": len(x)},
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    def package(metrics: dict) -> None:
        write_meta(
            out,
            task="frames",
            labels=labels,
            encoder=training_encoder(),
            data=f"project-written examples (narrascope/data/frames.jsonl): {len(x)} rows",
            terms=PROJECT_TERMS,
            metrics=metrics,
            command=f"narrascope train frames --data {data} --out {out}{profile_flag()}",
        )

    package({})  # evaluate() reads the package back
    dev = evaluate(out)
    package(dev)
    (out / "card.md").write_text(
        profile_note()
        + CARD.format(
            n=len(x),
            c=c,
            seed=seed,
            top_k=TOP_K,
            articles=dev["articles"],
            p=dev["dev_micro_precision"],
            r=dev["dev_micro_recall"],
            f=dev["dev_micro_f1"],
        ),
        encoding="utf-8",
    )
    return out


CARD = """# Frame head (14 generic policy frames)

One class-balanced logistic regression per frame (C={c}, seed {seed}) over all-MiniLM-L6-v2
sentence vectors. An article's frame score is the mean of its {top_k} best body sentences;
at most five frames above their thresholds are labels;
per-frame thresholds (in `config.json`) maximise F1 on out-of-fold scores of synthetic articles
built from random groups of five training examples. Weights: `weights.npz`.

## Training data
{n} rows: sentences written by the narrascope project (`narrascope/data/frames.jsonl`,
CC-BY-4.0) plus the project's description of each frame (`taxonomies/frames.json`). No
licensed frame data is used. Retrain: `narrascope train frames --data ../shared/data` (the data
folder is not read).

## Measured quality (written by the trainer)
- Project dev set (`narrascope/data/dev.jsonl`, {articles} articles never used in training, but looked at when the
  five-label cap was set, so indicative rather than held out):
  micro-precision {p:.3f}, micro-recall {r:.3f}, micro-F1 {f:.3f}.
  Command: `python -m narrascope.training.frames --evaluate`.
- Published reference (SemEval-2023 English, in-domain ensembles): ~0.58 micro-F1.

## Known failure modes
- Six examples per frame: the head knows the topics of each frame more than the way an article
  argues, so topic words (e.g. "sanctions" -> Economic) can fire a frame the article only
  mentions.
- It tends to predict more frames than annotators give (recall above precision).
"""


def evaluate(model_dir: Path | None = None) -> dict[str, float]:
    """Micro-F1 of article frames on the project's dev articles."""
    from narrascope.training.genre import dev_documents

    model = FrameModel(model_dir)
    docs, rows = dev_documents()
    pred = [set(model.predict(d).labels) for d in docs]
    gold = [set(r["frames"]) for r in rows]
    p, r, f = micro_f1(pred, gold)
    return {
        "dev_micro_precision": p,
        "dev_micro_recall": r,
        "dev_micro_f1": f,
        "articles": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument(
        "--profile", default="accurate", help="encode with this profile's backbone (accurate, fast)"
    )
    args = parser.parse_args()
    if args.evaluate:
        with use_profile(args.profile):
            print(json.dumps(evaluate(args.model), indent=1))


if __name__ == "__main__":
    main()
