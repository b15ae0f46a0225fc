"""Candidate actor pairs of a parsed document and their features, for the learned extractor.

A candidate is an ordered pair of two different actors named in one sentence (cities and regions
count as the state they belong to, on the target side only), or an actor and a treaty or
resolution (for `violates`). Each pair gets sparse features read off the parse: which mentions
are nearest, the dependency path between them and the words on it, the trigger words of the
lexicon and where they sit, cue words of modality, and what the rule extractor says about the
same pair in the same sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from narrascope.document import Document, Relation
from narrascope.relations.extract import SentenceIndex
from narrascope.relations.mentions import Mention, Mentions, Thing
from narrascope.relations.triggers import (
    DEMAND_VERBS,
    DENY_VERBS,
    DOUBT_VERBS,
    NOUN_FORMS,
    NOUNS,
    PLAN_VERBS,
    SPEECH_VERBS,
    VERB_FORMS,
    VERBS,
)

INSTRUMENT = "instrument"
MODAL_CUES = {
    "could": "hypo",
    "might": "hypo",
    "would": "hypo",
    "may": "hypo",
    "if": "hypo",
    "possible": "hypo",
    "risk": "hypo",
    "should": "call",
    "must": "call",
    "urged": "call",
    "urge": "call",
    "called": "call",
    "calls": "call",
    "will": "plan",
    "plans": "plan",
    "plan": "plan",
    "planned": "plan",
    "pledged": "plan",
    "agreed": "plan",
    "not": "neg",
    "no": "neg",
    "never": "neg",
    "n't": "neg",
    "denied": "deny",
    "denies": "deny",
    "deny": "deny",
    "allegedly": "alleged",
    "alleged": "alleged",
    "accused": "alleged",
    "claims": "alleged",
    "claimed": "alleged",
    "reportedly": "reported",
    "according": "reported",
    "said": "said",
    "says": "said",
    "told": "said",
}


@dataclass
class Pair:
    """An ordered candidate: `source` acts on `target` in sentence `sentence`?"""

    sentence: int
    source: str
    target: str
    source_mentions: list[Mention]
    target_mentions: list[Any]  # Mention, or Thing for an instrument
    instrument: bool = False
    features: dict[str, float] = field(default_factory=dict)
    trigger: Any = None  # the token whose clause carries the relation, for modality rules


def _trigger_type(tok: Any) -> tuple[str, str]:
    word = tok.lower_
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        base = VERB_FORMS.get(word)
        if base is not None:
            return VERBS[base].type, base
    elif tok.pos_ in ("NOUN", "PROPN"):
        base = NOUN_FORMS.get(word)
        if base is not None and base in NOUNS:
            return NOUNS[base].type, base
    return "", ""


def _ancestors(tok: Any, lo: int, hi: int) -> list[Any]:
    chain = [tok]
    while chain[-1].head.i != chain[-1].i and lo <= chain[-1].head.i < hi and len(chain) < 30:
        chain.append(chain[-1].head)
    return chain


def dependency_path(a: Any, b: Any, lo: int, hi: int) -> tuple[list[Any], list[Any], Any]:
    """The tokens from `a` up to the lowest common ancestor and from there down to `b`."""
    up_a, up_b = _ancestors(a, lo, hi), _ancestors(b, lo, hi)
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, tok in enumerate(up_a):
        if tok.i in ids_b:
            return up_a[: k + 1], up_b[: ids_b[tok.i]], tok
    return up_a, up_b, None


def _nearest(sources: list[Any], targets: list[Any]) -> tuple[Any, Any]:
    best, pair = None, (sources[0], targets[0])
    for s in sources:
        for t in targets:
            gap = abs(s.start - t.start)
            if s.start != t.start and (best is None or gap < best):
                best, pair = gap, (s, t)
    return pair


class PairBuilder:
    """Candidates and features of one document (its spaCy parse and mentions)."""

    def __init__(
        self, doc: Document, sdoc: Any, mentions: Mentions, rules: list[Relation] | None = None
    ) -> None:
        self.doc, self.sdoc, self.mentions = doc, sdoc, mentions
        self.index = SentenceIndex(doc)
        self.ranges: dict[int, tuple[int, int]] = {}
        for tok in sdoc:
            s = self.index.of(tok.idx)
            if s >= 0:
                lo, hi = self.ranges.get(s, (tok.i, tok.i + 1))
                self.ranges[s] = (min(lo, tok.i), max(hi, tok.i + 1))
        self.rules: dict[tuple[int, str, str], list[Relation]] = {}
        for r in rules or []:
            s = self.index.of(r.start)
            self.rules.setdefault((s, r.source, r.target), []).append(r)

    def pairs(self) -> list[Pair]:
        by_sentence: dict[int, dict[str, list[Mention]]] = {}
        places: dict[int, dict[str, list[Mention]]] = {}
        for m in self.mentions.actors:
            s = self.index.of(m.start)
            if s < 0:
                continue
            table = places if m.is_place else by_sentence
            table.setdefault(s, {}).setdefault(m.actor, []).append(m)
        instruments: dict[int, dict[str, list[Thing]]] = {}
        for thing in self.mentions.instruments:
            s = self.index.of(thing.start)
            if s >= 0:
                instruments.setdefault(s, {}).setdefault(thing.key, []).append(thing)
        out: list[Pair] = []
        for s, actors in sorted(by_sentence.items()):
            targets = dict(actors)
            for actor, ms in places.get(s, {}).items():
                targets.setdefault(actor, ms)
            for a, ams in actors.items():
                for b, bms in targets.items():
                    if a != b:
                        out.append(self._pair(s, a, b, ams, bms, False, len(actors)))
                for key, things in instruments.get(s, {}).items():
                    out.append(self._pair(s, a, key, ams, things, True, len(actors)))
            # an implicit argument: one actor here, the other named only in the sentence before
            previous = {k: v for k, v in by_sentence.get(s - 1, {}).items() if k not in actors}
            if len(actors) == 1 and 0 < len(previous) <= 2:
                ((a, ams),) = actors.items()
                for b, bms in previous.items():
                    out.append(self._cross_pair(s, a, b, ams, bms, True, len(previous)))
                    out.append(self._cross_pair(s, b, a, bms, ams, False, len(previous)))
        return out

    def _cross_pair(
        self,
        s: int,
        source: str,
        target: str,
        sms: list[Mention],
        tms: list[Mention],
        source_here: bool,
        n_previous: int,
    ) -> Pair:
        """A pair whose `source` (or target) is named only in the sentence before `s`."""
        pair = Pair(s, source, target, sms, tms)
        here = sms[0] if source_here else tms[0]
        other = tms[0] if source_here else sms[0]
        tok = self.sdoc[here.token]
        lo, hi = self.ranges.get(s, (0, 0))
        where = "src_here" if source_here else "tgt_here"
        f: dict[str, float] = {"bias": 1.0, "cross": 1.0, "cross=" + where: 1.0}
        f[f"cross_field={where}|{here.field}"] = 1
        f[f"cross_other_field={other.field}"] = 1
        f[f"cross_dep={where}|{tok.dep_}"] = 1
        f[f"cross_head={where}|{tok.head.lower_}"] = 1
        f[f"cross_previous={n_previous}"] = 1
        f[f"actors={source}>{target}"] = 1
        trigger = None
        for i in range(lo, hi):
            type_, base = _trigger_type(self.sdoc[i])
            if type_:
                f["cross_trig=" + type_] = 1
                f[f"cross_trig_dir={type_}|{where}"] = 1
                f["cross_base=" + base] = 1
                trigger = trigger or self.sdoc[i]
            cue = MODAL_CUES.get(self.sdoc[i].lower_)
            if cue:
                f["cue=" + cue] = 1
        if any(self.index.of(w.start) == s for w in self.mentions.weapons):
            f["cross_weapon"] = 1
            f["cross_weapon=" + where] = 1
        pair.features = f
        pair.trigger = trigger or tok.head
        return pair

    def _pair(
        self,
        s: int,
        a: str,
        b: str,
        ams: list[Mention],
        bms: list[Any],
        instrument: bool,
        n_actors: int,
    ) -> Pair:
        pair = Pair(s, a, b, ams, bms, instrument)
        lo, hi = self.ranges.get(s, (0, 0))
        f: dict[str, float] = {"bias": 1.0}
        ma, mb = _nearest(ams, bms)
        ta, tb = self.sdoc[ma.token], self.sdoc[mb.token]
        kind_b = INSTRUMENT if instrument else getattr(mb, "kind", "")
        f["src_field=" + ma.field] = 1
        # who the two actors are: the news states some pairs' relations over and over (Russia
        # and Ukraine, Israel and Hamas); cross-validation gains 0.05 F1 with these
        f[f"actors={a}>{b}"] = 1
        f["src=" + a] = 1
        f["tgt=" + b] = 1
        f[f"kinds={ma.kind}>{kind_b}"] = 1
        f["src_kind=" + ma.kind] = 1
        f["tgt_kind=" + kind_b] = 1
        if not instrument:
            f["tgt_field=" + mb.field] = 1
        f["src_first" if ma.start < mb.start else "tgt_first"] = 1
        f[f"n_actors={min(n_actors, 4)}"] = 1
        f[f"src_mentions={min(len(ams), 3)}"] = 1
        f["src_dep=" + ta.dep_] = 1
        f["tgt_dep=" + tb.dep_] = 1
        f[f"src_dep_head={ta.dep_}|{ta.head.lower_}"] = 1
        f[f"tgt_dep_head={tb.dep_}|{tb.head.lower_}"] = 1
        f["src_head=" + ta.head.lower_] = 1
        f["tgt_head=" + tb.head.lower_] = 1
        if ta.dep_ == "poss":
            f["src_poss_of=" + ta.head.lower_] = 1
        if ta.dep_ in ("amod", "compound"):
            f["src_mod_of=" + ta.head.lower_] = 1
        # the dependency path between the two nearest mentions
        up, down, top = dependency_path(ta, tb, lo, hi)
        path_deps = [t.dep_ + "^" for t in up[:-1]] + [t.dep_ + "v" for t in reversed(down)]
        f["path=" + " ".join(path_deps[:6])] = 1
        f[f"path_len={min(len(path_deps), 8)}"] = 1
        trigger = None
        on_path = up[1:] + down[1:]
        for tok in on_path:
            f["pathw=" + tok.lower_] = 1
            type_, base = _trigger_type(tok)
            if type_:
                f["path_trig=" + type_] = 1
                f["path_base=" + base] = 1
                if trigger is None:
                    trigger = tok
        if trigger is not None:
            # which slot of the nearest trigger each actor fills, by the trigger's type
            type_, base = _trigger_type(trigger)
            f[f"slots={type_}|{ta.dep_}|{tb.dep_}"] = 1
            f[f"slot_src={type_}|{ta.dep_}"] = 1
            f[f"slot_tgt={type_}|{tb.dep_}"] = 1
            f[f"trig_order={type_}|{'src_first' if ta.i < tb.i else 'tgt_first'}"] = 1
        if top is not None:
            f["top=" + top.lower_] = 1
            f["top_pos=" + top.pos_] = 1
            type_, base = _trigger_type(top)
            if type_:
                f["top_trig=" + type_] = 1
            if top.lower_ in SPEECH_VERBS:
                f["top_speech"] = 1
        pair.trigger = trigger or top or ta.head
        # words and triggers between and around the mentions
        first, last = sorted((ta.i, tb.i))
        for i in range(first + 1, last):
            f["btw=" + self.sdoc[i].lower_] = 0.5
        f[f"gap={min((last - first) // 4, 6)}"] = 1
        for i in range(lo, hi):
            tok = self.sdoc[i]
            type_, base = _trigger_type(tok)
            if type_:
                where = "btw" if first < i < last else ("before" if i < first else "after")
                f["trig=" + type_] = 1
                f[f"trig_{where}={type_}"] = 1
                f["base=" + base] = 1
            low = tok.lower_
            cue = MODAL_CUES.get(low)
            if cue:
                f["cue=" + cue] = 1
            if low in DEMAND_VERBS:
                f["demand_verb"] = 1
            if low in DENY_VERBS:
                f["deny_verb"] = 1
            if low in DOUBT_VERBS:
                f["doubt_verb"] = 1
            if low in PLAN_VERBS:
                f["plan_verb"] = 1
            if low in SPEECH_VERBS:
                f["speech_verb"] = 1
        if any(self.index.of(w.start) == s for w in self.mentions.weapons):
            f["weapon_in_sentence"] = 1
        if s == 0:
            f["title"] = 1
        # the rule extractor on the same pair
        for r in self.rules.get((s, a, b), []):
            f["rule=" + r.type] = 1
            f["rule_mod=" + r.modality] = 1
        for r in self.rules.get((s, b, a), []):
            f["rule_rev=" + r.type] = 1
        pair.features = f
        return pair

    def sentence_range(self, s: int) -> tuple[int, int]:
        return self.ranges.get(s, (0, 0))
