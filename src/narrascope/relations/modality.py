"""Modality and attribution of a relation, read off the dependency path above its trigger.

The checks run in the order the specification fixes: denied, called_for, hypothetical,
planned, alleged, reported, asserted. Attribution is the speaker of the nearest reporting
construction above the trigger ('X said ...', 'according to X', 'as confirmed by X').
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from narrascope.document import Modality
from narrascope.relations.triggers import (
    DEMAND_VERBS,
    DENY_VERBS,
    DOUBT_VERBS,
    HEDGE_VERBS,
    PLAN_VERBS,
    SPEECH_VERBS,
)

CALL_AUX = frozenset({"should", "must", "ought"})
HYPO_AUX = frozenset({"could", "might", "would", "may"})
PLAN_AUX = frozenset({"will", "shall", "'ll", "’ll"})
HYPO_MARK = frozenset({"if", "unless", "whether"})
HYPO_NOUNS = frozenset(
    {
        "risk",
        "possibility",
        "prospect",
        "fear",
        "fears",
        "danger",
        "likelihood",
        "chance",
        "scenario",
    }
)
DENY_NOUNS = frozenset({"refusal", "denial", "rejection"})
HYPO_ADV = frozenset({"potentially", "possibly", "perhaps", "maybe"})
PLAN_NOUNS = frozenset(
    {
        "plan",
        "plans",
        "negotiations",
        "negotiation",
        "talks",
        "deal",
        "offer",
        "pledge",
        "promise",
        "proposal",
        "intention",
        "agreement",
        "readiness",
    }
)
PLAN_MODS = frozenset({"planned", "upcoming", "proposed", "future", "promised", "pledged"})
ALLEGED_MODS = frozenset(
    {"allegedly", "alleged", "purportedly", "purported", "supposedly", "suspected", "reportedly"}
)
COMPLEMENT_DEPS = frozenset(
    {"ccomp", "xcomp", "dobj", "pcomp", "pobj", "prep", "advcl", "conj", "acl", "relcl", "attr"}
)
SPEECH_CHILD_DEPS = frozenset({"parataxis", "advcl", "ccomp"})
# what a verb of saying, denying or accusing governs as its content
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "pcomp", "prep", "pobj"})
_STRIP_LEADING = frozenset({"the", "a", "an", "its", "their", "his", "her", "some"})


# the modality a relation gets when several apply: the first in this order
MODALITY_ORDER: tuple[Modality, ...] = (
    "denied",
    "called_for",
    "hypothetical",
    "planned",
    "alleged",
    "reported",
)


@dataclass
class Context:
    modality: Modality = "asserted"
    attribution: str = ""
    speaker: Any = None  # the speaker's head token, if any


def phrase(tok: Any, max_tokens: int = 8) -> str:
    """A short readable noun phrase for a speaker: 'the White House spokesperson' -> 'White House spokesperson'."""
    left = tok.left_edge.i
    tokens = [t for t in tok.doc[left : tok.i + 1]]
    for child in tok.rights:
        if (
            child.dep_ in ("prep", "compound", "appos")
            and child.lower_ in ("of", "in", "at", "for", "from")
            and len(tokens) + len(list(child.subtree)) <= max_tokens
        ):
            tokens.extend(child.subtree)
        else:
            break
    while tokens and (tokens[0].lower_ in _STRIP_LEADING or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    if not tokens:
        return tok.text
    tokens = tokens[-max_tokens:]
    return tok.doc[tokens[0].i : tokens[-1].i + 1].text


def _speaker_of(verb: Any) -> Any:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ != "nsubjpass":
            return child
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    if verb.dep_ in ("advcl", "conj") and verb.head.i != verb.i:
        # "..., saying it ...": the participle's speaker is the main clause's subject
        return _speaker_of(verb.head)
    return None


def _according_to(sentence_tokens: list[Any]) -> Any:
    for tok in sentence_tokens:
        if tok.lower_ == "according":
            for to in tok.children:
                if to.lower_ == "to":
                    for pobj in to.children:
                        if pobj.dep_ == "pobj":
                            return pobj
    return None


def _aux(tok: Any) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}


def _inverted_should(verb: Any) -> bool:
    """'should X do ...' with the auxiliary before its subject opens a condition."""
    aux = [c for c in verb.children if c.dep_ == "aux" and c.lower_ == "should"]
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return bool(aux and subj and aux[0].i < subj[0].i)


def analyse(trigger: Any, lo: int, hi: int, light_verb: Any = None) -> Context:
    """Modality and attribution for the relation whose trigger is `trigger` (sentence tokens [lo, hi))."""
    flags: set[str] = set()
    speaker = None
    speaker_kind = ""
    own = [trigger] + ([light_verb] if light_verb is not None else [])
    for tok in own:
        children = list(tok.children)
        if any(c.dep_ == "neg" for c in children) or any(
            c.dep_ == "det" and c.lower_ == "no" for c in children
        ):
            flags.add("denied")
        aux = _aux(tok)
        if _inverted_should(tok):
            flags.add("hypothetical")  # "should China use force": a condition, not a request
        elif aux & CALL_AUX or {"need", "needs"} & {c.lower_ for c in children}:
            flags.add("called_for")
        if aux & HYPO_AUX:
            flags.add("hypothetical")
        if aux & PLAN_AUX:
            flags.add("planned")
        mods = {c.lower_ for c in children if c.dep_ in ("advmod", "amod", "mark")}
        if mods & HYPO_MARK or mods & HYPO_ADV:
            flags.add("hypothetical")
        if mods & PLAN_MODS:
            flags.add("planned")
        if mods & ALLEGED_MODS:
            flags.add("reported" if "reportedly" in mods else "alleged")

    # walk up the heads: reporting verbs, demands, plans, hedges, conditions
    prev, node = (light_verb or trigger), (light_verb or trigger).head
    steps = 0
    nominal = (
        False  # once the path runs through a noun phrase, only reporting and denial carry over
    )
    while node.i != prev.i and lo <= node.i < hi and steps < 12:
        steps += 1
        text = node.lower_
        via = prev.dep_
        near = steps <= 2 and not nominal
        if (
            near
            and via in ("acl", "xcomp", "dobj")
            and any(
                (c.dep_ == "det" and c.lower_ == "no") or c.dep_ == "neg" for c in node.children
            )
        ):
            flags.add("denied")  # "no plans to attack", "did not try to strike"
        if near and text in DENY_NOUNS and via in ("acl", "xcomp", "prep", "pobj"):
            flags.add("denied")  # "Kyiv's refusal to join NATO"
        if via in ("prep", "pobj", "nsubj", "nsubjpass") and steps > 1:
            nominal = True
        if via in COMPLEMENT_DEPS:
            if text in DENY_VERBS and via in CONTENT_DEPS:
                flags.add("denied")
                speaker, speaker_kind = speaker or _speaker_of(node), speaker_kind or "deny"
            elif text in DEMAND_VERBS and via in ("xcomp", "ccomp") and steps == 1:
                flags.add("called_for")
                speaker, speaker_kind = speaker or _speaker_of(node), speaker_kind or "demand"
            elif text in DOUBT_VERBS and via in CONTENT_DEPS:
                flags.add("alleged")
                speaker, speaker_kind = speaker or _speaker_of(node), speaker_kind or "doubt"
            elif text in SPEECH_VERBS and via in ("ccomp", "xcomp", "dobj", "conj", "parataxis"):
                speaker, speaker_kind = speaker or _speaker_of(node), speaker_kind or "speech"
            elif (
                text in PLAN_VERBS
                and via in ("xcomp", "ccomp", "dobj", "pobj", "prep", "pcomp")
                and steps <= 3
            ):
                flags.add("planned")
            elif text in HEDGE_VERBS and near:
                flags.add("hypothetical")
            if text in PLAN_NOUNS and node.pos_ == "NOUN" and steps <= 3:
                flags.add("planned")
            if text in HYPO_NOUNS and node.pos_ == "NOUN" and steps <= 3:
                flags.add("hypothetical")
        aux = _aux(node)
        if (
            node.pos_ in ("VERB", "AUX")
            and not nominal
            and via in ("ccomp", "xcomp", "advcl", "conj", "dobj", "prep", "pobj")
        ):
            if aux & CALL_AUX:
                flags.add("called_for")
            if aux & HYPO_AUX:
                flags.add("hypothetical")
        if not nominal and any(c.dep_ == "mark" and c.lower_ in HYPO_MARK for c in node.children):
            flags.add("hypothetical")
        # ", the Pentagon said" / "as confirmed by X" hanging off the path
        if speaker is None:
            for child in node.children:
                if (
                    child.dep_ in SPEECH_CHILD_DEPS
                    and child.i != prev.i
                    and child.lower_ in SPEECH_VERBS
                    and lo <= child.i < hi
                ):
                    speaker, speaker_kind = (
                        _speaker_of(child),
                        ("doubt" if child.lower_ in DOUBT_VERBS else "speech"),
                    )
                    break
        prev, node = node, node.head
    if speaker is None:
        for child in trigger.children:
            if child.dep_ in SPEECH_CHILD_DEPS and child.lower_ in SPEECH_VERBS:
                speaker, speaker_kind = (
                    _speaker_of(child),
                    ("doubt" if child.lower_ in DOUBT_VERBS else "speech"),
                )
                break
    if speaker is None:
        according = _according_to([trigger.doc[i] for i in range(lo, hi)])
        if according is not None:
            speaker, speaker_kind = according, "speech"
    if speaker_kind == "doubt":
        flags.add("alleged")
    elif speaker is not None:
        flags.add("reported")

    for modality in MODALITY_ORDER:
        if modality in flags:
            return Context(modality, phrase(speaker) if speaker is not None else "", speaker)
    return Context("asserted", "", None)
