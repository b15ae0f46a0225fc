"""Train the narrative heads (SemEval-2025 Task 10, subtask 2) and cross-validate them.

`train(data, out)` writes the model the `narratives` analyzer loads: standardised document
features (see `analyzers.narratives.doc_features`), one logistic head per label, a domain head,
per-label thresholds from inner cross-validation, and per-label evidence directions.

`python -m narrascope.training.narratives DATA [--features mean+sim] [--languages EN,PT] ...`
prints 5-fold cross-validated F1-samples on the English data (and the TF-IDF + logistic
regression baseline with `--baseline`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from narrascope.analyzers.narratives import (
    TFIDF_OPTIONS,
    _unit,
    body_rows,
    decide,
    decide_ranked,
    doc_features,
    tfidf_transform,
)
from narrascope.models import write_meta
from narrascope.taxonomies import Taxonomy, load_taxonomy
from narrascope.text.segment import segment
from narrascope.threads import one_blas_thread
from narrascope.training import SEMEVAL_TERMS
from narrascope.training.features import (
    Article,
    encode_articles,
    encode_texts,
    read_narrative_articles,
    task_folder,
)
from narrascope.training.vectors import (
    active_profile,
    profile_flag,
    training_encoder,
    use_profile,
)

DEFAULTS: dict = {
    "features": "mean+sim",
    "languages": "EN",
    "C": 0.5,
    "balanced": True,
    "thresholds": "fixed",
    "tfidf_weight": 0.75,
    "tfidf_C": 10.0,
    "decision": "ranked",
    "other_gate": 0.3,
    "relative": 0.4,
}
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def trained_labels(taxonomy: Taxonomy) -> list[str]:
    """Labels with a learned head: every narrative, every subnarrative ("<narrative>: Other"
    included) and the article-level "Other" (no narrative at all)."""
    return taxonomy.narratives + taxonomy.subnarratives + [taxonomy.other]


def article_domain(article: Article) -> str:
    if "_CC_" in article.id or any(n.startswith("CC:") for n in article.narratives):
        return "CC"
    return "URW"


def article_vectors(article: Article) -> np.ndarray:
    _, sentences = segment(article.text)
    assert article.vectors is not None
    return body_rows(article.vectors, [s.paragraph for s in sentences])


def feature_labels(taxonomy: Taxonomy) -> list[str]:
    """Labels whose descriptions the document features compare sentences with: every narrative
    and every specific subnarrative (the "Other" labels have no content of their own)."""
    return taxonomy.narratives + [
        s for s in taxonomy.subnarratives if not s.endswith(f": {taxonomy.other}")
    ]


def label_matrix(articles: list[Article], labels: list[str], other: str = "Other") -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    y = np.zeros((len(articles), len(labels)), np.int8)
    for row, article in enumerate(articles):
        for label in (*article.narratives, *article.subnarratives) or (other,):
            if label in index:
                y[row, index[label]] = 1
    return y


def label_sample_weights(y: np.ndarray, balanced: bool) -> np.ndarray:
    """(rows, labels) weights of each row in each label's loss: with `balanced`, a label's
    positives and its negatives weigh the same in total; otherwise 1."""
    n, k = y.shape
    pos = y.sum(axis=0).astype(np.float64)
    if not balanced:
        return np.ones((n, k))
    w_pos = np.where(pos > 0, n / (2 * np.maximum(pos, 1)), 0.0)
    w_neg = np.where(pos < n, n / (2 * np.maximum(n - pos, 1)), 0.0)
    return np.where(y == 1, w_pos, w_neg)


def fit_heads(
    x: np.ndarray, y: np.ndarray, C: float, balanced: bool, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """All per-label logistic heads at once (their losses are independent, so one L-BFGS run over
    the summed loss equals one fit per label, and is far faster). L2 penalty 1/(2C) on weights;
    `balanced` weighs each label's positives and negatives equally. Columns without positives get
    a constant low score."""
    from scipy.optimize import minimize

    n, d = x.shape
    k = y.shape[1]
    pos = y.sum(axis=0)
    sample_w = label_sample_weights(y, balanced)
    if sparse.issparse(x):
        xb = sparse.hstack([x, np.ones((n, 1))]).tocsr().astype(np.float64)
    else:
        xb = np.hstack([x, np.ones((n, 1))]).astype(np.float64)
    yf = y.astype(np.float64)

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w = flat.reshape(d + 1, k)
        z = xb @ w
        p = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(sample_w * (np.logaddexp(0, z) - yf * z)) + 0.5 / C * np.sum(w[:-1] ** 2)
        grad = xb.T @ (sample_w * (p - yf))
        grad[:-1] += w[:-1] / C
        return float(value), grad.ravel()

    with one_blas_thread():  # L-BFGS on many BLAS threads crawls on a busy machine
        result = minimize(
            loss, np.zeros((d + 1) * k), jac=True, method="L-BFGS-B", options={"maxiter": 150}
        )
    w = result.x.reshape(d + 1, k)
    coef, intercept = w[:-1].T.astype(np.float32), w[-1].astype(np.float32)
    empty = (pos == 0) | (pos == n)
    coef[empty], intercept[empty] = 0.0, -8.0
    return coef, intercept


def predict(x: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ coef.T + intercept)))


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(axis=0), np.maximum(x.std(axis=0), 1e-6)


def f1_samples(gold: list[set[str]], pred: list[set[str]]) -> float:
    """The SemEval-2025 subtask-2 measure: F1 between each article's gold and predicted sets, averaged."""
    scores = []
    for g, p in zip(gold, pred):
        tp = len(g & p)
        scores.append(0.0 if tp == 0 else 2 * tp / (len(g) + len(p)))
    return float(np.mean(scores)) if scores else 0.0


def tune_thresholds(
    probs: np.ndarray, y: np.ndarray, labels: list[str], mode: str
) -> dict[str, float]:
    """Per label: the grid threshold with the best F1 on out-of-fold scores (0.5 without positives);
    mode 'global': one threshold for all labels, chosen the same way on all labels pooled."""

    def f1(col_probs: np.ndarray, col_y: np.ndarray, t: float) -> float:
        pred = col_probs >= t
        tp = float((pred & (col_y == 1)).sum())
        return 0.0 if tp == 0 else 2 * tp / (pred.sum() + col_y.sum())

    if mode == "fixed":
        return {label: 0.5 for label in labels}
    if mode == "global":
        best = max(THRESHOLD_GRID, key=lambda t: (f1(probs.ravel(), y.ravel(), t), -abs(t - 0.5)))
        return {label: float(best) for label in labels}
    out = {}
    for j, label in enumerate(labels):
        if y[:, j].sum() < 2:
            out[label] = 0.5
            continue
        out[label] = float(
            max(THRESHOLD_GRID, key=lambda t: (f1(probs[:, j], y[:, j], t), -abs(t - 0.5)))
        )
    return out


class Corpus:
    """Articles with their features, labels and domains, ready for fitting."""

    def __init__(
        self, articles: list[Article], taxonomy: Taxonomy, label_vectors: np.ndarray, features: str
    ) -> None:
        self.articles = articles
        self.labels = trained_labels(taxonomy)
        self.x = (
            np.stack([doc_features(article_vectors(a), label_vectors, features) for a in articles])
            if articles
            else np.zeros((0, 1))
        )
        self.y = label_matrix(articles, self.labels)
        self.domains = np.array([article_domain(a) for a in articles])


def tfidf_fit(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """Vocabulary (5,000 most frequent word 1-2 grams in at least 2 articles) and idf weights."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(min_df=2, max_features=5000, **TFIDF_OPTIONS).fit(texts)
    vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return vocabulary, vectorizer.idf_.astype(np.float32)


def _texts(corpus: Corpus, rows: np.ndarray) -> list[str]:
    return [corpus.articles[i].text for i in rows]


def _fit_scores(
    corpus: Corpus, train_rows: np.ndarray, options: dict, seed: int
) -> tuple[dict[str, Any], Callable[[np.ndarray], np.ndarray]]:
    """Fit the embedding heads (and TF-IDF heads when weighted in); returns the parts and a scorer."""
    x, y = corpus.x[train_rows], corpus.y[train_rows]
    mean, scale = standardise(x)
    coef, intercept = fit_heads((x - mean) / scale, y, options["C"], options["balanced"], seed)
    parts: dict[str, Any] = {"mean": mean, "scale": scale, "coef": coef, "intercept": intercept}
    weight = float(options["tfidf_weight"])
    if weight > 0:
        vocabulary, idf = tfidf_fit(_texts(corpus, train_rows))
        t_coef, t_intercept = fit_heads(
            tfidf_transform(_texts(corpus, train_rows), vocabulary, idf),
            y,
            options["tfidf_C"],
            True,
            seed,
        )
        parts.update(vocabulary=vocabulary, idf=idf, tfidf_coef=t_coef, tfidf_intercept=t_intercept)

    def score(rows: np.ndarray) -> np.ndarray:
        probs = predict((corpus.x[rows] - mean) / scale, coef, intercept)
        if weight > 0:
            t_probs = predict(
                tfidf_transform(_texts(corpus, rows), parts["vocabulary"], parts["idf"]),
                parts["tfidf_coef"],
                parts["tfidf_intercept"],
            )
            probs = (1 - weight) * probs + weight * t_probs
        return probs

    return parts, score


def fit(corpus: Corpus, rows: np.ndarray, options: dict, seed: int, inner_folds: int = 3) -> dict:
    """Fit heads, domain head and thresholds on `rows` of the corpus."""
    parts, score = _fit_scores(corpus, rows, options, seed)
    xs = (corpus.x[rows] - parts["mean"]) / parts["scale"]
    # out-of-fold scores on the training rows, for thresholds
    y = corpus.y[rows]
    oof = np.zeros(y.shape, np.float32)
    splits = (
        []
        if options["thresholds"] == "fixed"
        else KFold(inner_folds, shuffle=True, random_state=seed).split(rows)
    )
    for inner_train, inner_test in splits:
        _, inner_score = _fit_scores(corpus, rows[inner_train], options, seed)
        oof[inner_test] = inner_score(rows[inner_test])
    thresholds = tune_thresholds(oof, y, corpus.labels, options["thresholds"])
    classes, dom_coef, dom_intercept = fit_domain_head(xs, corpus.domains[rows], seed)
    return {
        **parts,
        "score": score,
        "thresholds": thresholds,
        "tfidf_weight": float(options["tfidf_weight"]),
        "decision": decision_rule(options),
        "domains": classes,
        "domain_coef": dom_coef.astype(np.float32),
        "domain_intercept": dom_intercept.astype(np.float32),
    }


def fit_domain_head(
    xs: np.ndarray, domains: np.ndarray, seed: int
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Domain classes and a softmax head over them (training data of one domain: a constant head)."""
    classes = sorted(set(domains.tolist()))
    if len(classes) == 1:
        return classes, np.zeros((1, xs.shape[1])), np.zeros(1)
    head = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(xs, domains)
    if len(classes) == 2:  # binary sklearn head -> two-row softmax form
        return (
            classes,
            np.vstack([-head.coef_[0] / 2, head.coef_[0] / 2]),
            np.array([-head.intercept_[0] / 2, head.intercept_[0] / 2]),
        )
    return list(head.classes_), head.coef_, head.intercept_


def decision_rule(options: dict) -> dict[str, object]:
    """The decision stored in config.json: per-label thresholds, or the ranked rule with its gate."""
    if options["decision"] == "ranked":
        return {
            "rule": "ranked",
            "other_gate": float(options["other_gate"]),
            "relative": float(options["relative"]),
        }
    return {"rule": "thresholds"}


def decide_rows(
    model: dict, corpus: Corpus, rows: np.ndarray, taxonomy: Taxonomy
) -> list[tuple[set[str], set[str]]]:
    probs = model["score"](rows)
    xs = (corpus.x[rows] - model["mean"]) / model["scale"]
    logits = xs @ model["domain_coef"].T + model["domain_intercept"]
    out = []
    for p, lg in zip(probs, logits):
        domain_scores = dict(zip(model["domains"], lg.tolist()))
        scores = dict(zip(corpus.labels, p.tolist()))
        if model["decision"]["rule"] == "ranked":
            d = decide_ranked(
                taxonomy,
                scores,
                model["decision"]["other_gate"],
                model["decision"]["relative"],
                domain_scores,
            )
        else:
            d = decide(taxonomy, scores, model["thresholds"], domain_scores)
        out.append((set(d.narratives), set(d.subnarratives)))
    return out


def gold_sets(article: Article) -> tuple[set[str], set[str]]:
    return set(article.narratives) or {"Other"}, set(article.subnarratives) or {"Other"}


def load_corpus(
    data: Path, options: dict, exclude_ids: Collection[str] | None = None
) -> tuple[Corpus, Taxonomy, np.ndarray]:
    taxonomy = load_taxonomy("semeval2025")
    label_vectors = encode_texts(
        [taxonomy.labels[label].description for label in feature_labels(taxonomy)]
    )
    articles = read_narrative_articles(data, options["languages"].split(","), exclude_ids)
    encode_articles(articles)
    return Corpus(articles, taxonomy, label_vectors, options["features"]), taxonomy, label_vectors


def evidence_directions(corpus: Corpus, rows: np.ndarray, taxonomy: Taxonomy) -> np.ndarray:
    """Per trained label: description vector + (mean of positive articles - mean of all), normalised
    (the article-level "Other" has no description: its shift alone)."""
    described = [label for label in corpus.labels if label in taxonomy.labels]
    vectors = dict(
        zip(described, encode_texts([taxonomy.labels[label].description for label in described]))
    )
    means = np.stack([_unit(article_vectors(corpus.articles[i]).mean(axis=0)) for i in rows])
    overall = means.mean(axis=0)
    out = []
    for j in range(len(corpus.labels)):
        pos = corpus.y[rows, j] == 1
        shift = _unit(means[pos].mean(axis=0) - overall) if pos.any() else np.zeros_like(overall)
        out.append(_unit(vectors.get(corpus.labels[j], np.zeros_like(overall)) + shift))
    return np.stack(out).astype(np.float32)


def train(
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    **options: object,
) -> Path:
    """Train on all of `data` (minus `exclude_ids`) and write the model directory `out`."""
    opts = {**DEFAULTS, **options}
    data = task_folder(data)
    corpus, taxonomy, label_vectors = load_corpus(data, opts, exclude_ids)
    rows = np.arange(len(corpus.articles))
    model = fit(corpus, rows, opts, seed)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "weights.npz",
        mean=model["mean"].astype(np.float32),
        scale=model["scale"].astype(np.float32),
        coef=model["coef"],
        intercept=model["intercept"],
        domain_coef=model["domain_coef"],
        domain_intercept=model["domain_intercept"],
        label_vectors=label_vectors.astype(np.float32),
        evidence_vectors=evidence_directions(corpus, rows, taxonomy),
        **(
            {
                "idf": model["idf"],
                "tfidf_coef": model["tfidf_coef"].astype(np.float16),
                "tfidf_intercept": model["tfidf_intercept"],
            }
            if model["tfidf_weight"] > 0
            else {}
        ),
    )
    meta = {
        "task": "narratives",
        "taxonomy": taxonomy.name,
        "labels": corpus.labels,
        "domains": model["domains"],
        "features": opts["features"],
        "thresholds": model["thresholds"],
        "decision": model["decision"],
        "tfidf_weight": model["tfidf_weight"],
        "tfidf_vocabulary": model.get("vocabulary", []),
        "options": {k: opts[k] for k in sorted(DEFAULTS)},
        "seed": seed,
        "articles": len(corpus.articles),
    }
    (out / "config.json").write_text(
        json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    profile = active_profile()
    flag = profile_flag()
    write_meta(
        out,
        task="narratives",
        labels=corpus.labels,
        encoder=training_encoder(),
        data=f"SemEval-2025 Task 10 subtask 2 ({data}): {len(corpus.articles)} articles",
        terms=SEMEVAL_TERMS,
        metrics={},
        command=f"narrascope train narratives --data {data} --out {out}{flag}",
    )
    card = CARD if profile == "accurate" else FAST_CARD
    (out / "card.md").write_text(
        card.format(articles=len(corpus.articles), options=json.dumps(meta["options"])),
        encoding="utf-8",
    )
    return out


def cross_validate(
    data: Path, folds: int = 5, seed: int = 0, **options: object
) -> dict[str, float]:
    """K-fold CV on the English articles; other languages (if any) are always in the training part."""
    opts = {**DEFAULTS, **options}
    corpus, taxonomy, _ = load_corpus(task_folder(data), opts)
    english = np.array([i for i, a in enumerate(corpus.articles) if a.language == "EN"])
    others = np.array([i for i, a in enumerate(corpus.articles) if a.language != "EN"], dtype=int)
    fine, coarse = [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(english):
        rows = np.concatenate([english[train_idx], others])
        model = fit(corpus, rows, opts, seed)
        pred = decide_rows(model, corpus, english[test_idx], taxonomy)
        gold = [gold_sets(corpus.articles[i]) for i in english[test_idx]]
        coarse.append(f1_samples([g[0] for g in gold], [p[0] for p in pred]))
        fine.append(f1_samples([g[1] for g in gold], [p[1] for p in pred]))
    return {
        "f1_samples_fine": float(np.mean(fine)),
        "f1_samples_coarse": float(np.mean(coarse)),
        "fine_std": float(np.std(fine)),
        "coarse_std": float(np.std(coarse)),
    }


def baseline_cross_validate(data: Path, folds: int = 5, seed: int = 0) -> dict[str, float]:
    """The reference baseline: TF-IDF (word 1-2 grams, 5,000 most frequent) + one-vs-rest logistic
    regression (balanced, C=10), threshold 0.5 per label, the same hierarchical decision (domain
    from the best narrative)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    taxonomy = load_taxonomy("semeval2025")
    labels = feature_labels(taxonomy)
    articles = read_narrative_articles(task_folder(data), ["EN"])
    texts = [a.text for a in articles]
    y = label_matrix(articles, labels)
    fine, coarse = [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(articles):
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=5000
        )
        x_train = vectorizer.fit_transform([texts[i] for i in train_idx])
        x_test = vectorizer.transform([texts[i] for i in test_idx])
        coef, intercept = fit_heads(x_train, y[train_idx], C=10.0, balanced=True, seed=seed)
        probs = predict(x_test, coef, intercept)
        pred = [decide(taxonomy, dict(zip(labels, p.tolist())), {}) for p in probs]
        gold = [gold_sets(articles[i]) for i in test_idx]
        coarse.append(f1_samples([g[0] for g in gold], [set(d.narratives) for d in pred]))
        fine.append(f1_samples([g[1] for g in gold], [set(d.subnarratives) for d in pred]))
    return {"f1_samples_fine": float(np.mean(fine)), "f1_samples_coarse": float(np.mean(coarse))}


def zero_shot_evaluate(data: Path, margin: float = 0.06) -> dict[str, float]:
    """How the zero-shot route (label descriptions only, no training) scores on the English data:
    the same scoring a user's own taxonomy gets, applied to the packaged SemEval taxonomy."""
    from narrascope.analyzers.narratives import zero_shot_scores

    taxonomy = load_taxonomy("semeval2025")
    assert taxonomy.path is not None
    articles = read_narrative_articles(task_folder(data), ["EN"])
    encode_articles(articles)
    gold, pred = [], []
    for article in articles:
        scores = zero_shot_scores(
            article_vectors(article), str(taxonomy.path), training_encoder(), margin=margin
        )
        d = decide(taxonomy, scores, {})
        gold.append(gold_sets(article))
        pred.append((set(d.narratives), set(d.subnarratives)))
    return {
        "f1_samples_fine": f1_samples([g[1] for g in gold], [p[1] for p in pred]),
        "f1_samples_coarse": f1_samples([g[0] for g in gold], [p[0] for p in pred]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description="5-fold CV of the narrative heads on the English data"
    )
    parser.add_argument("data", type=Path)
    parser.add_argument("--features", default=DEFAULTS["features"])
    parser.add_argument("--languages", default=DEFAULTS["languages"])
    parser.add_argument("--C", type=float, default=DEFAULTS["C"])
    parser.add_argument("--unbalanced", action="store_true")
    parser.add_argument(
        "--thresholds", default=DEFAULTS["thresholds"], choices=["label", "global", "fixed"]
    )
    parser.add_argument(
        "--tfidf-weight",
        type=float,
        default=DEFAULTS["tfidf_weight"],
        help="0: embedding heads only",
    )
    parser.add_argument(
        "--decision", default=DEFAULTS["decision"], choices=["ranked", "thresholds"]
    )
    parser.add_argument("--other-gate", type=float, default=DEFAULTS["other_gate"])
    parser.add_argument("--relative", type=float, default=DEFAULTS["relative"])
    parser.add_argument(
        "--zero-shot",
        type=float,
        default=None,
        metavar="MARGIN",
        help="score the zero-shot route instead, with this margin (default 0.06)",
    )
    parser.add_argument(
        "--baseline", action="store_true", help="the TF-IDF + logistic regression baseline instead"
    )
    parser.add_argument(
        "--profile", default="accurate", help="encode with this profile's backbone (accurate, fast)"
    )
    args = parser.parse_args()
    with use_profile(args.profile):
        result = _run(args)
    print(json.dumps({k: round(v, 4) for k, v in result.items()}))


def _run(args: argparse.Namespace) -> dict[str, float]:
    if args.baseline:
        result = baseline_cross_validate(args.data)
    elif args.zero_shot is not None:
        result = zero_shot_evaluate(args.data, args.zero_shot)
    else:
        result = cross_validate(
            args.data,
            features=args.features,
            languages=args.languages,
            C=args.C,
            balanced=not args.unbalanced,
            thresholds=args.thresholds,
            tfidf_weight=args.tfidf_weight,
            decision=args.decision,
            other_gate=args.other_gate,
            relative=args.relative,
        )
    return result


if __name__ == "__main__":
    main()


CARD = """# Narrative model (`narratives`)

Narratives and subnarratives of the `semeval2025` taxonomy (2 domains, 21 narratives, 93
subnarratives + Other) for an article, with the ranked decision described in
docs/narratives.md.

## Training data and its terms
SemEval-2025 Task 10, subtask 2, English `train_dec4` release: {articles} articles with their
gold narratives and subnarratives, read from `../shared/data/semeval2025t10` at training time.
The data is licensed for research use only and is not redistributed with narrascope; these
weights were trained on it, so use them for research. Label descriptions are our own.

Weights: `weights.npz` — standardisation and one logistic head per label (every narrative, every
subnarrative including "<narrative>: Other", and the article-level "Other") over the document
features (mean body-sentence vector of all-MiniLM-L6-v2 + best/top-3 sentence similarity to each
label description), the domain head, label description vectors, evidence directions, and TF-IDF
idf weights and heads; `config.json` — labels, decision rule, options, TF-IDF vocabulary.
Options: `{options}`. Rebuild: `narrascope train narratives --data ../shared/data/semeval2025t10`
(deterministic, seed 0).

## Cross-validated quality (English, 5 folds, F1-samples as in the SemEval-2025 scorer)
Each row: `python -m narrascope.training.narratives ../shared/data/semeval2025t10 ARGS`.
"ranked": "Other" when its head reaches the gate (0.3), else the domain's subnarratives within
the ratio (0.4) of the best one. "thresholds": every label at or above 0.5, the previous rule.

| model | ARGS | fine (subnarratives) | coarse (narratives) |
|---|---|---|---|
| zero-shot from our label descriptions, no training | `--zero-shot 0.06` (all 399 articles; dynamic-padding vectors) | 0.147 | 0.252 |
| TF-IDF + logistic regression baseline, threshold 0.5 | `--baseline` | 0.413 | 0.518 |
| fused 0.25 backbone + 0.75 TF-IDF, thresholds (previous model) | `--decision thresholds` | 0.433 | 0.552 |
| backbone heads only, ranked | `--tfidf-weight 0` | 0.435 | 0.520 |
| fused 0.5 / 0.5, ranked | `--tfidf-weight 0.5` | 0.470 | 0.552 |
| TF-IDF heads only, ranked | `--tfidf-weight 1` | 0.503 | 0.562 |
| **fused 0.25 / 0.75, ranked, gate 0.3, ratio 0.4 (shipped)** | (defaults) | **0.502** | **0.572** |
| shipped, gate 0.2 | `--other-gate 0.2` | 0.485 | 0.532 |
| shipped, gate 0.4 | `--other-gate 0.4` | 0.475 | 0.563 |
| shipped, ratio 0.2 | `--relative 0.2` | 0.496 | 0.561 |
| shipped, ratio 0.6 | `--relative 0.6` | 0.480 | 0.559 |

Fold standard deviation of the shipped row: 0.029 fine, 0.034 coarse. Choosing the gate and the
ratio inside each fold (on the out-of-fold scores of the other four folds, grid 0.2-0.5 × 0.3-0.8)
gave 0.494 fine / 0.566 coarse, so the chosen values are not a lucky pick. The gain over the
previous model comes from the decision, not from new features: the TF-IDF heads alone with the
ranked decision score the same on subnarratives; the backbone adds on narratives. Published best
English systems (GPT-4o-class prompting, on the official test set): ~0.43 fine / 0.55 coarse.

The gate is tuned to the training data, where 42% of articles are "Other". Re-weighting the
out-of-fold results to a corpus with 25% "Other" articles gives 0.385 fine with the shipped gate
against 0.301 with the previous thresholds (15%: 0.318 against 0.225), so the ranked rule stays
ahead when "Other" is rarer, though a gate of 0.35-0.5 would then be slightly better.

Other languages were not used: the backbone is English-only, and TF-IDF vocabularies do not
transfer across languages.

## Known failure modes
- About 60% of articles come out as "Other" (42% in the training data): an article whose
  narrative is voiced softly is labelled "Other". The layer's `candidates` still list the three
  closest narratives with evidence; read them for such articles.
- Rare subnarratives (a few training articles each) are almost never predicted; the model leans
  on the frequent ones and on "<narrative>: Other".
- TF-IDF carries most of the signal: vocabulary typical of a narrative's training articles
  (names, places, slogans) fires it even when an article argues the opposite (a pro-Ukrainian
  op-ed about Russian arms imports can get Russia-favouring narratives). Check the evidence
  paragraphs before trusting a label.
- Only the Russia-Ukraine war and climate change are covered; anything else is "Other" at best,
  or forced into one of the two domains.
- English only.
"""


FAST_CARD = """# Narrative model of the fast profile (`fast-narratives`)

The same heads, decision rule and options as the accurate profile's narrative model (see its
card, `models/narratives/card.md`), trained on the sentence vectors of the static backbone
(`models/static-minilm`, 256-d) instead of MiniLM's, for `narrascope analyze --profile fast`.

## Training data and its terms
SemEval-2025 Task 10, subtask 2, English `train_dec4` release: {articles} articles with their
gold narratives and subnarratives, read from `../shared/data/semeval2025t10` at training time.
The data is licensed for research use only and is not redistributed with narrascope; these
weights were trained on it, so use them for research. Label descriptions are our own.

Options: `{options}`. Rebuild: `narrascope train narratives --data
../shared/data/semeval2025t10 --out DIR --profile fast` (deterministic, seed 0).

## Cross-validated quality (English, 5 folds, F1-samples as in the SemEval-2025 scorer)
`python -m narrascope.training.narratives ../shared/data/semeval2025t10 --profile fast`; the
numbers, beside the accurate profile's on the same folds, are in docs/benchmarks.md
("Fast profile against the accurate profile").
"""
