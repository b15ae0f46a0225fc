"""Train the genre head (`narrascope train genre`) on the project's own examples.

No licensed genre data exists here, so the head learns from `narrascope/data/genre.jsonl`
(written by the project, CC-BY-4.0) and is measured on the separate dev set
`narrascope/data/dev.jsonl`: `python -m narrascope.training.genre --evaluate`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from narrascope.analyzers.genre import GENRES, GenreModel, genre_features
from narrascope.document import Document
from narrascope.models import write_meta
from narrascope.training import PROJECT_TERMS
from narrascope.training.own_data import load_jsonl
from narrascope.training.vectors import encoder_cache, make_doc, training_encoder


def _docs(texts: list[str], ids: list[str]) -> list[Document]:
    cache = encoder_cache()
    return [make_doc(i, t, cache) for i, t in zip(ids, texts)]


def training_matrix(exclude_ids: Collection[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    rows = [
        r
        for i, r in enumerate(load_jsonl("genre.jsonl"))
        if f"genre-{i}" not in set(exclude_ids or ())
    ]
    docs = _docs([r["text"] for r in rows], [f"genre-{i}" for i in range(len(rows))])
    x = np.stack([genre_features(d) for d in docs])
    y = np.asarray([GENRES.index(r["label"]) for r in rows])
    return x, y


def dev_documents() -> tuple[list[Document], list[dict]]:
    """The dev articles as documents (title line, blank line, one paragraph per line)."""
    rows = load_jsonl("dev.jsonl")
    texts = [dev_text(r) for r in rows]
    return _docs(texts, [r["id"] for r in rows]), rows


def dev_text(row: dict) -> str:
    paras = [p["text"] for p in row["paragraphs"]]
    return paras[0] + "\n\n" + "\n".join(paras[1:]) + "\n"


def train(
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    c: float | None = None,
) -> Path:
    """`data` is unused (the examples ship with the package); kept for the trainer signature.

    Without `c`, the regularisation is chosen by 5-fold cross-validation on the training
    examples (never on the dev set).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    x, y = training_matrix(exclude_ids)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)

    def cv_f1(value: float) -> float:
        pred = cross_val_predict(
            LogisticRegression(C=value, max_iter=3000, class_weight="balanced", random_state=seed),
            x,
            y,
            cv=folds,
        )
        return float(f1_score(y, pred, average="macro"))

    grid = {value: cv_f1(value) for value in ([c] if c else [0.3, 1.0, 3.0, 10.0])}
    c = max(grid, key=lambda value: (grid[value], -value))
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed).fit(
        x, y
    )
    np.savez_compressed(
        out / "weights.npz",
        coef=model.coef_.astype(np.float32),
        intercept=model.intercept_.astype(np.float32),
    )
    config: dict[str, Any] = {
        "task": "genre",
        "labels": list(GENRES),
        "options": {"c": c, "seed": seed},
        "training": {
            "examples": len(y),
            "cv5_macro_f1_on_examples": round(grid[c], 4),
            "c_grid_cv5_macro_f1": {str(k): round(v, 4) for k, v in grid.items()},
        },
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")

    def package(metrics: dict) -> None:
        write_meta(
            out,
            task="genre",
            labels=list(GENRES),
            encoder=training_encoder(),
            data=f"project-written examples (narrascope/data/genre.jsonl): {len(y)} texts",
            terms=PROJECT_TERMS,
            metrics=metrics,
            command=f"narrascope train genre --data {data} --out {out}",
        )

    package({})  # evaluate() reads the package back
    dev = evaluate(out)
    cv = {"cv5_macro_f1_on_examples": round(grid[c], 4)}
    package({**cv, **{k: v for k, v in dev.items() if k != "errors"}})
    (out / "card.md").write_text(
        CARD.format(
            n=len(y),
            cv=config["training"]["cv5_macro_f1_on_examples"],
            c=c,
            seed=seed,
            f1=dev["dev_macro_f1"],
            acc=dev["dev_accuracy"],
            articles=dev["articles"],
            errors="; ".join(dev["errors"]) or "none",
        ),
        encoding="utf-8",
    )
    return out


CARD = """# Genre head (opinion / reporting / satire)

Multinomial logistic regression (C={c}, chosen by 5-fold CV on the examples; class-balanced, seed {seed}) over the all-MiniLM-L6-v2
document vector (mean of sentence vectors) and 16 stylistic features
(`narrascope.text.features`). Weights: `weights.npz`; labels: `config.json`.

## Training data
{n} short texts written by the narrascope project (`narrascope/data/genre.jsonl`, CC-BY-4.0).
No licensed genre data is used. Retrain: `narrascope train genre --data ../shared/data`
(the data folder is not read; the examples ship with the package).

## Measured quality (written by the trainer)
- 5-fold cross-validation on the training examples: macro-F1 {cv:.3f}.
- Project dev set (`narrascope/data/dev.jsonl`, {articles} articles never used in training):
  macro-F1 {f1:.3f}, accuracy {acc:.3f}. Errors: {errors}.
  Command: `python -m narrascope.training.genre --evaluate`.
- Published reference (SemEval-2023 English, fine-tuned in-domain): ~0.78 macro-F1.

## Known failure modes
- Trained on short, invented texts: long real articles mixing reporting and comment may drift
  towards opinion; satire without headline-style absurdity is hard to tell from reporting.
- The dev set is tiny, so its scores have wide error bars.
"""


def evaluate(model_dir: Path | None = None) -> dict[str, Any]:
    """Macro-F1 and accuracy on the project's dev articles."""
    model = GenreModel(model_dir)
    docs, rows = dev_documents()
    pred = [model.predict(d).label for d in docs]
    gold = [r["genre"] for r in rows]
    return {
        "dev_macro_f1": float(
            f1_score(gold, pred, average="macro", labels=list(GENRES), zero_division=0)
        ),
        "dev_accuracy": float(np.mean([p == g for p, g in zip(pred, gold)])),
        "articles": len(rows),
        "errors": [f"{r['id']}: {g} -> {p}" for r, p, g in zip(rows, pred, gold) if p != g],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--c", type=float, default=1.0)
    args = parser.parse_args()
    if args.evaluate:
        print(json.dumps(evaluate(args.model), indent=1))


if __name__ == "__main__":
    main()
