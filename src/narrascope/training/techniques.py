"""Train the persuasion-technique heads (`narrascope train techniques`).

Data: PTC-2020 train (`<data>/ptc2020`, research-only, read in place) mapped onto the SemEval-2023
names, plus the project's own labelled examples (`narrascope/data/techniques.jsonl`) for the
techniques PTC lacks. Every sentence is encoded once through the persistent `VectorCache`.

Run as a module for the cross-validated scores written to the model card:
`python -m narrascope.training.techniques --cv 5 --data ../shared/data`.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope.analyzers import contracts
from narrascope.analyzers import techniques as tech
from narrascope.analyzers.embeddings import span_vectors as own_span_vectors
from narrascope.analyzers.embeddings import word_states
from narrascope.datasets import ptc
from narrascope.document import Document
from narrascope.encoders import Encoder
from narrascope.models import write_meta
from narrascope.training import PROJECT_TERMS
from narrascope.training.calibration import calibrate, calibrate_prevalence, micro_f1
from narrascope.training.own_data import load_jsonl
from narrascope.training.vectors import encoder_cache, make_doc, training_encoder

ANY = "any_technique"
MAX_PARAGRAPH_LABELS = 3
CALIBRATIONS = ("f1", "prevalence")
log = logging.getLogger(__name__)


@dataclass
class Article:
    doc: Document
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # PTC label
    labels: list[str] = field(default_factory=list)  # own examples: 2023 labels of the whole text
    own: bool = False


def ptc_folder(data: Path) -> Path:
    data = Path(data)
    return data / "ptc2020" if (data / "ptc2020").is_dir() else data


def load_ptc(data: Path, exclude_ids: Collection[str] | None = None, cache=None) -> list[Article]:
    split = ptc.find_split(ptc_folder(data), "train")
    excluded = set(exclude_ids or ())
    cache = cache or encoder_cache()
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for s in split.gold_techniques():
        spans.setdefault(s.article_id, []).append((s.start, s.end, s.technique))
    out = []
    for aid, text in sorted(split.articles().items()):
        if aid in excluded:
            continue
        out.append(Article(make_doc(aid, text, cache), sorted(spans.get(aid, []))))
    return out


def load_own(cache=None) -> list[Article]:
    cache = cache or encoder_cache()
    rows = load_jsonl("techniques.jsonl")
    return [
        Article(make_doc(f"own-{i}", r["text"], cache), labels=list(r["labels"]), own=True)
        for i, r in enumerate(rows)
    ]


# --- targets -------------------------------------------------------------------------------


def sentence_targets(article: Article, names: list[str]) -> np.ndarray:
    """(n_sentences, 23 + 1) multi-hot: techniques whose spans overlap each sentence, then 'any'."""
    doc = article.doc
    y = np.zeros((len(doc.sentences), len(names) + 1), np.int8)
    index = {n: k for k, n in enumerate(names)}
    for i, s in enumerate(doc.sentences):
        if article.own:
            for label in article.labels:
                y[i, index[label]] = 1
        for start, end, label in article.spans:
            if start < s.end and end > s.start:
                y[i, index[tech.ptc_to_2023(label, doc.text[start:end])]] = 1
        y[i, -1] = y[i, :-1].max() if len(names) else 0
    return y


def token_targets(article: Article, toks: list[tech.Token]) -> np.ndarray:
    inside = np.zeros(len(article.doc.text) + 1, bool)
    for start, end, _ in article.spans:
        inside[start:end] = True
    return np.asarray([inside[t.start : t.end].any() for t in toks], np.int8)


# --- heads ---------------------------------------------------------------------------------


def fit_multilabel_logistic(
    x: np.ndarray, y: np.ndarray, c: float, max_iter: int = 150
) -> tuple[np.ndarray, np.ndarray]:
    """Independent class-balanced L2 logistic models for every column of `y`, fitted jointly.

    The same objective as one scikit-learn `LogisticRegression(C=c, class_weight="balanced")` per
    label, but all labels share each matrix product, which makes it ~20x faster for 24 labels.
    Labels with fewer than two positives get a large negative intercept (never fire).
    """
    from scipy.optimize import minimize

    x = np.asarray(x, np.float32)
    y = np.asarray(y, np.float32)
    n, d = x.shape
    k = y.shape[1]
    pos = y.sum(axis=0)
    usable = pos >= 2
    w_pos = np.where(usable, n / (2 * np.maximum(pos, 1)), 0.0)
    w_neg = np.where(usable, n / (2 * np.maximum(n - pos, 1)), 0.0)
    sample_w = y * w_pos + (1 - y) * w_neg

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k).astype(np.float32)
        b = theta[d * k :].astype(np.float32)
        z = x @ w + b
        # log(1 + exp(-z)) for positives, log(1 + exp(z)) for negatives, stably
        signed = np.where(y == 1, -z, z)
        value = (sample_w * np.logaddexp(0, signed)).sum() + 0.5 / c * (w**2).sum()
        p = 1 / (1 + np.exp(-np.clip(z, -35, 35)))
        g = sample_w * (p - y)
        grad = np.concatenate([(x.T @ g + w / c).ravel(), g.sum(axis=0)]).astype(np.float64)
        return float(value), grad

    result = minimize(
        loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B", options={"maxiter": max_iter}
    )
    coef = result.x[: d * k].reshape(d, k).T.astype(np.float32)
    intercept = result.x[d * k :].astype(np.float32)
    intercept[~usable] = -10.0
    coef[~usable] = 0.0
    return coef, intercept


def fit_sentence_head(
    x: np.ndarray, y: np.ndarray, c: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    return fit_multilabel_logistic(x, y, c)


def paragraph_matrix(
    articles: list[Article], sent_scores: np.ndarray, sent_y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sentence rows -> paragraph rows (max over the paragraph's sentences)."""
    scores, gold, row = [], [], 0
    for a in articles:
        n = len(a.doc.sentences)
        block_s, block_y = sent_scores[row : row + n], sent_y[row : row + n]
        for p in a.doc.paragraphs:
            idx = [i for i, s in enumerate(a.doc.sentences) if s.paragraph == p.index]
            if idx:
                scores.append(block_s[idx].max(axis=0))
                gold.append(block_y[idx].max(axis=0))
        row += n
    return np.asarray(scores), np.asarray(gold)


def paragraph_texts(articles: list[Article]) -> tuple[list[str], np.ndarray]:
    """The text of every paragraph that has sentences (the rows of `paragraph_matrix`), and
    the index of its article (the groups for inner folds)."""
    texts, groups = [], []
    for i, a in enumerate(articles):
        have = {s.paragraph for s in a.doc.sentences}
        for p in a.doc.paragraphs:
            if p.index in have:
                texts.append(a.doc.text[p.start : p.end])
                groups.append(i)
    return texts, np.asarray(groups)


@dataclass
class WordHeads:
    """Class-balanced logistic heads over a paragraph's TF-IDF word 1-2 grams, one per technique."""

    vectorizer: TfidfVectorizer
    coef: np.ndarray
    intercept: np.ndarray

    def scores(self, texts: list[str]) -> np.ndarray:
        x = self.vectorizer.transform(texts)
        return 1.0 / (1.0 + np.exp(-(np.asarray(x @ self.coef.T) + self.intercept)))


def fit_word_heads(texts: list[str], y: np.ndarray, c: float = 1.0) -> WordHeads:
    """One head per column of `y`; a technique without positives scores (about) zero."""
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=20000
    )
    x = vectorizer.fit_transform(texts)
    coef = np.zeros((y.shape[1], x.shape[1]))
    intercept = np.full(y.shape[1], -20.0)
    for k in range(y.shape[1]):
        if y[:, k].min() == y[:, k].max():
            continue
        head = LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(x, y[:, k])
        coef[k], intercept[k] = head.coef_[0], head.intercept_[0]
    return WordHeads(vectorizer, coef, intercept)


def token_rows(
    articles: list[Article],
    any_scores: list[np.ndarray],
    probe: tech.TokenProbe | None = None,
    encoder: Encoder | None = None,
) -> tuple[sparse.csr_matrix, np.ndarray]:
    xs, ys = [], []
    for a, scores in zip(articles, any_scores):
        toks = tech.tokens(a.doc)
        if not toks:
            continue
        xs.append(tech.tagger_matrix(a.doc, toks, scores, probe, encoder))
        ys.append(token_targets(a, toks))
    return sparse.vstack(xs).tocsr(), np.concatenate(ys)


def fit_token_probe(
    articles: list[Article], encoder: Encoder, c: float = 1.0, seed: int = 0, context: int = 0
) -> tech.TokenProbe:
    """A logistic probe of "inside a technique span" over each word's standardised backbone
    states (and, with `context`, its neighbours' within the article). The states stay in each
    document's cache: the tagger's rows, the inner decoding split and the evaluation read them
    again."""
    states, targets = [], []
    for a in articles:
        toks = tech.tokens(a.doc)
        if toks:
            words = [(t.start, t.end, t.sentence) for t in toks]
            states.append(word_states(a.doc, words, encoder))
            targets.append(token_targets(a, toks))
    stacked = np.vstack(states)
    mean = stacked.mean(axis=0)
    scale = 1.0 / (stacked.std(axis=0) + 1e-6)
    del stacked
    x = np.vstack([tech.with_neighbours((s - mean) * scale, context) for s in states])
    model = LogisticRegression(C=c, max_iter=300, random_state=seed)
    model.fit(x, np.concatenate(targets))
    return tech.TokenProbe(mean, scale, model.coef_[0], float(model.intercept_[0]), context)


def fit_sparse(x, y, c: float, seed: int, multinomial: bool = False) -> tech.SparseLinear:
    model = LogisticRegression(
        C=c, max_iter=150, random_state=seed, solver="lbfgs" if multinomial else "liblinear"
    )
    model.fit(x, y)
    return tech.SparseLinear(model.coef_, model.intercept_)


def span_rows(
    articles: list[Article], encoder: Encoder | None = None, keep_states: bool = False
) -> tuple[sparse.csr_matrix, list[str]]:
    """The classifier's rows for the gold spans; with `encoder`, each span's own vector too
    (the token states of its sentences, computed here and, unless `keep_states`, dropped
    after each article)."""
    xs, ys = [], []
    for a in articles:
        if a.spans:
            spans = [(s, e) for s, e, _ in a.spans]
            own = own_span_vectors(a.doc, spans, encoder) if encoder is not None else None
            if not keep_states:
                a.doc.cache.pop(contracts.TOKEN_STATES.name, None)
            xs.append(tech.span_matrix(a.doc, spans, own))
            ys += [label for _, _, label in a.spans]
    return sparse.vstack(xs).tocsr(), ys


# --- training ------------------------------------------------------------------------------


def train(
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    sentence_c: float = 0.5,
    tagger_c: float = 0.3,
    classifier_c: float = 2.0,
    inner_folds: int = 2,
    tag_threshold: float | None = None,
    extend_spans: bool = True,
    span_vectors: bool = True,
    token_probe: bool = True,
    probe_context: int = 1,
    max_paragraph_labels: int = MAX_PARAGRAPH_LABELS,
    calibration: str = "prevalence",
    paragraph_words: float = 0.5,
    articles: list[Article] | None = None,
    own: list[Article] | None = None,
) -> Path:
    """Fit the three heads on PTC train (minus `exclude_ids`) + own examples; write `out`.

    `extend_spans` lets a tagged run take in neighbouring tokens above a lower threshold (so
    that phrases are not cut before their last word); with it, `tag_threshold=None` (the
    default) chooses the tag threshold and the extension together for span F1 on a 4-fold split
    of the training articles, and a given threshold chooses the extension only. Without it,
    `tag_threshold=None` tunes the threshold alone on a 2-fold split (it picks ~0.2, many
    one-word spans). `span_vectors` gives the span classifier each span's own vector (the backbone's
    token states pooled over it, from the same pass as the sentence vectors). `token_probe`
    gives the tagger a linear probe's score of each word's own backbone states (the states of
    every training sentence are computed once and kept with the documents), and `probe_context`
    the words on each side whose states it reads too.
    `calibration` chooses the paragraph thresholds: "f1" (each technique's best F1 on
    out-of-fold scores) or "prevalence" (each technique predicted as often as it is gold); both
    sets are stored, so an evaluation can score either. `paragraph_words` is the weight of the
    paragraph's own TF-IDF word heads in its score (0: the sentence head alone).
    """
    if calibration not in CALIBRATIONS:
        raise ValueError(f"calibration must be one of {CALIBRATIONS}, got {calibration!r}")
    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = tech.technique_names()
    excluded = set(exclude_ids or ())
    if articles is None:
        articles = load_ptc(data, excluded)
    else:
        articles = [a for a in articles if a.doc.id not in excluded]
    own = own if own is not None else load_own()
    everything = articles + own

    oof = write_paragraph_heads(
        out, everything, sentence_c, seed, inner_folds, calibration, paragraph_words
    )
    log.info("sentence and paragraph heads fitted after %.0fs", time.time() - started)

    # token tagger on PTC articles, with the out-of-fold 'any' score as its sentence context
    any_scores, row = [], 0
    for a in everything:
        n = len(a.doc.sentences)
        any_scores.append(oof[row : row + n, -1])
        row += n
    encoder = training_encoder() if span_vectors or token_probe else None
    probe = None
    if token_probe and encoder is not None:
        probe = fit_token_probe(articles, encoder, seed=seed, context=probe_context)
        probe.save(out / "token_probe.npz")
        log.info("token probe fitted after %.0fs", time.time() - started)
    xt, yt = token_rows(articles, any_scores[: len(articles)], probe, encoder)
    tagger = fit_sparse(xt, yt, tagger_c, seed)
    tagger.save(out / "tagger.npz")
    log.info("tagger fitted after %.0fs", time.time() - started)
    tag_extend_threshold = None
    if tag_threshold is None or extend_spans:
        tag_threshold, tag_extend_threshold = _tune_decoding(
            articles,
            any_scores[: len(articles)],
            tagger_c,
            seed,
            tag_threshold,
            extend_spans,
            probe,
            encoder,
        )
        log.info(
            "span decoding chosen after %.0fs: tag %s, extension %s",
            time.time() - started,
            tag_threshold,
            tag_extend_threshold,
        )

    # span classifier over the 14 PTC techniques
    xs, ys = span_rows(articles, encoder if span_vectors else None, keep_states=probe is not None)
    classifier = fit_sparse(xs, ys, classifier_c, seed, multinomial=True)
    classifier.save(out / "classifier.npz")
    log.info("span classifier fitted after %.0fs", time.time() - started)
    classes = sorted(set(ys))

    ptc_targets = set(tech.taxonomy()["ptc2020_mapping"].values()) | {"Guilt_by_Association"}
    config = {
        "task": "techniques",
        "sentence_labels": names + [ANY],
        "span_classes": classes,
        "tag_threshold": tag_threshold,
        "tag_extend_threshold": tag_extend_threshold,
        "span_vectors": span_vectors,
        "token_probe": probe is not None,
        "sentence_span_labels": [n for n in names if n not in ptc_targets],
        "sentence_span_margin": 0.0,
        "max_paragraph_labels": max_paragraph_labels,
        "calibration": calibration,
        "paragraph_words": paragraph_words,
        "options": {
            "sentence_c": sentence_c,
            "tagger_c": tagger_c,
            "classifier_c": classifier_c,
            "extend_spans": extend_spans,
            "span_vectors": span_vectors,
            "token_probe": token_probe,
            "probe_context": probe_context,
            "paragraph_words": paragraph_words,
            "seed": seed,
        },
        "training": {
            "ptc_articles": len(articles),
            "own_examples": len(own),
            "excluded": len(excluded),
            "seconds": round(time.time() - started, 1),
        },
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    write_meta(
        out,
        task="techniques",
        labels=names + [ANY],
        encoder=training_encoder(),
        data=(
            f"PTC-2020 train ({data}): {len(articles)} articles; project-written examples "
            f"(narrascope/data/techniques.jsonl): {len(own)}"
        ),
        terms=f"PTC: research use only, the weights are derived from it; examples: {PROJECT_TERMS}",
        metrics={},  # measured by cross-validation: `python -m narrascope.training.techniques`
        command=f"narrascope train techniques --data {data} --out {out}",
    )
    write_card(out, config, {})
    return out


def write_paragraph_heads(
    out: Path,
    everything: list[Article],
    sentence_c: float,
    seed: int,
    inner_folds: int,
    calibration: str,
    paragraph_words: float,
) -> np.ndarray:
    """The sentence head and its paragraph thresholds (`sentence.npz`), and with
    `paragraph_words` > 0 the paragraph word heads (`paragraph_words.npz`); returns the
    out-of-fold sentence scores, which the tagger reads as context."""
    names = tech.technique_names()
    x = np.vstack([tech.sentence_features(a.doc) for a in everything])
    y = np.vstack([sentence_targets(a, names) for a in everything])
    groups = np.concatenate([[i] * len(a.doc.sentences) for i, a in enumerate(everything)])
    oof = np.zeros(y.shape, np.float32)
    for train_idx, test_idx in GroupKFold(n_splits=inner_folds).split(x, groups=groups):
        w, b = fit_sentence_head(x[train_idx], y[train_idx], sentence_c, seed)
        oof[test_idx] = tech._sigmoid(x[test_idx] @ w.T + b)
    para_scores, para_gold = paragraph_matrix(everything, oof, y)
    by_calibration = {
        "f1": calibrate(para_scores, para_gold),
        "prevalence": calibrate_prevalence(para_scores, para_gold),
    }
    coef, intercept = fit_sentence_head(x, y, sentence_c, seed)
    np.savez_compressed(
        out / "sentence.npz",
        coef=coef.astype(np.float16),
        intercept=intercept,
        thresholds=by_calibration[calibration],
        thresholds_f1=by_calibration["f1"],
        thresholds_prevalence=by_calibration["prevalence"],
    )
    if paragraph_words > 0:
        write_paragraph_words(out, everything, para_scores, para_gold, paragraph_words, inner_folds)
    return oof


def write_paragraph_words(
    out: Path,
    articles: list[Article],
    para_scores: np.ndarray,
    para_gold: np.ndarray,
    weight: float,
    inner_folds: int,
) -> None:
    """Word heads over each paragraph's text, and thresholds for the mixed paragraph score
    calibrated on out-of-fold scores of both heads (`paragraph_words.npz`)."""
    n = len(tech.technique_names())
    texts, groups = paragraph_texts(articles)
    gold = para_gold[:, :n].astype(int)
    words_oof = np.zeros(gold.shape)
    for train_idx, test_idx in GroupKFold(n_splits=inner_folds).split(texts, groups=groups):
        heads = fit_word_heads([texts[i] for i in train_idx], gold[train_idx])
        words_oof[test_idx] = heads.scores([texts[i] for i in test_idx])
    mixed = (1.0 - weight) * para_scores[:, :n] + weight * words_oof
    heads = fit_word_heads(texts, gold)
    np.savez_compressed(
        out / "paragraph_words.npz",
        terms=heads.vectorizer.get_feature_names_out().astype(str),
        idf=heads.vectorizer.idf_.astype(np.float32),
        coef=heads.coef.astype(np.float16),
        intercept=heads.intercept.astype(np.float32),
        weight=np.float32(weight),
        thresholds_f1=calibrate(mixed, gold),
        thresholds_prevalence=calibrate_prevalence(mixed, gold),
    )


def write_card(out: Path, config: dict, metrics: dict) -> None:
    """card.md from the training facts and the measured scores (the package's `metrics`)."""
    lines = [f"- {k}: {v}" for k, v in metrics.items()] or [
        "- not measured for this model directory"
    ]
    (out / "card.md").write_text(
        CARD.format(
            training=json.dumps(config["training"]),
            options=json.dumps(config["options"]),
            tag=config["tag_threshold"],
            probe="" if config.get("token_probe") else " (not in this model)",
            extend=config.get("tag_extend_threshold") or "none",
            calibration=config.get("calibration", "f1"),
            words=(
                f"; the paragraph score mixes in word heads over the paragraph's own text (TF-IDF "
                f"word 1-2 grams, one class-balanced logistic regression per technique, weight "
                f"{config['paragraph_words']}, `paragraph_words.npz`, with their own thresholds "
                f"calibrated the same way; the sentence thresholds gate the whole-sentence spans)"
                if config.get("paragraph_words")
                else ""
            ),
            quality="\n".join(lines),
        ),
        encoding="utf-8",
    )


CARD = """# Persuasion-technique heads

Three logistic heads on the all-MiniLM-L6-v2 backbone (see docs/techniques.md): a sentence head
(23 SemEval-2023 techniques + "any technique", over sentence vector + 16 stylistic features;
paragraph score = best sentence; per-technique thresholds set on out-of-fold paragraph scores
(calibration "{calibration}": "prevalence" predicts each technique on as many paragraphs as gold has it, "f1"
maximises each technique's F1; both sets are in `sentence.npz`){words}; at most 3 labels per paragraph), a token tagger over hashed word-window features,
the sentence's "any technique" score and{probe} a linear probe's score of each word's own backbone
states (threshold {tag}; runs extend to neighbouring tokens scoring at least {extend}; both
chosen on a 4-fold split of the training articles) and a span classifier over the 14 PTC
techniques (hashed span words, the sentence vector and the span's pooled token states), mapped
onto the 2023 names. Files: `sentence.npz`, `tagger.npz`, `classifier.npz` (only non-zero hashed
weights, float16; no word list), `token_probe.npz` (standardisation and probe weights),
`config.json`. Options: {options}. Training: {training}.

## Training data and terms
- PTC-2020 train (SemEval-2020 Task 11, Propaganda Techniques Corpus v2): 371 English news
  articles with 14-technique spans, read from `../shared/data/ptc2020`. Research-use-only terms:
  the data is not redistributed here; these weights are derived from it.
- 210 short examples written by the narrascope project (`narrascope/data/techniques.jsonl`,
  CC-BY-4.0) for the techniques PTC lacks or merges.
Retrain: `narrascope train techniques --data ../shared/data` (deterministic for a seed).

## Measured quality
{quality}

Published references (English, in-domain training): PTC span identification ~0.52 F1,
technique classification ~0.62 micro-F1; SemEval-2023 paragraph techniques 0.376 micro-F1.

## Known failure modes
- Spans are tagged token runs widened to their neighbours: long techniques (appeals to fear,
  causal oversimplification, whataboutism) still come out as fragments or as their most charged
  words, and a widened run can take in most of a clause.
- Techniques learned only from the project's own examples (Appeal_to_Values, Straw_Man,
  Red_Herring, Appeal_to_Time, Obfuscation, Appeal_to_Hypocrisy, Questioning_the_Reputation,
  Consequential_Oversimplification) are reported as whole sentences and are the least reliable.
- PTC's Whataboutism/Straw_Men/Red_Herring class is mapped to Whataboutism as a whole.
- Paragraph labels still favour recall over precision on opinionated text. Best-F1 thresholds
  predicted Loaded_Language on 17% of held-out PTC paragraphs (gold 11%) and Repetition on 13%
  (gold 3.5%); prevalence-calibrated thresholds bring them to 12% and 4% (table in
  docs/techniques.md).
"""


def _inner_token_scores(
    articles: list[Article],
    any_scores: list[np.ndarray],
    c: float,
    seed: int,
    folds: int,
    probe: tech.TokenProbe | None = None,
    encoder: Encoder | None = None,
) -> list[tuple[Article, list[tech.Token], np.ndarray]]:
    """Token scores of every training article from a tagger fitted on the other folds (a split
    of the training articles): what the decoding thresholds are chosen on. A tagger fitted on
    half the articles scores lower than the final one, so the extension uses more folds. The
    probe is the one fitted on all the training articles (a linear probe of 384 states over
    ~10^5 words gains next to nothing from seeing a fold's words)."""
    out = []
    idx = np.arange(len(articles))
    for fold in range(folds):
        tr, te = idx[idx % folds != fold], idx[idx % folds == fold]
        xt, yt = token_rows([articles[i] for i in tr], [any_scores[i] for i in tr], probe, encoder)
        model = fit_sparse(xt, yt, c, seed)
        for i in te:
            a = articles[i]
            toks = tech.tokens(a.doc)
            if not toks:
                continue
            x = tech.tagger_matrix(a.doc, toks, any_scores[i], probe, encoder)
            out.append((a, toks, tech._sigmoid(model.decision(x)[:, 0])))
    return out


def _best_decoding(
    scored: list[tuple[Article, list[tech.Token], np.ndarray]],
    decodings: list[tuple[float, float | None]],
) -> tuple[float, float | None]:
    """The (tag threshold, extension threshold) pair with the best span F1 on `scored`."""
    from narrascope.evaluation import metrics

    gold = {a.doc.id: [(s, e) for s, e, _ in a.spans] for a, _, _ in scored}

    def f1(decoding: tuple[float, float | None]) -> float:
        pred = {
            a.doc.id: [
                (s, e)
                for s, e, _ in tech.decode_runs(toks, probs, *decoding)
                if tech.has_content_word(a.doc.text[s:e])
            ]
            for a, toks, probs in scored
        }
        return metrics.span_prf(gold, pred).f1

    return max(decodings, key=f1)


# the extension thresholds tried, as fractions of the tag threshold (1.0: no extension)
EXTENSION_GRID = (1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2)
# the tag thresholds tried with them when the threshold is chosen too (`tag_threshold=None`)
JOINT_TAG_GRID = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)


def _tune_decoding(
    articles: list[Article],
    any_scores: list[np.ndarray],
    c: float,
    seed: int,
    tag_threshold: float | None,
    extend: bool,
    probe: tech.TokenProbe | None = None,
    encoder: Encoder | None = None,
) -> tuple[float, float | None]:
    """The token threshold (unless given) and, with `extend`, the extension threshold that
    maximise span F1 on a split of the training articles: both together on a 4-fold split with
    `extend`, else the threshold alone on a 2-fold split."""
    if not extend:
        if tag_threshold is None:
            scored = _inner_token_scores(articles, any_scores, c, seed, 2, probe, encoder)
            grid = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]
            tag_threshold, _ = _best_decoding(scored, [(t, None) for t in grid])
        return tag_threshold, None
    scored = _inner_token_scores(articles, any_scores, c, seed, 4, probe, encoder)
    thresholds = JOINT_TAG_GRID if tag_threshold is None else (tag_threshold,)
    candidates: list[tuple[float, float | None]] = [
        (t, round(t * f, 4)) for t in thresholds for f in EXTENSION_GRID
    ]
    best = _best_decoding(scored, candidates)
    return best[0], (None if best[1] == best[0] else best[1])


def evaluate(model: tech.TechniqueModel, articles: list[Article]) -> dict[str, Any]:
    """SI span P/R/F1 and TC micro-F1 (the evaluation harness's definitions); paragraph
    micro-F1 (23 names) under each stored threshold calibration, with per-technique paragraph
    counts (predicted and gold) for the prevalence table."""
    from narrascope.evaluation import metrics

    gold_spans, pred_spans, gold_tc, pred_tc = {}, {}, [], []
    para_gold: list[set[str]] = []
    para_pred: dict[str, list[set[str]]] = {c: [] for c in CALIBRATIONS}
    stored = np.load(model.path / "sentence.npz")
    shipped_calibration = model.config.get("calibration", "f1")
    shipped = model.thresholds
    words = model.words
    for a in articles:
        layers = {}
        for c in CALIBRATIONS:  # one prediction per stored threshold set
            model.thresholds = stored[f"thresholds_{c}"].astype(np.float32)
            if words is not None:
                words.thresholds = words.stored[c].astype(np.float32)
            layers[c] = model.predict(a.doc)
            para_pred[c] += [{label.label for label in p.labels} for p in layers[c].paragraphs]
        model.thresholds = shipped
        if words is not None:
            words.thresholds = words.stored[shipped_calibration].astype(np.float32)
        layer = layers[shipped_calibration]  # spans as the model ships them
        pred_spans[a.doc.id] = [(s.start, s.end) for s in layer.spans]
        gold_spans[a.doc.id] = [(s, e) for s, e, _ in a.spans]
        if a.spans:
            probs = model.classify(a.doc, [(s, e) for s, e, _ in a.spans])
            gold_tc += [((a.doc.id, s, e), lab) for s, e, lab in a.spans]
            pred_tc += [
                ((a.doc.id, s, e), model.classes[int(k)])
                for (s, e, _), k in zip(a.spans, probs.argmax(axis=1))
            ]
        if model.probe is None:  # computed for this article only; a probe's trainer keeps them
            a.doc.cache.pop(contracts.TOKEN_STATES.name, None)
        for p in layer.paragraphs:
            para_gold.append(
                {
                    tech.ptc_to_2023(lab, a.doc.text[s:e])
                    for s, e, lab in a.spans
                    if s < p.end and e > p.start
                }
            )
    si = metrics.span_prf(gold_spans, pred_spans)
    tc, _ = metrics.technique_classification(gold_tc, pred_tc)
    out: dict[str, Any] = {
        "si_precision": si.precision,
        "si_recall": si.recall,
        "si_f1": si.f1,
        "tc_micro_f1": tc.f1,
    }
    for c in CALIBRATIONS:
        pp, pr, pf = micro_f1(para_pred[c], para_gold)
        out |= {
            f"paragraph_precision_{c}": pp,
            f"paragraph_recall_{c}": pr,
            f"paragraph_micro_f1_{c}": pf,
        }
    out["articles"] = len(articles)
    out["spans"] = len(gold_tc)
    out["paragraphs"] = len(para_gold)
    out["gold_counts"] = dict(Counter(label for g in para_gold for label in g))
    for c in CALIBRATIONS:
        out[f"predicted_counts_{c}"] = dict(Counter(label for p in para_pred[c] for label in p))
    return out


def prevalence_table(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per technique: the share of held-out paragraphs gold has it, and the share predicted
    under each calibration (summed over folds)."""
    paragraphs = sum(r["paragraphs"] for r in results)
    counts: dict[str, Counter] = {"gold": Counter()}
    for r in results:
        counts["gold"].update(r["gold_counts"])
        for c in CALIBRATIONS:
            counts.setdefault(c, Counter()).update(r[f"predicted_counts_{c}"])
    names = sorted(set().union(*counts.values()), key=lambda n: -counts["gold"][n])
    return [
        {"technique": n} | {k: round(v[n] / max(paragraphs, 1), 4) for k, v in counts.items()}
        for n in names
    ]


def evaluate_dev(model: tech.TechniqueModel) -> dict[str, float]:
    """Paragraph-level micro-F1 over the 23 names on the project's dev articles (titles included)."""
    from narrascope.training.genre import dev_documents

    docs, rows = dev_documents()
    pred: list[set[str]] = []
    gold: list[set[str]] = []
    for doc, row in zip(docs, rows):
        layer = model.predict(doc)
        assert len(layer.paragraphs) == len(row["paragraphs"]), row["id"]
        pred += [{label.label for label in p.labels} for p in layer.paragraphs]
        gold += [set(p["techniques"]) for p in row["paragraphs"]]
    p, r, f = micro_f1(pred, gold)
    return {
        "dev_paragraph_precision": p,
        "dev_paragraph_recall": r,
        "dev_paragraph_micro_f1": f,
        "paragraphs": len(gold),
        "predicted_labels": sum(len(x) for x in pred),
        "gold_labels": sum(len(x) for x in gold),
    }


def cross_validate(
    data: Path,
    folds: int = 5,
    seed: int = 0,
    articles: list[Article] | None = None,
    own: list[Article] | None = None,
    **options,
) -> dict[str, Any]:
    """Article-level k-fold CV on PTC train; returns pooled scores (mean over folds of each
    metric). Pass `articles` and `own` to compare options on documents loaded once (their
    token states are then computed once)."""
    cache = encoder_cache()
    articles = articles if articles is not None else load_ptc(data, cache=cache)
    own = own if own is not None else load_own(cache)
    ids = np.asarray([a.doc.id for a in articles])
    results = []
    for k, (_, te) in enumerate(GroupKFold(n_splits=folds).split(ids, groups=ids)):
        with tempfile.TemporaryDirectory() as tmp:
            train(
                data,
                Path(tmp),
                exclude_ids=set(ids[te]),
                seed=seed,
                articles=articles,
                own=own,
                **options,
            )
            model = tech.TechniqueModel(tmp, training_encoder())
            results.append(evaluate(model, [articles[i] for i in te]))
        scores = {m: round(v, 4) for m, v in results[-1].items() if isinstance(v, float)}
        print(f"fold {k}: " + json.dumps(scores), flush=True)
    keys = [k for k, v in results[0].items() if isinstance(v, float)]
    summary: dict[str, Any] = {k: float(np.mean([r[k] for r in results])) for k in keys}
    summary["prevalence"] = prevalence_table(results)
    return summary


def paragraph_cross_validate(
    data: Path,
    folds: int = 5,
    seed: int = 0,
    sentence_c: float = 0.5,
    inner_folds: int = 2,
    paragraph_words: float = 0.5,
) -> dict[str, Any]:
    """The paragraph labels alone under the same article folds as `cross_validate`, without
    the tagger and the span classifier (minutes instead of hours): paragraph micro P / R / F1
    under each calibration, mean over folds, and the F1 of each fold."""
    cache = encoder_cache()
    articles = load_ptc(data, cache=cache)
    own = load_own(cache)
    ids = np.asarray([a.doc.id for a in articles])
    names = tech.technique_names()
    per_fold: dict[str, list[tuple[float, float, float]]] = {c: [] for c in CALIBRATIONS}
    counts: list[dict[str, Any]] = []  # per fold, as `evaluate` gives them (prevalence table)
    for _, te in GroupKFold(n_splits=folds).split(ids, groups=ids):
        counts.append({})
        held_out = set(ids[te])
        train_part = [a for a in articles if a.doc.id not in held_out] + own
        with tempfile.TemporaryDirectory() as tmp:
            write_paragraph_heads(
                Path(tmp), train_part, sentence_c, seed, inner_folds, "f1", paragraph_words
            )
            z = np.load(Path(tmp) / "sentence.npz")
            coef, intercept = z["coef"].astype(np.float32), z["intercept"].astype(np.float32)
            words = tech.ParagraphWords.load(Path(tmp) / "paragraph_words.npz", "f1")
            for c in CALIBRATIONS:
                if words is not None:
                    words.thresholds = words.stored[c].astype(np.float32)
                pred, gold = [], []
                for i in te:
                    a = articles[i]
                    scores = tech._sigmoid(tech.sentence_features(a.doc) @ coef.T + intercept)
                    for p in tech.label_paragraphs(
                        a.doc, scores, names, z[f"thresholds_{c}"], words, MAX_PARAGRAPH_LABELS
                    ):
                        pred.append({label.label for label in p.labels})
                        gold.append(
                            {
                                tech.ptc_to_2023(lab, a.doc.text[s:e])
                                for s, e, lab in a.spans
                                if s < p.end and e > p.start
                            }
                        )
                per_fold[c].append(micro_f1(pred, gold))
                counts[-1] |= {
                    "paragraphs": len(gold),
                    "gold_counts": dict(Counter(n for g in gold for n in g)),
                    f"predicted_counts_{c}": dict(Counter(n for p in pred for n in p)),
                }
        log.info("fold done: %s", {c: round(v[-1][2], 4) for c, v in per_fold.items()})
    out: dict[str, Any] = {}
    for c, rows in per_fold.items():
        out |= {
            f"paragraph_precision_{c}": float(np.mean([r[0] for r in rows])),
            f"paragraph_recall_{c}": float(np.mean([r[1] for r in rows])),
            f"paragraph_micro_f1_{c}": float(np.mean([r[2] for r in rows])),
            f"paragraph_fold_f1_{c}": [round(r[2], 4) for r in rows],
        }
    out["prevalence"] = prevalence_table(counts)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[3].parent / "shared" / "data"
    )
    parser.add_argument(
        "--cv",
        type=int,
        default=5,
        help="folds of article-level cross-validation on PTC train (0: skip)",
    )
    parser.add_argument("--dev", action="store_true", help="score a model on the project's dev set")
    parser.add_argument(
        "--paragraphs-only",
        action="store_true",
        help="cross-validate the paragraph labels alone (no tagger, no span classifier)",
    )
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument(
        "--option", action="append", default=[], help="name=value, e.g. tagger_c=0.3"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options: dict[str, Any] = {k: _option(v) for k, v in (o.split("=", 1) for o in args.option)}
    if args.dev:
        model = tech.TechniqueModel(args.model, training_encoder())
        print(json.dumps(evaluate_dev(model), indent=1))
    if not args.cv:
        return
    if args.paragraphs_only:
        keys = ("seed", "sentence_c", "inner_folds", "paragraph_words")
        chosen = {k: v for k, v in options.items() if k in keys}
        result = paragraph_cross_validate(args.data, folds=args.cv, **chosen)
        prevalence = result.pop("prevalence")
        print(json.dumps(result))
        print("paragraph prevalence (share of held-out paragraphs), gold vs each calibration:")
        for row in prevalence:
            print("  " + json.dumps(row))
        return
    summary = cross_validate(args.data, folds=args.cv, **options)
    prevalence = summary.pop("prevalence")
    print("mean: " + json.dumps({k: round(v, 4) for k, v in summary.items()}))
    print("paragraph prevalence (share of held-out paragraphs), gold vs each calibration:")
    for row in prevalence:
        print("  " + json.dumps(row))


def _option(value: str) -> float | str | None:
    if value.lower() == "none":
        return None
    try:
        return float(value)
    except ValueError:
        return value


if __name__ == "__main__":
    main()
