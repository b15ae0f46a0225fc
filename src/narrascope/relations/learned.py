"""The learned relation extractor: linear heads over pair features and the sentence vector.

For every candidate pair (pairs.py) one logistic head per relation type gives the probability
that the sentence states that relation from the pair's source to its target; a relation is kept
above the type's threshold (chosen by cross-validation on the training articles). A second,
multinomial head picks the modality; the attribution is the speaker the modality rules find on
the dependency path. Weights are plain numpy arrays, so inference needs no training library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from narrascope.document import RELATION_TYPES, Document, Relation, Span
from narrascope.encoders import Encoder, EncoderIdentity
from narrascope.models import load_package
from narrascope.relations import modality as modality_rules
from narrascope.relations.mentions import Mentions
from narrascope.relations.modality_cues import cue_features
from narrascope.relations.pairs import Pair, PairBuilder

TYPES = RELATION_TYPES
SYMMETRIC = frozenset({"negotiates", "military_cooperation"})
OBJECT_TYPES = frozenset({"supplies_weapons", "attacks", "threatens", "negotiates"})
PRONOUN_SPEAKERS = frozenset({"he", "she", "they", "it"})
FIRST_PERSON = frozenset({"i", "we"})


# pair features that speak to modality; the others (who the actors are, the path) do not, and
# with them the head fit the training folds' pairs rather than their modality (see relations.md)
MODALITY_PAIR_FEATURES = (
    "cue=",
    "title",
    "speech_verb",
    "demand_verb",
    "deny_verb",
    "doubt_verb",
    "plan_verb",
    "top_speech",
    "rule_mod=",
)


def modality_features(pair: Pair, builder: PairBuilder, type_: str) -> dict[str, float]:
    """The relation type, what the modality rules read off the parse, the cue words around the
    trigger and the pair features that bear on modality."""
    lo, hi = builder.sentence_range(pair.sentence)
    f = {k: v for k, v in pair.features.items() if k.startswith(MODALITY_PAIR_FEATURES)}
    f.update(cue_features(pair.trigger, lo, hi))
    f.update(rule_reading(pair, builder, type_))
    return f


def rule_reading(pair: Pair, builder: PairBuilder, type_: str) -> dict[str, float]:
    """The relation type and the modality (and speaker) the rules read off the parse."""
    lo, hi = builder.sentence_range(pair.sentence)
    ctx = modality_rules.analyse(pair.trigger, lo, hi)
    f: dict[str, float] = {"type=" + type_: 1, "ctx=" + ctx.modality: 1}
    f[f"ctx_type={ctx.modality}|{type_}"] = 1
    if ctx.attribution:
        f["ctx_speaker"] = 1
    return f


def vectorise(
    rows: list[dict[str, float]], vocab: dict[str, int], dtype: Any = np.float32
) -> tuple[np.ndarray, ...]:
    """Sparse rows as (row index, column index, value) arrays over a fixed vocabulary."""
    r, c, v = [], [], []
    for i, row in enumerate(rows):
        for name, value in row.items():
            j = vocab.get(name)
            if j is not None:
                r.append(i)
                c.append(j)
                v.append(value)
    return np.asarray(r, np.int64), np.asarray(c, np.int64), np.asarray(v, dtype)


def sparse_dot(rows: list[dict[str, float]], vocab: dict[str, int], coef: np.ndarray) -> np.ndarray:
    """(n_rows, n_outputs) = rows @ coef.T without a sparse-matrix library."""
    r, c, v = vectorise(rows, vocab)
    out = np.zeros((len(rows), coef.shape[0]), np.float32)
    if len(r):
        np.add.at(out, r, (coef[:, c] * v).T)
    return out


class LearnedExtractor:
    """A trained relation model package (`weights.npz`, `meta.json`, `config.json`, `card.md`),
    checked against the pipeline's encoder: the type heads read its sentence vectors."""

    def __init__(self, folder: Path, encoder: Encoder | EncoderIdentity | None) -> None:
        package = load_package(folder, "relations", encoder)
        self.folder = package.path
        self.config = package.config
        with np.load(self.folder / "weights.npz", allow_pickle=False) as w:
            self.vocab = {name: i for i, name in enumerate(w["vocab"].tolist())}
            self.type_coef = w["type_coef"]
            self.type_dense = w["type_dense"]
            self.type_bias = w["type_bias"]
            self.thresholds = w["thresholds"]
            self.mod_coef = w["mod_coef"]
            self.mod_bias = w["mod_bias"]
        self.types = tuple(package.meta.labels)
        self.modalities = tuple(self.config["modalities"])
        # types whose rule output is kept as it is (high-precision overrides, chosen by CV)
        self.rule_types = frozenset(self.config.get("rule_types", []))

    def probabilities(self, pairs: list[Pair], vectors: np.ndarray | None) -> np.ndarray:
        logits = sparse_dot([p.features for p in pairs], self.vocab, self.type_coef)
        if vectors is not None and len(vectors) and self.type_dense.size:
            sent = vectors[[p.sentence for p in pairs]]
            logits += sent @ self.type_dense.T
        logits += self.type_bias
        return 1.0 / (1.0 + np.exp(-logits))

    def modality(self, rows: list[dict[str, float]]) -> list[str]:
        if not rows:
            return []
        logits = sparse_dot(rows, self.vocab, self.mod_coef) + self.mod_bias
        return [self.modalities[k] for k in logits.argmax(axis=1)]

    def extract(
        self,
        doc: Document,
        sdoc: Any,
        mentions: Mentions,
        rules: list[Relation],
        vectors: np.ndarray | None,
    ) -> list[Relation]:
        builder = PairBuilder(doc, sdoc, mentions, rules)
        pairs = builder.pairs()
        found = (
            decide(self, builder, pairs, self.probabilities(pairs, vectors), rules) if pairs else []
        )
        return with_rules(found, rules, self.rule_types)


def with_rules(
    found: list[Relation], rules: list[Relation], types: frozenset[str]
) -> list[Relation]:
    """The learned relations plus the rule relations of `types` they do not already hold."""
    if not types:
        return found
    have = {(r.start, r.source, r.type, r.target) for r in found}
    if any(r.type in SYMMETRIC for r in found):
        have |= {(r.start, r.target, r.type, r.source) for r in found if r.type in SYMMETRIC}
    extra = [
        r for r in rules if r.type in types and (r.start, r.source, r.type, r.target) not in have
    ]
    return sorted(found + extra, key=lambda r: (r.start, r.source, r.type, r.target))


def decide(
    model: LearnedExtractor,
    builder: PairBuilder,
    pairs: list[Pair],
    probs: np.ndarray,
    rules: list[Relation],
    thresholds: np.ndarray | None = None,
) -> list[Relation]:
    """Relations above threshold: one per sentence and triple, symmetric types once per pair."""
    limits = model.thresholds if thresholds is None else thresholds
    chosen: dict[tuple[int, str, str, str], tuple[float, Pair]] = {}
    for k, pair in enumerate(pairs):
        for t, type_ in enumerate(model.types):
            if (type_ == "violates") != pair.instrument or probs[k, t] < limits[t]:
                continue
            source, target = pair.source, pair.target
            if type_ in SYMMETRIC:
                first = min(pair.source_mentions[0].start, pair.target_mentions[0].start)
                if first != pair.source_mentions[0].start:
                    source, target = target, source
            key = (pair.sentence, source, type_, target)
            if key not in chosen or chosen[key][0] < probs[k, t]:
                chosen[key] = (float(probs[k, t]), pair)
    keys = sorted(chosen)
    rows = [modality_features(chosen[k][1], builder, k[2]) for k in keys]
    modalities = model.modality(rows)
    rule_objects = {(builder.index.of(r.start), r.source, r.type, r.target): r for r in rules}
    out = []
    for key, modality in zip(keys, modalities):
        sentence, source, type_, target = key
        confidence, pair = chosen[key]
        start, end = builder.doc.sentences[sentence].start, builder.doc.sentences[sentence].end
        rule = rule_objects.get(key)
        out.append(
            Relation(
                source=source,
                type=type_,
                target=target,
                object=_object(builder, sentence, type_, rule),
                modality=modality,  # type: ignore[arg-type]
                attribution=_attribution(builder, pair, modality, type_, source),
                start=start,
                end=end,
                sentence=builder.doc.text[start:end],
                confidence=round(confidence, 3),
                trigger=_span(pair.trigger),
            )
        )
    return out


def _span(tok: Any) -> Span | None:
    if tok is None:
        return None
    return Span(start=tok.idx, end=tok.idx + len(tok.text), text=tok.text)


def _object(builder: PairBuilder, sentence: int, type_: str, rule: Relation | None) -> str:
    if rule is not None and rule.object:
        return rule.object
    if type_ not in OBJECT_TYPES:
        return ""
    found: list[str] = []
    for w in builder.mentions.weapons:
        if builder.index.of(w.start) == sentence and w.text not in found:
            found.append(w.text)
    return "; ".join(found[:3])


def _attribution(builder: PairBuilder, pair: Pair, modality: str, type_: str, source: str) -> str:
    if modality == "asserted":
        return ""
    lo, hi = builder.sentence_range(pair.sentence)
    ctx = modality_rules.analyse(pair.trigger, lo, hi)
    speaker = ctx.attribution
    if speaker.lower() in FIRST_PERSON:
        return ""
    if speaker.lower() in PRONOUN_SPEAKERS and ctx.speaker is not None:
        people = [
            e for e in builder.doc.entities if e.label == "PERSON" and e.end <= ctx.speaker.idx
        ]
        speaker = people[-1].entity if people else speaker
    return speaker
