"""Train the genre head (`narrascope train genre`) on real articles and the project's own examples.

The real articles are the 420 training-split articles of `../shared/data` whose genre the project
labelled itself (`narrascope/data/annotations/genre/`: ids, labels and a fixed fold per article;
texts are read from the data folder at training time). The project-written examples
(`narrascope/data/genre.jsonl`, the only satire) are always added to the training part.

Quality is 5-fold cross-validation on the real articles with the manifest's folds:
`python -m narrascope.training.genre --data ../shared/data --cv` (add `--results FILE` to save the
rows for docs/benchmarks.md). The baselines (always "reporting", TF-IDF + logistic regression) are
run on the same folds.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from narrascope.analyzers.embeddings import SENTENCE_VECTORS
from narrascope.analyzers.genre import (
    GENRES,
    LEAD_SENTENCES,
    GenreModel,
    genre_features,
)
from narrascope.document import Document
from narrascope.models import write_meta
from narrascope.text.segment import segment
from narrascope.training import PROJECT_TERMS
from narrascope.training.own_data import load_jsonl
from narrascope.training.vectors import (
    encoder_cache,
    make_doc,
    profile_flag,
    profile_note,
    training_encoder,
    use_profile,
)

FOLDS = 5
C_GRID = (0.003, 0.01, 0.03, 0.1)
TFIDF_C_GRID = (3.0, 10.0, 30.0)
SHIPPED_PARTS = ("tfidf", "style")  # the best feature set of the CV (see the model card)
TFIDF_BASELINE_C = 10.0
DENSE_WEIGHT = 0.1  # standardised dense columns beside l2-normalised TF-IDF rows


def grid(parts: tuple[str, ...]) -> tuple[float, ...]:
    """Regularisation values tried: sparse TF-IDF rows need a weaker penalty than dense parts."""
    return TFIDF_C_GRID if "tfidf" in parts else C_GRID


CV_COMMAND = (
    "python -m narrascope.training.genre --data ../shared/data --cv --parts style,tfidf+style"
)


@dataclass
class Labelled:
    """One labelled text: a real article (with its fold) or a project-written example (fold -1)."""

    id: str
    text: str
    genre: str
    fold: int = -1


def annotation_rows(name: str) -> list[dict]:
    folder = resources.files("narrascope") / "data" / "annotations" / "genre"
    return [
        json.loads(line)
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def real_articles(data: Path) -> list[Labelled]:
    """The labelled real articles, texts read from `data` (the shared data root)."""
    folder = resources.files("narrascope") / "data" / "annotations" / "genre"
    labels = {}
    for item in folder.iterdir():
        if item.name.startswith("labels-") and item.name.endswith(".jsonl"):
            labels.update({r["doc_id"]: r["genre"] for r in annotation_rows(item.name)})
    out = []
    for row in annotation_rows("manifest.jsonl"):
        path = Path(data) / row["path"]
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found: pass the shared data root as --data")
        text = path.read_text(encoding="utf-8")
        out.append(Labelled(row["doc_id"], text, labels[row["doc_id"]], int(row["fold"])))
    return out


def own_examples() -> list[Labelled]:
    return [
        Labelled(f"genre-{i}", r["text"], r["label"])
        for i, r in enumerate(load_jsonl("genre.jsonl"))
    ]


def documents(items: list[Labelled], parts: tuple[str, ...] = ("vec",)) -> list[Document]:
    """Segmented documents with backbone vectors, as the pipeline sees them (vectors cached).

    Parts that read only the title and the lead need only those sentences encoded."""
    cache = encoder_cache()
    if "vec" in parts:
        return [make_doc(item.id, item.text, cache) for item in items]
    docs = []
    for item in items:
        doc = Document(id=item.id, text=item.text)
        doc.paragraphs, doc.sentences = segment(item.text)
        head = doc.sentences[: 1 + LEAD_SENTENCES] if {"lead", "title"} & set(parts) else []
        SENTENCE_VECTORS.put(doc, cache.encode([doc.sentence_text(s) for s in head]))
        docs.append(doc)
    return docs


def matrix(docs: list[Document], parts: tuple[str, ...]) -> np.ndarray:
    if not parts:
        return np.zeros((len(docs), 0), np.float32)
    return np.stack([genre_features(d, parts) for d in docs])


@dataclass
class Head:
    """A fitted head: the logistic regression, the dense standardisation and the vectorizer."""

    model: LogisticRegression
    mean: np.ndarray
    scale: np.ndarray
    vectorizer: TfidfVectorizer | None

    def rows(self, texts: list[str], dense: np.ndarray) -> sparse.csr_matrix:
        blocks = [sparse.csr_matrix((dense - self.mean) / self.scale * DENSE_WEIGHT)]
        if self.vectorizer is not None:
            blocks.insert(0, self.vectorizer.transform(texts))
        return sparse.hstack(blocks).tocsr()

    def predict(self, texts: list[str], dense: np.ndarray) -> np.ndarray:
        return self.model.predict(self.rows(texts, dense)).astype(str)


def vectorizer() -> TfidfVectorizer:
    """Word uni- and bigrams, sublinear tf, l2 rows: what `narrascope.text.tfidf` reproduces."""
    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def fit(
    texts: list[str], dense: np.ndarray, y: np.ndarray, tfidf: bool, c: float, seed: int
) -> Head:
    """A class-balanced logistic head on TF-IDF terms (optional) and standardised dense parts."""
    mean = dense.mean(axis=0)
    scale = np.maximum(dense.std(axis=0), 1e-6)
    vec = vectorizer().fit(texts) if tfidf else None
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", random_state=seed)
    head = Head(model, mean, scale, vec)
    head.model.fit(head.rows(texts, dense), y)
    return head


def cv_predictions(
    real: list[Labelled],
    x_real: np.ndarray,
    own: list[Labelled],
    x_own: np.ndarray,
    tfidf: bool,
    c: float,
    seed: int = 0,
) -> np.ndarray:
    """Out-of-fold genre of every real article (own examples always in the training part)."""
    folds = np.array([r.fold for r in real])
    pred = np.empty(len(real), dtype=object)
    for k in range(FOLDS):
        train = [r for r in real if r.fold != k] + own
        x = np.vstack([x_real[folds != k], x_own])
        head = fit([r.text for r in train], x, np.array([r.genre for r in train]), tfidf, c, seed)
        pred[folds == k] = head.predict([r.text for r in real if r.fold == k], x_real[folds == k])
    return pred.astype(str)


def measures(gold: np.ndarray, pred: np.ndarray, folds: np.ndarray) -> dict:
    """Macro-F1 over the genres present in gold (pooled and per-fold mean), per-class P/R/F1, confusion."""
    present = [g for g in GENRES if g in set(gold)]
    per_fold = [
        f1_score(
            gold[folds == k], pred[folds == k], labels=present, average="macro", zero_division=0
        )
        for k in range(FOLDS)
    ]
    p, r, f, n = precision_recall_fscore_support(gold, pred, labels=present, zero_division=0)
    return {
        "macro_f1": float(f1_score(gold, pred, labels=present, average="macro", zero_division=0)),
        "macro_f1_fold_mean": float(np.mean(per_fold)),
        "macro_f1_fold_std": float(np.std(per_fold)),
        "accuracy": float(np.mean(gold == pred)),
        "per_class": {
            g: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(n[i]),
            }
            for i, g in enumerate(present)
        },
        "confusion": {
            "labels": list(GENRES),
            "rows_gold_columns_predicted": confusion_matrix(
                gold, pred, labels=list(GENRES)
            ).tolist(),
        },
    }


def cross_validate(
    data: Path,
    parts_list: list[tuple[str, ...]],
    c_grid: tuple[float, ...] = (),
    seed: int = 0,
    baselines: bool = True,
) -> dict:
    """Every feature set and C on the manifest folds, beside the two baselines."""
    real, own = real_articles(data), own_examples()
    needed = tuple(p for parts in parts_list for p in parts)
    real_docs, own_docs = documents(real, needed), documents(own, needed)
    y_real = np.array([r.genre for r in real])
    folds = np.array([r.fold for r in real])
    systems = {}
    if baselines:
        empty_real, empty_own = np.zeros((len(real), 0)), np.zeros((len(own), 0))
        always = np.array(["reporting"] * len(real))
        tfidf = cv_predictions(real, empty_real, own, empty_own, True, TFIDF_BASELINE_C, seed)
        systems["always-reporting"] = measures(y_real, always, folds)
        systems["tfidf-logreg"] = measures(y_real, tfidf, folds)
    for parts in parts_list:
        dense = tuple(p for p in parts if p != "tfidf")
        x_real, x_own = matrix(real_docs, dense), matrix(own_docs, dense)
        for c in c_grid or grid(parts):
            pred = cv_predictions(real, x_real, own, x_own, "tfidf" in parts, c, seed)
            systems[f"{'+'.join(parts)} C={c}"] = measures(y_real, pred, folds)
    return {"articles": len(real), "own_examples": len(own), "systems": systems}


def best_c(data: Path, parts: tuple[str, ...], seed: int = 0) -> tuple[float, dict]:
    result = cross_validate(data, [parts], seed=seed, baselines=False)
    name = max(
        (k for k in result["systems"] if "C=" in k),
        key=lambda k: (result["systems"][k]["macro_f1_fold_mean"], -float(k.split("C=")[1])),
    )
    return float(name.split("C=")[1]), result


def train(
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    parts: str | tuple[str, ...] = SHIPPED_PARTS,
    c: float | None = None,
) -> Path:
    """Fit the head on every real article and own example; C chosen by the manifest-fold CV."""
    started = time.perf_counter()
    parts = tuple(parts.split("+")) if isinstance(parts, str) else tuple(parts)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exclude = set(exclude_ids or ())
    cv = None
    if c is None:
        c, cv = best_c(data, parts, seed)
    items = [r for r in real_articles(data) + own_examples() if r.id not in exclude]
    dense_parts = tuple(p for p in parts if p != "tfidf")
    x = matrix(documents(items, dense_parts), dense_parts)
    y = np.array([r.genre for r in items])
    head = fit([r.text for r in items], x, y, "tfidf" in parts, c, seed)
    np.savez_compressed(out / "weights.npz", **export(head))  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    config: dict[str, Any] = {
        "task": "genre",
        "labels": list(GENRES),
        "parts": list(parts),
        "options": {"c": c, "seed": seed},
        "training": {
            "real_articles": int(sum(r.fold >= 0 for r in items)),
            "own_examples": int(sum(r.fold < 0 for r in items)),
            "seconds": round(seconds, 1),
        },
    }
    if cv is not None:
        config["cv"] = {k: v for k, v in cv["systems"].items()}
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    write_meta(
        out,
        task="genre",
        labels=list(GENRES),
        encoder=training_encoder(),
        data=(
            f"{config['training']['real_articles']} real training-split articles labelled by the "
            f"project ({data}) and {config['training']['own_examples']} project-written examples"
        ),
        terms=f"article texts: research use only, not redistributed; labels and examples: {PROJECT_TERMS}",
        metrics=config.get("cv", {}),
        command=f"narrascope train genre --data {data} --out {out}{profile_flag()}",
    )
    (out / "card.md").write_text(profile_note() + card(config), encoding="utf-8")
    return out


def export(head: Head) -> dict[str, np.ndarray]:
    """Arrays the analyzer needs: the standardisation folded into the dense weights, TF-IDF
    vocabulary and idf beside their weights, rows in `GENRES` order."""
    order = [list(head.model.classes_).index(g) for g in GENRES]
    coef = head.model.coef_[order]
    terms = len(head.vectorizer.vocabulary_) if head.vectorizer is not None else 0
    dense = coef[:, terms:] * DENSE_WEIGHT / head.scale
    out = {
        "coef": dense.astype(np.float32),
        "intercept": (head.model.intercept_[order] - dense @ head.mean).astype(np.float32),
    }
    if head.vectorizer is not None:
        out["terms"] = np.array(head.vectorizer.get_feature_names_out(), dtype=str)
        out["idf"] = head.vectorizer.idf_.astype(np.float32)
        out["tfidf_coef"] = coef[:, :terms].astype(np.float32)
    return out


def _row(name: str, m: dict) -> str:
    cls = m["per_class"]
    return (
        f"| {name} | {m['macro_f1_fold_mean']:.3f} ± {m['macro_f1_fold_std']:.3f} | {m['macro_f1']:.3f} "
        f"| {m['accuracy']:.3f} | {cls['opinion']['precision']:.2f} / {cls['opinion']['recall']:.2f} "
        f"| {cls['reporting']['precision']:.2f} / {cls['reporting']['recall']:.2f} |"
    )


def card(config: dict) -> str:
    parts = "+".join(config["parts"])
    c = config["options"]["c"]
    lines = []
    cv = config.get("cv", {})
    for name, m in cv.items():
        lines.append(_row(name + (" (**shipped**)" if name == f"{parts} C={c}" else ""), m))
    shipped = cv.get(f"{parts} C={c}")
    confusion = ""
    if shipped:
        rows = shipped["confusion"]["rows_gold_columns_predicted"]
        confusion = "\n".join(
            f"| {g} | " + " | ".join(str(v) for v in row) + " |" for g, row in zip(GENRES, rows)
        )
    return CARD.format(
        parts=parts,
        c=c,
        seed=config["options"]["seed"],
        real=config["training"]["real_articles"],
        own=config["training"]["own_examples"],
        seconds=config["training"]["seconds"],
        table="\n".join(lines) or "| (trained with a fixed C: no CV run) | | | | | |",
        confusion=confusion or "| (no CV run) | | | |",
        command=CV_COMMAND,
    )


CARD = """# Genre head (opinion / reporting / satire)

Multinomial logistic regression (class-balanced, C={c} chosen by the CV below, seed {seed}) over
the feature parts `{parts}` (`tfidf`: word uni- and bigrams, `narrascope.text.tfidf`; the dense
parts of `narrascope.analyzers.genre.genre_features`: `vec`: the
all-MiniLM-L6-v2 document vector, the mean of the sentence vectors; `style`: 16 stylistic rates of
`narrascope.text.features`; `lead`, `title`: the vectors of the first body sentences and of the
title line). The standardisation is folded into `weights.npz`; labels and parts: `config.json`.

## Training data and its terms
- {real} real English articles from the training splits of PTC (SemEval-2020 Task 11) and
  SemEval-2025 Task 10, genre labelled by the narrascope project
  (`narrascope/data/annotations/genre/`, guideline `docs/genre-guideline.md`; ids and labels only).
  The texts are read from `../shared/data` at training time; they are licensed for research use and
  are not redistributed. These weights were trained on them: use them for research.
- {own} short texts written by the project (`narrascope/data/genre.jsonl`, CC-BY-4.0): the only
  satire examples (no real article in the sample is satire).

Training time: {seconds} s wall clock on a shared 2-core CPU (avx2) under heavy load from other
jobs, nearly all of it the C grid's cross-validation (TF-IDF and style parts need no encoding;
backbone parts would encode the articles once, through the vector cache).
Rebuild: `narrascope train genre --data ../shared/data --out DIR` (deterministic).

## Cross-validated quality (real articles, the manifest's 5 fixed folds)
Own examples always in the training part; macro-F1 over the genres present in gold (opinion,
reporting), mean ± std over folds and pooled over all out-of-fold predictions.
Command: `{command}`.

| system | macro-F1 (fold mean) | macro-F1 (pooled) | accuracy | opinion P / R | reporting P / R |
|---|---|---|---|---|---|
{table}

Confusion of the shipped options (rows gold, columns predicted):

| gold | opinion | reporting | satire |
|---|---|---|---|
{confusion}

Baselines on the same folds and data (`{command} --results ...`, in `docs/benchmarks.md`):
always "reporting" and TF-IDF + logistic regression; the TF-IDF baseline scores as high as this
head (the style rates add less than the spread between folds).
Published reference (SemEval-2023 Task 3 English, fine-tuned in-domain, other data): ~0.78 macro-F1.

## Known failure modes
- No real satire was labelled: satire is learned from a few dozen invented texts only, and a real
  satirical article may well be called opinion.
- Advocacy sites writing opinion under news-like headlines, and reports that quote one side at
  length, are the hard cases (see the hard-case log in `docs/genre-guideline.md`).
"""


def evaluate_own_dev(model_dir: Path | None = None) -> dict[str, Any]:
    """Macro-F1 and accuracy on the project's 12 written dev articles (`narrascope/data/dev.jsonl`)."""
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


def dev_documents() -> tuple[list[Document], list[dict]]:
    """The project's dev articles as documents (title line, blank line, one paragraph per line)."""
    rows = load_jsonl("dev.jsonl")
    cache = encoder_cache()
    return [make_doc(r["id"], dev_text(r), cache) for r in rows], rows


def dev_text(row: dict) -> str:
    paras = [p["text"] for p in row["paragraphs"]]
    return paras[0] + "\n\n" + "\n".join(paras[1:]) + "\n"


def results_file(result: dict, shipped: str) -> dict:
    """The docs/results JSON: the shipped options and both baselines (headline row: the shipped one)."""
    rows = []
    for system, name in (
        ("narrascope", shipped),
        ("always-reporting", "always-reporting"),
        ("tfidf-logreg", "tfidf-logreg"),
    ):
        m = result["systems"][name]
        cls = m["per_class"]
        note = (
            f"project labels on {result['articles']} PTC / SemEval-2025 training articles (not "
            "SemEval-2023 data), manifest folds; opinion P/R "
            f"{cls['opinion']['precision']:.2f}/{cls['opinion']['recall']:.2f}, reporting P/R "
            f"{cls['reporting']['precision']:.2f}/{cls['reporting']['recall']:.2f}"
        )
        rows.append(
            {
                "task": "genre, own labels on real articles, 5-fold CV",
                "dataset": "semeval2023",
                "system": system,
                "metric": "subtask1.genre_macro_f1",
                "value": round(m["macro_f1_fold_mean"], 4),
                "std": round(m["macro_f1_fold_std"], 4),
                "documents": result["articles"],
                "note": note + (f"; options {name}" if system == "narrascope" else ""),
            }
        )
        rows.append(
            {
                "task": "genre, own labels on real articles, 5-fold CV",
                "system": system,
                "metric": "accuracy",
                "value": round(m["accuracy"], 4),
                "documents": result["articles"],
                "note": "pooled out-of-fold",
            }
        )
    return {
        "title": "Genre: project labels on 420 real training-split articles (5 fixed folds)",
        "command": CV_COMMAND + " --results docs/results/genre-cv.json",
        "measured": date.today().isoformat(),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cv", action="store_true", help="cross-validate on the real articles")
    parser.add_argument(
        "--parts",
        default="style,tfidf+style",
        help="comma-separated feature sets to compare",
    )
    parser.add_argument("--shipped", default=None, help="the system name to report as narrascope")
    parser.add_argument("--results", type=Path, default=None, help="write docs/results JSON here")
    parser.add_argument(
        "--dev", action="store_true", help="score the packaged model on the own dev set"
    )
    parser.add_argument(
        "--profile", default="accurate", help="encode with this profile's backbone (accurate, fast)"
    )
    args = parser.parse_args()
    with use_profile(args.profile):
        _run(args)


def _run(args: argparse.Namespace) -> None:
    if args.dev:
        print(json.dumps(evaluate_own_dev(), indent=1))
    if args.cv:
        parts_list = [tuple(p.split("+")) for p in args.parts.split(",")]
        result = cross_validate(args.data, parts_list)
        for name, m in result["systems"].items():
            print(_row(name, m), flush=True)
        if args.results:
            shipped = args.shipped or max(
                (k for k in result["systems"] if "C=" in k),
                key=lambda k: result["systems"][k]["macro_f1_fold_mean"],
            )
            args.results.write_text(json.dumps(results_file(result, shipped), indent=1) + "\n")


if __name__ == "__main__":
    main()
