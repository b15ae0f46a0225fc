"""Check-worthy claims: sentences stating facts someone could verify, told apart from opinion and calls to action.

A sentence is a candidate when it carries verifiable content: a relation between actors, named
actors, numbers, dates or quantities, a reporting construction. It is a call to action when it
asks for something ('should', 'must', 'it is time to', an imperative), an opinion when the
author evaluates or speaks in the first person, and a factual claim otherwise. Modality and
attribution come from the same rules as the relations.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from narrascope.document import Claim, Document, Relation
from narrascope.relations import modality as modality_rules

CALL_WORDS = frozenset({"should", "must", "ought"})
FIRST_PERSON = frozenset({"i", "we", "our", "us", "my", "me", "ourselves"})
EVALUATIVE = frozenset(
    [
        "alarming",
        "disturbing",
        "troubling",
        "irrefutable",
        "blatant",
        "outrageous",
        "shameful",
        "ridiculous",
        "absurd",
        "disgraceful",
        "terrible",
        "horrific",
        "heroic",
        "brave",
        "cowardly",
        "reckless",
        "deplorable",
        "appalling",
        "disastrous",
        "catastrophic",
        "shocking",
        "scandalous",
        "hypocritical",
        "cynical",
        "naive",
        "foolish",
        "stupid",
        "insane",
        "criminal",
        "evil",
        "barbaric",
        "brutal",
        "rightly",
        "rightfully",
        "wrongly",
        "sadly",
        "unfortunately",
        "clearly",
        "obviously",
        "undoubtedly",
        "surely",
        "arguably",
        "regrettably",
        "tragically",
        "desperate",
        "shadowy",
        "sinister",
        "dangerous",
        "irresponsible",
        "unacceptable",
        "laughable",
        "pathetic",
        "admirable",
        "courageous",
        "remarkable",
    ]
)
FACT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"})
NAMED_ENTS = frozenset({"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC", "EVENT", "LAW"})


def classify(tokens: list[Any]) -> str:
    """factual | opinion | call_to_action for one sentence's tokens."""
    words = [t.lower_ for t in tokens]
    if any(t.lower_ in CALL_WORDS and t.dep_ == "aux" for t in tokens):
        return "call_to_action"
    text = " ".join(words)
    if (
        "time to" in text
        or "time for" in text
        or "need to" in text
        or "needs to" in text
        or words[:2] == ["let", "us"]
    ):
        return "call_to_action"
    first = next((t for t in tokens if not t.is_punct), None)
    if (
        first is not None
        and first.dep_ == "ROOT"
        and first.tag_ == "VB"
        and not any(c.dep_ == "nsubj" for c in first.children)
    ):
        return "call_to_action"
    if (
        FIRST_PERSON & set(words)
        or EVALUATIVE & set(words)
        or "!" in words
        or (words and words[-1] == "?")
    ):
        return "opinion"
    return "factual"


def check_worthiness(tokens: list[Any], relations: list[Relation], actors: int) -> float:
    labels = {t.ent_type_ for t in tokens if t.ent_type_}
    score = 0.0
    if relations:
        score += 0.35
    if labels & FACT_ENTS or any(t.like_num for t in tokens):
        score += 0.2
    if actors or labels & NAMED_ENTS:
        score += 0.15
    if actors >= 2:
        score += 0.1
    if any(t.tag_ in ("VBD", "VBN") for t in tokens):
        score += 0.1
    if any(t.lower_ in ("said", "according", "confirmed", "reported", "announced") for t in tokens):
        score += 0.1
    return round(min(score, 1.0), 2)


def find_claims(doc: Document, parsed: Any, threshold: float = 0.4) -> list[Claim]:
    by_sentence: dict[int, list[Any]] = {}
    starts = [s.start for s in doc.sentences]
    for tok in parsed:
        i = bisect_right(starts, tok.idx) - 1
        if i >= 0 and tok.idx < doc.sentences[i].end:
            by_sentence.setdefault(i, []).append(tok)
    relations_at: dict[int, list[Any]] = {}
    for relation in doc.relations:
        relations_at.setdefault(relation.start, []).append(relation)
    actor_mentions = sorted(doc.actors, key=lambda a: a.start)
    actor_starts = [a.start for a in actor_mentions]
    claims: list[Claim] = []
    for i, sentence in enumerate(doc.sentences):
        tokens = by_sentence.get(i, [])
        if len(tokens) < 4:
            continue
        relations = relations_at.get(sentence.start, [])
        inside = actor_mentions[
            bisect_left(actor_starts, sentence.start) : bisect_left(actor_starts, sentence.end)
        ]
        actors = len({a.actor for a in inside})
        score = check_worthiness(tokens, relations, actors)
        kind = classify(tokens)
        # opinions and calls to action are listed when they are about someone (a named actor or
        # entity), factual sentences only when they carry enough checkable content
        if score < (threshold if kind == "factual" else min(threshold, 0.15)):
            continue
        if relations:
            best = max(relations, key=lambda r: r.confidence)
            modality, attribution = best.modality, best.attribution
        else:
            root = next((t for t in tokens if t.dep_ == "ROOT"), tokens[0])
            ctx = modality_rules.analyse(root, tokens[0].i, tokens[-1].i + 1)
            modality, attribution = ctx.modality, ctx.attribution
        if kind == "call_to_action":
            modality = "called_for"
        claims.append(
            Claim(
                start=sentence.start,
                end=sentence.end,
                text=doc.text[sentence.start : sentence.end],
                kind=kind,
                modality=modality,
                attribution=attribution,
                score=score,
            )
        )
    return claims
