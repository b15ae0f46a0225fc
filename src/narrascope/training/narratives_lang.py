"""Narrative heads for the languages the sentence backbone does not cover (BG, HI, PT, RU).

English keeps the MiniLM model (`training.narratives`). For the other languages a model is a
TF-IDF vocabulary (word 1-2 grams and character 3-5 grams inside words, so inflected Cyrillic
forms share features) with one logistic head per label plus the "Other" head, and the ranked
decision of the English model. It is trained on the pooled training data of all five languages
(one vocabulary, so shared names such as "NATO" or transliterations carry across) with a weight
on the target language's articles, and cross-validated per language: the held-out fold is always
of that language, every other language's articles stay in the training part.

`python -m narrascope.training.narratives_lang DATA --lang RU` prints the per-language CV table
(model, per-language TF-IDF baseline, all-Other baseline).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold

from narrascope.analyzers.narratives import decide, decide_ranked
from narrascope.taxonomies import Taxonomy, load_taxonomy
from narrascope.training.features import Article, read_narrative_articles, task_folder
from narrascope.training.narratives import (
    f1_samples,
    feature_labels,
    fit_heads,
    gold_sets,
    label_matrix,
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
}


def vectorizers(options: dict) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=options["max_words"]
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


def fit_model(
    articles: list[Article], rows: np.ndarray, labels: list[str], lang: str, options: dict
) -> dict:
    """Vectorizers and heads fitted on `rows`; the target language's rows weigh `own_weight`
    (by repeating them, which is what a sample weight does to this loss)."""
    words, chars = vectorizers(options)
    texts = [articles[i].text for i in rows]
    words.fit(texts)
    chars.fit(texts)
    repeat = [
        int(round(options["own_weight"])) if articles[i].language == lang else 1 for i in rows
    ]
    fit_rows = np.repeat(rows, repeat)
    x = features(words, chars, [articles[i].text for i in fit_rows])
    y = label_matrix([articles[i] for i in fit_rows], labels)
    coef, intercept = fit_heads(x, y, options["C"], True, 0)
    return {"words": words, "chars": chars, "coef": coef, "intercept": intercept}


def decide_all(
    model: dict, texts: list[str], labels: list[str], taxonomy: Taxonomy, options: dict
) -> list[tuple[set[str], set[str]]]:
    probs = predict(
        features(model["words"], model["chars"], texts), model["coef"], model["intercept"]
    )
    out = []
    for p in probs:
        d = decide_ranked(
            taxonomy, dict(zip(labels, p.tolist())), options["other_gate"], options["relative"]
        )
        out.append((set(d.narratives), set(d.subnarratives)))
    return out


def _score(
    gold: list[tuple[set[str], set[str]]], pred: list[tuple[set[str], set[str]]]
) -> tuple[float, float]:
    return (
        f1_samples([g[1] for g in gold], [p[1] for p in pred]),
        f1_samples([g[0] for g in gold], [p[0] for p in pred]),
    )


def cross_validate(
    data: Path, lang: str, folds: int = 5, seed: int = 0, **options: object
) -> dict[str, float]:
    """K-fold CV on `lang`'s articles; with `pooled`, all other languages train in every fold."""
    opts = {**DEFAULTS, **options}
    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    languages = LANGUAGES if opts["pooled"] else (lang,)
    articles = read_narrative_articles(task_folder(data), languages)
    own = np.array([i for i, a in enumerate(articles) if a.language == lang])
    others = np.array([i for i, a in enumerate(articles) if a.language != lang], dtype=int)
    fine, coarse = [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(own):
        rows = np.concatenate([own[train_idx], others])
        model = fit_model(articles, rows, labels, lang, opts)
        test = own[test_idx]
        pred = decide_all(model, [articles[i].text for i in test], labels, taxonomy, opts)
        f, c = _score([gold_sets(articles[i]) for i in test], pred)
        fine.append(f)
        coarse.append(c)
    return {
        "f1_samples_fine": float(np.mean(fine)),
        "f1_samples_coarse": float(np.mean(coarse)),
        "fine_std": float(np.std(fine)),
        "articles": len(own),
    }


def baselines(data: Path, lang: str, folds: int = 5, seed: int = 0) -> dict[str, float]:
    """The per-language references: TF-IDF (word 1-2 grams, 5,000 most frequent) + logistic
    regression, threshold 0.5, hierarchical decision, trained on the language alone (as
    `training.narratives.baseline_cross_validate` does for English); and "Other" for every article."""
    taxonomy = load_taxonomy("semeval2025")
    labels = feature_labels(taxonomy)
    articles = read_narrative_articles(task_folder(data), [lang])
    texts = [a.text for a in articles]
    y = label_matrix(articles, labels)
    fine, coarse, other_fine, other_coarse = [], [], [], []
    for train_idx, test_idx in KFold(folds, shuffle=True, random_state=seed).split(articles):
        vectorizer = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=5000
        )
        x_train = vectorizer.fit_transform([texts[i] for i in train_idx])
        coef, intercept = fit_heads(x_train, y[train_idx], C=10.0, balanced=True, seed=seed)
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


def train(data: Path, lang: str, out: Path, **options: object) -> Path:
    """Fit on all training articles (pooled or the language alone) and write `out/<lang>/`,
    the directory `analyzers.narratives_lang` loads."""
    opts = {**DEFAULTS, **options}
    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    languages = LANGUAGES if opts["pooled"] else (lang,)
    articles = read_narrative_articles(task_folder(data), languages)
    model = fit_model(articles, np.arange(len(articles)), labels, lang, opts)
    counts = {code: sum(a.language == code for a in articles) for code in languages}
    return write_model(Path(out) / lang.lower(), model, labels, lang, opts, counts)


def write_model(
    folder: Path, model: dict, labels: list[str], lang: str, options: dict, counts: dict
) -> Path:
    """Save fitted vectorizers and heads in the layout `analyzers.narratives_lang` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    # heads as int8 with one scale per label: a quarter of float32's size, scores within ~1e-3
    coef = model["coef"].T.astype(np.float32)
    scale = np.maximum(np.abs(coef).max(axis=0), 1e-12) / 127.0
    np.savez_compressed(
        folder / "weights.npz",
        words_idf=model["words"].idf_.astype(np.float32),
        chars_idf=model["chars"].idf_.astype(np.float32),
        coef=np.round(coef / scale).astype(np.int8),
        coef_scale=scale.astype(np.float32),
        intercept=model["intercept"].astype(np.float32),
    )
    vocabulary = {
        name: sorted(model[name].vocabulary_, key=model[name].vocabulary_.get)
        for name in ("words", "chars")
    }
    meta = {
        "task": "narratives",
        "taxonomy": "semeval2025",
        "language": lang.lower(),
        "labels": labels,
        "decision": {
            "rule": "ranked",
            "other_gate": float(options["other_gate"]),
            "relative": float(options["relative"]),
        },
        "options": options,
        "articles": counts,
        **vocabulary,
    }
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
    args = parser.parse_args()
    options = json.loads(args.options)
    if args.train:
        for lang in args.lang.split(","):
            print(train(args.data, lang, args.train, **options), flush=True)
        return
    for lang in args.lang.split(","):
        row = {"lang": lang, **cross_validate(args.data, lang, **options)}
        if args.baselines:
            row.update(baselines(args.data, lang))
        print(
            json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}),
            flush=True,
        )


if __name__ == "__main__":
    main()
