"""Persuasion techniques: paragraph labels over the 23 SemEval-2023 techniques and character spans.

Three light heads on the shared backbone (no second transformer pass):

* a sentence head: one logistic model per technique over the sentence vector plus stylistic
  features; a paragraph's score for a technique is the best score of its sentences (mixed, in
  models that have them, with word heads over the paragraph's own text), and labels are those
  above per-technique thresholds calibrated on cross-validated scores;
* a token tagger: a logistic model over hashed word-window features, the sentence's "any
  technique" score and (models trained with it) a linear probe's score of the word's own
  backbone states, whose runs of tokens above a threshold become candidate spans;
* a span classifier: a multinomial logistic model over the span's words, its sentence vector and
  features (length, repetition in the article, quotes) that names the PTC technique of a span,
  mapped onto the SemEval-2023 names.

Sentence-level techniques that the tagger does not cover (those learned from the project's own
examples only) are reported as whole-sentence spans.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import sentence_vectors, span_vectors, word_states
from narrascope.document import (
    Document,
    LabelScore,
    ParagraphTechniques,
    TechniqueLayer,
    TechniqueSpan,
)
from narrascope.encoders import Encoder
from narrascope.models import load_package, packaged_path
from narrascope.text import features as text_features
from narrascope.text import stopwords
from narrascope.text.hashing import FeatureHashing
from narrascope.text.tfidf import TermWeights

TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
HASH_BITS = 18  # token tagger
SPAN_HASH_BITS = 16  # span classifier (14 classes, so fewer columns)
_GUILT = re.compile(
    r"nazi|hitler|fascis|stalin|terroris|jihad|isis|goebbels|gestapo|kkk|communis|soviet|mussolini",
    re.IGNORECASE,
)


# --- taxonomy ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, Any]:
    return json.loads(
        (resources.files("narrascope.taxonomies") / "techniques.json").read_text(encoding="utf-8")
    )


def technique_names() -> list[str]:
    """The 23 SemEval-2023 technique names, in taxonomy order."""
    return [t["name"] for t in taxonomy()["techniques"]]


def ptc_to_2023(label: str, span_text: str = "") -> str:
    """Map a PTC-2020 technique onto the SemEval-2023 name (see docs/techniques.md)."""
    if label == "Bandwagon,Reductio_ad_hitlerum" and _GUILT.search(span_text):
        return "Guilt_by_Association"
    return taxonomy()["ptc2020_mapping"][label]


def default_model_dir() -> Path:
    return packaged_path("techniques")


# --- features ------------------------------------------------------------------------------


def sentence_features(doc: Document) -> np.ndarray:
    """(n_sentences, dimension + F): the sentence vector and its stylistic features."""
    vectors = sentence_vectors(doc)
    style = text_features.feature_matrix([doc.sentence_text(s) for s in doc.sentences])
    if len(doc.sentences) == 0:
        return np.zeros((0, vectors.shape[1] + text_features.DIMENSION), np.float32)
    return np.hstack([vectors, style]).astype(np.float32)


@dataclass
class Token:
    start: int
    end: int
    text: str
    sentence: int


def tokens(doc: Document) -> list[Token]:
    out: list[Token] = []
    for i, s in enumerate(doc.sentences):
        for m in TOKEN.finditer(doc.text, s.start, s.end):
            out.append(Token(m.start(), m.end(), m.group(), i))
    return out


def _word_counts(doc: Document) -> Counter[str]:
    return Counter(w.lower() for w in text_features.WORD.findall(doc.text))


def token_feature_dicts(doc: Document, toks: list[Token]) -> list[dict[str, float]]:
    """Hashed window features of each token (words are hashed, never stored as a vocabulary)."""
    counts = _word_counts(doc)
    by_sentence: dict[int, list[int]] = {}
    for i, t in enumerate(toks):
        by_sentence.setdefault(t.sentence, []).append(i)
    out: list[dict[str, float]] = [{} for _ in toks]
    for idx in by_sentence.values():
        words = [toks[i].text.lower() for i in idx]
        quote_open = False
        for k, i in enumerate(idx):
            w = words[k]
            raw = toks[i].text
            prev = words[k - 1] if k > 0 else "<s>"
            nxt = words[k + 1] if k + 1 < len(words) else "</s>"
            f = {
                "w:" + w: 1.0,
                "p:" + prev: 1.0,
                "n:" + nxt: 1.0,
                "pp:" + (words[k - 2] if k > 1 else "<s>"): 0.5,
                "nn:" + (words[k + 2] if k + 2 < len(words) else "</s>"): 0.5,
                "pw:" + prev + "|" + w: 1.0,
                "wn:" + w + "|" + nxt: 1.0,
                f"pos:{min(k, 5)}": 1.0,
            }
            if raw in '"“”«»':
                quote_open = not quote_open
            if quote_open:
                f["in_quote"] = 1.0
            if raw.isupper() and len(raw) > 1:
                f["upper"] = 1.0
            elif raw[:1].isupper() and k > 0:
                f["title"] = 1.0
            if raw.isalpha() and len(raw) > 3 and counts[w] > 2:
                f["rep"] = min(1.0, math.log(counts[w]) / 3)
            out[i] = f
    return out


_hasher = FeatureHashing(2**HASH_BITS)


_span_hasher = FeatureHashing(2**SPAN_HASH_BITS)


def hash_features(dicts: list[dict[str, float]]) -> sparse.csr_matrix:
    return _hasher.dicts(dicts)


def span_feature_dict(
    doc: Document, start: int, end: int, counts: Counter[str] | None = None
) -> dict[str, float]:
    """Sparse features of a candidate span for the technique classifier."""
    text = doc.text[start:end]
    words = [w.lower() for w in text_features.WORD.findall(text)]
    counts = counts if counts is not None else _word_counts(doc)
    f: dict[str, float] = {}
    for w in words:
        f["s:" + w] = 1.0
    for a, b in pairwise(words):
        f["b:" + a + "|" + b] = 1.0
    before = [w.lower() for w in text_features.WORD.findall(doc.text[max(0, start - 40) : start])][
        -2:
    ]
    for w in before:
        f["before:" + w] = 1.0
    n = len(words)
    f[f"len:{min(n, 8)}"] = 1.0
    f["loglen"] = math.log1p(n) / 3
    phrase = text.strip().lower()
    if phrase:
        reps = doc.text.lower().count(phrase)
        f["phrase_rep"] = min(1.0, math.log(max(reps, 1)) / 2)
    if words:
        f["word_rep"] = min(1.0, max(math.log(counts.get(w, 1)) for w in words) / 3)
    if "?" in doc.text[end : end + 2] or "?" in text:
        f["question"] = 1.0
    if "!" in text or "!" in doc.text[end : end + 2]:
        f["exclaim"] = 1.0
    if doc.text[max(0, start - 1) : start] in "\"“'‘" and start > 0:
        f["quoted"] = 1.0
    if text[:1].isupper():
        f["cap"] = 1.0
    return f


def sentence_index_at(doc: Document, offset: int) -> int:
    for i, s in enumerate(doc.sentences):
        if s.start <= offset < s.end:
            return i
    best = (
        min(range(len(doc.sentences)), key=lambda i: abs(doc.sentences[i].start - offset))
        if doc.sentences
        else 0
    )
    return best


def span_matrix(
    doc: Document, spans: list[tuple[int, int]], own_vectors: np.ndarray | None = None
) -> sparse.csr_matrix:
    """Rows for the span classifier: hashed span features + the sentence vector of the span
    (+ the span's own vector, `embeddings.span_vectors`, for models trained with it)."""
    counts = _word_counts(doc)
    hashed = _span_hasher.dicts([span_feature_dict(doc, s, e, counts) for s, e in spans])
    vectors = sentence_vectors(doc)
    blocks = [hashed]
    if len(spans) == 0:
        blocks.append(sparse.csr_matrix((0, vectors.shape[1])))
    else:
        rows = (
            vectors[[sentence_index_at(doc, s) for s, _ in spans]]
            if len(vectors)
            else np.zeros((len(spans), vectors.shape[1]), np.float32)
        )
        blocks.append(sparse.csr_matrix(rows))
    if own_vectors is not None:
        blocks.append(sparse.csr_matrix(own_vectors.reshape(len(spans), -1)))
    return sparse.hstack(blocks).tocsr()


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def decode_runs(
    toks: list[Token], probs: np.ndarray, threshold: float, extend_to: float | None = None
) -> list[tuple[int, int, float]]:
    """Runs of tokens scoring at least `threshold` within one sentence -> (start, end, mean score).

    With `extend_to` (below `threshold`), a run also takes in the neighbouring tokens that score
    at least `extend_to`, so that a tagged phrase is not cut before its last word ("critical
    tipping" + "point"); only runs with a token at `threshold` or above are kept. Punctuation
    between two kept tokens is bridged; runs never start or end on punctuation.
    """
    low = threshold if extend_to is None else min(extend_to, threshold)
    spans: list[tuple[int, int, float]] = []
    run: list[int] = []

    def close() -> None:
        while run and not toks[run[-1]].text[0].isalnum():
            run.pop()
        while run and not toks[run[0]].text[0].isalnum():
            run.pop(0)
        if run and float(np.max(probs[run])) >= threshold:
            # the score of the run's tokens; the span never half a hyphenated word
            first = (_joined(toks, run[0], -1) or run)[0]
            last = (_joined(toks, run[-1], 1) or run)[-1]
            spans.append((toks[first].start, toks[last].end, float(np.mean(probs[run]))))
        run.clear()

    for i, t in enumerate(toks):
        if run and t.sentence != toks[run[-1]].sentence:
            close()
        if (
            probs[i] >= low
            or run
            and not t.text[0].isalnum()
            and i + 1 < len(toks)
            and probs[i + 1] >= low
            and toks[i + 1].sentence == t.sentence
        ):
            run.append(i)
        else:
            close()
    close()
    return spans


HYPHENS = frozenset("-‐‑")


def _joined(toks: list[Token], i: int, step: int) -> list[int]:
    """Indices of the tokens hyphen-joined to token `i` on one side (`step` -1: before it,
    1: after it) with no space between them, in text order."""
    out: list[int] = []
    while 0 <= i + 2 * step < len(toks):
        hyphen, word = toks[i + step], toks[i + 2 * step]
        left, right = (toks[i], word) if step > 0 else (word, toks[i])
        if not (
            hyphen.text in HYPHENS
            and word.text[0].isalnum()
            and word.sentence == toks[i].sentence
            and left.end == hyphen.start
            and hyphen.end == right.start
        ):
            break
        out.extend([i + step, i + 2 * step])
        i += 2 * step
    return sorted(out)


def has_content_word(text: str) -> bool:
    """Whether a span has a word that can carry a technique (not only stop words or numbers)."""
    return any(
        len(w) > 2 and w.isalpha() and w not in stopwords.english()
        for w in text_features.words(text)
    )


# --- the model -----------------------------------------------------------------------------


class SparseLinear:
    """A linear model over hashed + dense columns, stored with only its non-zero hashed weights."""

    def __init__(self, coef: np.ndarray | sparse.spmatrix, intercept: np.ndarray) -> None:
        self.coef = sparse.csr_matrix(coef, dtype=np.float32)  # (k, n_features)
        self.intercept = np.asarray(intercept, dtype=np.float32)

    def decision(self, x: sparse.spmatrix) -> np.ndarray:
        return np.asarray((x @ self.coef.T).todense()) + self.intercept

    def save(self, path: Path) -> None:
        c = self.coef.tocoo()
        np.savez_compressed(
            path,
            rows=c.row.astype(np.int32),
            cols=c.col.astype(np.int32),
            values=c.data.astype(np.float16),
            shape=np.asarray(c.shape),
            intercept=self.intercept,
        )

    @classmethod
    def load(cls, path: Path) -> SparseLinear:
        z = np.load(path)
        coef = sparse.coo_matrix(
            (z["values"].astype(np.float32), (z["rows"], z["cols"])), shape=tuple(z["shape"])
        )
        return cls(coef, z["intercept"])


def with_neighbours(states: np.ndarray, context: int) -> np.ndarray:
    """(n, (2 * context + 1) * d): each row's states beside those of the `context` rows before
    and after it, zeros past either end; rows are a document's words in reading order."""
    if context <= 0:
        return states
    n, d = states.shape
    padded = np.zeros((n + 2 * context, d), states.dtype)
    padded[context : context + n] = states
    return np.hstack([padded[k : k + n] for k in range(2 * context + 1)])


@dataclass
class TokenProbe:
    """A linear probe over a word's contextual backbone states (standardised): the tagger
    reads its score as one column, so the hashed word windows learn how far to trust it.
    Fitted on dense states alone, it is cheap to train where the sparse tagger over 384 dense
    columns is not. With `context`, it also reads the states of that many words on each side
    (whether a word is inside a span depends on its neighbours)."""

    mean: np.ndarray  # (d,)
    scale: np.ndarray  # (d,): 1 / standard deviation
    coef: np.ndarray  # ((2 * context + 1) * d,)
    intercept: float
    context: int = 0

    def scores(self, states: np.ndarray) -> np.ndarray:
        """(n,) log-odds of "inside a technique span" for a document's (n, d) word states."""
        standard = ((states - self.mean) * self.scale).astype(np.float32)
        return with_neighbours(standard, self.context) @ self.coef + self.intercept

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            coef=self.coef.astype(np.float32),
            intercept=np.float32(self.intercept),
            context=np.int32(self.context),
        )

    @classmethod
    def load(cls, path: Path) -> TokenProbe:
        z = np.load(path)
        context = int(z["context"]) if "context" in z.files else 0
        return cls(z["mean"], z["scale"], z["coef"], float(z["intercept"]), context)


def tagger_matrix(
    doc: Document,
    toks: list[Token],
    any_scores: np.ndarray,
    probe: TokenProbe | None = None,
    encoder: Encoder | None = None,
) -> sparse.csr_matrix:
    """The tagger's rows: hashed word windows, the sentence's 'any technique' score and, with a
    probe, its score of each word's backbone states (from the `embeddings` pass when it kept
    them, else encoded now with `encoder`)."""
    hashed = hash_features(token_feature_dicts(doc, toks))
    dense = [np.asarray([[any_scores[t.sentence]] for t in toks], np.float32).reshape(-1, 1)]
    if probe is not None:
        states = word_states(doc, [(t.start, t.end, t.sentence) for t in toks], encoder)
        dense.append(probe.scores(states).reshape(-1, 1).astype(np.float32))
    return sparse.hstack([hashed, sparse.csr_matrix(np.hstack(dense))]).tocsr()


@dataclass
class ParagraphWords:
    """Word heads over a paragraph's own text, mixed into its sentence-head score.

    The sentence head reads 384-dimensional sentence vectors, in which the few words that mark a
    technique ("traitors", "act now") are diluted; a class-balanced TF-IDF model of the
    paragraph's words scored better than the sentence head on PTC paragraphs. A paragraph's
    score for a technique is `(1 - weight) * sentence score + weight * word score`, with its own
    calibrated thresholds (the sentence thresholds stay for the whole-sentence spans)."""

    terms: TermWeights
    coef: np.ndarray  # (n_techniques, n_terms)
    intercept: np.ndarray
    weight: float
    thresholds: np.ndarray  # the shipped calibration
    stored: dict[str, np.ndarray]  # thresholds under each calibration, for evaluation

    @classmethod
    def load(cls, path: Path, calibration: str) -> ParagraphWords | None:
        if not path.is_file():
            return None  # models trained before the word heads
        z = np.load(path)
        stored = {
            k.removeprefix("thresholds_"): z[k] for k in z.files if k.startswith("thresholds_")
        }
        return cls(
            TermWeights(z["terms"], z["idf"]),
            z["coef"].astype(np.float32),
            z["intercept"].astype(np.float32),
            float(z["weight"]),
            stored[calibration].astype(np.float32),
            stored,
        )

    def scores(self, text: str) -> np.ndarray:
        idx, values = self.terms.transform(text)
        return _sigmoid(self.coef[:, idx] @ values.astype(np.float32) + self.intercept)

    def mix(self, sentence_best: np.ndarray, text: str) -> np.ndarray:
        return (1.0 - self.weight) * sentence_best + self.weight * self.scores(text)


def label_paragraphs(
    doc: Document,
    scores: np.ndarray,
    labels: list[str],
    thresholds: np.ndarray,
    words: ParagraphWords | None,
    max_labels: int,
) -> list[ParagraphTechniques]:
    """Each paragraph's techniques: its best sentence's scores (mixed with the paragraph's word
    heads when the model has them), at most `max_labels` above their thresholds."""
    n = len(labels)
    if words is not None:
        thresholds = words.thresholds
    out = []
    for p in doc.paragraphs:
        rows = [i for i, s in enumerate(doc.sentences) if s.paragraph == p.index]
        best = scores[rows, :n].max(axis=0) if rows else np.zeros(n)
        if rows and words is not None:
            best = words.mix(best, doc.text[p.start : p.end])
        chosen = [k for k in np.argsort(-best) if best[k] >= thresholds[k]][:max_labels]
        out.append(
            ParagraphTechniques(
                paragraph=p.index,
                start=p.start,
                end=p.end,
                labels=[
                    LabelScore(label=labels[k], score=round(float(best[k]), 4)) for k in chosen
                ],
            )
        )
    return out


class TechniqueModel:
    """The three heads of a trained model directory, and span decoding."""

    def __init__(self, model_dir: str | Path | None = None, encoder: Encoder | None = None) -> None:
        """The package at `model_dir` (None: the shipped one), checked against `encoder`."""
        package = load_package(model_dir, "techniques", encoder)
        path = self.path = package.path
        self.config = package.config
        self.labels: list[str] = self.config["sentence_labels"]
        z = np.load(path / "sentence.npz")
        self.sent_w = z["coef"].astype(np.float32)
        self.sent_b = z["intercept"].astype(np.float32)
        self.thresholds = z["thresholds"].astype(np.float32)
        self.tagger = SparseLinear.load(path / "tagger.npz")
        # the tagger also reads a probe of each word's backbone states (None: models before it)
        probe = path / "token_probe.npz"
        self.probe = TokenProbe.load(probe) if probe.is_file() else None
        self.tag_threshold = float(self.config["tag_threshold"])
        # runs extend to neighbours scoring at least this (None: models trained before it)
        extend = self.config.get("tag_extend_threshold")
        self.tag_extend = None if extend is None else float(extend)
        self.classifier = SparseLinear.load(path / "classifier.npz")
        # the classifier also reads each span's own vector (token states pooled over it)
        self.span_vectors = bool(self.config.get("span_vectors", False))
        self.encoder = encoder
        self.classes: list[str] = self.config["span_classes"]
        self.sentence_span_labels = set(self.config.get("sentence_span_labels", []))
        self.sentence_span_margin = float(self.config.get("sentence_span_margin", 0.0))
        # at most this many labels per paragraph, the best-scoring ones above their thresholds
        self.max_labels = int(self.config.get("max_paragraph_labels", 3))
        # "paragraph_labels": every paragraph label without a tagged span gets its best sentence;
        # "own_labels": only techniques learned from the project's examples get sentence spans
        self.evidence = str(self.config.get("evidence_spans", "own_labels"))
        self.words = ParagraphWords.load(
            path / "paragraph_words.npz", str(self.config.get("calibration", "f1"))
        )

    # sentence head
    def sentence_scores(self, doc: Document) -> np.ndarray:
        """(n_sentences, n_labels) probabilities; the last label is 'any technique'."""
        x = sentence_features(doc)
        return _sigmoid(x @ self.sent_w.T + self.sent_b)

    # token tagger
    def token_scores(self, doc: Document, toks: list[Token], any_scores: np.ndarray) -> np.ndarray:
        if not toks:
            return np.zeros(0)
        x = tagger_matrix(doc, toks, any_scores, self.probe, self.encoder)
        return _sigmoid(self.tagger.decision(x)[:, 0])

    def classify(self, doc: Document, spans: list[tuple[int, int]]) -> np.ndarray:
        """(n_spans, 14) PTC technique probabilities."""
        if not spans:
            return np.zeros((0, len(self.classes)))
        own = span_vectors(doc, spans, self.encoder) if self.span_vectors else None
        return _softmax(self.classifier.decision(span_matrix(doc, spans, own)))

    def candidate_spans(
        self, doc: Document, any_scores: np.ndarray
    ) -> list[tuple[int, int, float]]:
        """Tagged token runs that contain at least one content word."""
        toks = tokens(doc)
        runs = decode_runs(
            toks, self.token_scores(doc, toks, any_scores), self.tag_threshold, self.tag_extend
        )
        return [r for r in runs if has_content_word(doc.text[r[0] : r[1]])]

    def _evidence_spans(
        self,
        doc: Document,
        scores: np.ndarray,
        paragraphs: list[ParagraphTechniques],
        covered: set[tuple[int, str]],
    ) -> list[TechniqueSpan]:
        """For each paragraph label with no tagged span in that paragraph, its best sentence as evidence."""
        index = {name: k for k, name in enumerate(self.labels)}
        out = []
        for p in paragraphs:
            rows = [i for i, s in enumerate(doc.sentences) if s.paragraph == p.paragraph]
            for label in p.labels:
                if any((i, label.label) in covered for i in rows):
                    continue
                k = index[label.label]
                i = max(rows, key=lambda r: scores[r, k])
                s = doc.sentences[i]
                out.append(
                    TechniqueSpan(
                        start=s.start,
                        end=s.end,
                        text=doc.sentence_text(s),
                        technique=label.label,
                        score=round(float(scores[i, k]), 4),
                        paragraph=s.paragraph,
                    )
                )
        return out

    def predict(self, doc: Document) -> TechniqueLayer:
        layer = TechniqueLayer()
        if not doc.sentences:
            layer.paragraphs = [
                ParagraphTechniques(paragraph=p.index, start=p.start, end=p.end)
                for p in doc.paragraphs
            ]
            return layer
        scores = self.sentence_scores(doc)
        n = len(technique_names())
        any_scores = scores[:, n]
        layer.paragraphs = label_paragraphs(
            doc, scores, self.labels[:n], self.thresholds, self.words, self.max_labels
        )
        spans = self.candidate_spans(doc, any_scores)
        probs = self.classify(doc, [(s, e) for s, e, _ in spans])
        covered: set[tuple[int, str]] = set()
        for (start, end, tag_score), row in zip(spans, probs):
            k = int(np.argmax(row))
            name = ptc_to_2023(self.classes[k], doc.text[start:end])
            sentence = sentence_index_at(doc, start)
            covered.add((sentence, name))
            layer.spans.append(
                TechniqueSpan(
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    technique=name,
                    score=round(tag_score * float(row[k]), 4),
                    paragraph=doc.sentences[sentence].paragraph,
                )
            )
        if self.evidence == "paragraph_labels":
            layer.spans += self._evidence_spans(doc, scores, layer.paragraphs, covered)
        else:
            for i, s in enumerate(doc.sentences):
                for k, name in enumerate(self.labels[:n]):
                    if (
                        name in self.sentence_span_labels
                        and (i, name) not in covered
                        and scores[i, k] >= self.thresholds[k] + self.sentence_span_margin
                    ):
                        layer.spans.append(
                            TechniqueSpan(
                                start=s.start,
                                end=s.end,
                                text=doc.sentence_text(s),
                                technique=name,
                                score=round(float(scores[i, k]), 4),
                                paragraph=s.paragraph,
                            )
                        )
        layer.spans.sort(key=lambda sp: (sp.start, sp.end, sp.technique))
        return layer


class Techniques(Analyzer):
    name = "techniques"
    requires = (contracts.SENTENCES, contracts.PARAGRAPHS, contracts.SENTENCE_VECTORS)
    produces = (contracts.TECHNIQUES,)
    uses_encoder = True

    def __init__(self, model: str = "", *, encoder: Encoder) -> None:
        self.model = TechniqueModel(model or None, encoder)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.techniques = self.model.predict(doc)

    def classify_spans(self, doc: Document, spans: list[tuple[int, int]]) -> list[str]:
        """PTC-2020 technique names (14 labels) for given spans: the technique-classification task."""
        probs = self.model.classify(doc, spans)
        return [self.model.classes[int(k)] for k in np.argmax(probs, axis=1)] if len(spans) else []
