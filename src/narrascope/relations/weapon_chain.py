"""Weapon supply read across adjacent sentences: a weapon's maker or owner, and its user.

The guideline records a weapon that the text shows was made or supplied by one state and used
by another as the maker supplying the user ("Iranian-made drones used by Russia"), and resolves
an implicit argument from the immediately preceding or following sentence when that sentence
names it unambiguously. Together they give a supply that no single sentence states: one sentence
names a state's weapon ("Iran's Shahed drones", "U.S.-made HIMARS", "the missiles were made in
North Korea"), the same or a neighbouring one has exactly one other actor deploying, launching,
firing, using or receiving the same kind of weapon, and the two are not at war with or
threatening each other there. The record rests on the sentence naming the maker and its weapon
(the object), the user being the implicit argument; its modality is the first, in the
guideline's order of checks, of the two sentences' modalities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from narrascope.document import Relation, Span
from narrascope.relations import modality as modality_rules
from narrascope.relations.lexicon import lemma_table
from narrascope.relations.mentions import PRONOUNS, Mention, Thing
from narrascope.relations.triggers import TriggerSpec

# the rule extractor (`extract.Extractor`) is passed in, not imported: it calls this module
Extractor = Any

# verbs whose subject uses (or takes delivery of) the weapon they govern
USE_FORMS = lemma_table(
    [
        "deploy",
        "use",
        "launch",
        "fire",
        "employ",
        "operate",
        "field",
        "receive",
        "acquire",
        "obtain",
        "buy",
        "purchase",
    ]
)
# "Iranian-made", "made in Iran", "U.S.-supplied": the modifier names the weapon's maker
MAKER_WORDS = frozenset(
    {"made", "manufactured", "built", "produced", "supplied", "delivered", "provided", "designed"}
)
MAKER_PREPS = frozenset({"by", "in"})
# named systems and the kind of weapon they are, so "Shaheds" and "kamikaze drones" meet
NAMED_KINDS = {
    "shahed": "drone",
    "geran": "drone",
    "lancet": "drone",
    "bayraktar": "drone",
    "mohajer": "drone",
    "uav": "drone",
    "himars": "rocket",
    "gmlrs": "rocket",
    "grad": "rocket",
    "atacms": "missile",
    "storm": "missile",
    "scalp": "missile",
    "taurus": "missile",
    "tomahawk": "missile",
    "iskander": "missile",
    "kinzhal": "missile",
    "kalibr": "missile",
    "fateh": "missile",
    "zolfaghar": "missile",
    "hwasong": "missile",
}
# words too general to tie two sentences' weapons together
GENERIC = frozenset(
    {
        "weapon",
        "weaponry",
        "arm",
        "arms",
        "armament",
        "munition",
        "ammunition",
        "aid",
        "assistance",
        "equipment",
        "hardware",
        "supplies",
        "component",
        "technology",
        "system",
        "capabilitie",
        "capability",
    }
)
HOSTILE = frozenset({"attacks", "threatens"})
AGREEMENT = TriggerSpec("supplies_weapons")


def kind(weapon: str) -> str:
    """A coarse kind of a weapon mention: 'Shahed drones' and 'kamikaze drones' are drones."""
    words = weapon.lower().replace("-", " ").split()
    if not words:
        return ""
    for word in words:
        for name, k in NAMED_KINDS.items():
            if word.startswith(name):
                return k
    last = words[-1]
    if last.endswith("ies"):
        last = last[:-3] + "y"
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return last


@dataclass
class Use:
    """A weapon mention tied to an actor: who owns or made it, or who uses it."""

    actor: Mention
    weapon: Thing
    sentence: int
    anchor: Any  # the token the modality rules start from


class WeaponChain:
    """Cross-sentence supplies of one document, from the rule extractor's parse and mentions."""

    def __init__(self, ex: Extractor, found: list[Relation]) -> None:
        self.ex = ex
        self.found = found
        self.attack_users: dict[tuple[int, str], list[Mention]] = {}
        for r in found:
            if r.type != "attacks" or not r.object:
                continue
            s = ex.sentences.of(r.start)
            for w in ex.mentions.weapons:
                if ex.token_sentence[w.token] == s and w.text in r.object.split("; "):
                    src = self._actor(r.source, s)
                    if src is not None:
                        self.attack_users.setdefault((s, w.text), []).append(src)

    def _actor(self, actor: str, sentence: int) -> Mention | None:
        for m in self.ex.mentions.actors:
            if m.actor == actor and not m.is_place and self.ex.sentences.of(m.start) == sentence:
                return m
        return None

    def owners(self, w: Thing) -> list[Mention]:
        """'Iran's Shahed drones', 'its drones', 'Iranian drones', 'Iranian-made drones', 'drones
        made in Iran', 'the drones were Iranian-made', 'the drones were made in Iran'."""
        ex, tok = self.ex, self.ex.sdoc[w.token]
        out: list[Mention] = []
        modifiers = list(tok.children)
        if tok.dep_ in ("nsubj", "nsubjpass"):
            verb = tok.head
            if verb.lower_ in MAKER_WORDS:
                modifiers.append(verb)
            modifiers += [c for c in verb.children if c.dep_ in ("acomp", "oprd", "attr")]
        for child in modifiers:
            m = None
            if child.dep_ == "poss":
                m = ex.mentions.by_token.get(child.i)
                if m is None and child.lower_ in PRONOUNS:
                    m = ex.coref(child)
            elif child.lower_ in MAKER_WORDS:
                for grand in child.children:
                    if grand.dep_ in ("prep", "agent") and grand.lower_ in MAKER_PREPS:
                        grand = next((p for p in grand.children if p.dep_ == "pobj"), grand)
                    g = ex.mentions.by_token.get(grand.i)
                    if g is not None and not g.is_place:
                        out.append(g)
            elif _names_maker(ex, child):
                m = ex.mentions.by_token.get(child.i)
            if m is not None and not m.is_place and m not in out:
                out.append(m)
        return out

    def users(self, w: Thing, sentence: int) -> list[tuple[Mention, Any]]:
        """Who deploys, launches, fires, uses or receives the weapon, with the verb."""
        ex = self.ex
        tok = ex.sdoc[w.token]
        steps = 0
        while tok.dep_ == "conj" and steps < 3:
            tok, steps = tok.head, steps + 1
        verb = None
        if tok.dep_ in ("dobj", "nsubjpass") and tok.head.lower_ in USE_FORMS:
            verb = tok.head
        elif tok.dep_ == "pobj" and tok.head.lower_ == "with" and tok.head.head.pos_ == "VERB":
            verb = tok.head.head
        out: list[tuple[Mention, Any]] = []
        if verb is not None:
            subjects, _ = ex.subject_tokens(verb)
            for subject in subjects:
                for m in ex.actors_of(subject, "source", AGREEMENT, sentence):
                    out.append((m, verb))
        for m in self.attack_users.get((sentence, w.text), []):
            out.append((m, tok))
        return out

    def hostile(self, a: str, b: str, sentences: set[int]) -> bool:
        """Whether the rules have the two at war or threatening each other around there."""
        return any(
            r.type in HOSTILE
            and {r.source, r.target} == {a, b}
            and self.ex.sentences.of(r.start) in sentences
            for r in self.found
        )

    def relations(self) -> list[Relation]:
        ex = self.ex
        by_sentence: dict[int, list[Thing]] = {}
        for w in ex.mentions.weapons:
            s = ex.token_sentence[w.token]
            if s >= 0 and kind(w.text) not in GENERIC:
                by_sentence.setdefault(s, []).append(w)
        have = {(r.start, r.source, r.type, r.target) for r in self.found}
        out: list[Relation] = []
        for s, weapons in sorted(by_sentence.items()):
            for w in weapons:
                for owner in self.owners(w):
                    rel = self._supply(s, w, owner, by_sentence)
                    if (
                        rel is not None
                        and (rel.start, rel.source, rel.type, rel.target) not in have
                    ):
                        have.add((rel.start, rel.source, rel.type, rel.target))
                        out.append(rel)
        return out

    def _supply(
        self, s: int, w: Thing, owner: Mention, by_sentence: dict[int, list[Thing]]
    ) -> Relation | None:
        """The owner's weapon used by exactly one other actor next door: a supply."""
        ex = self.ex
        # the owner using its own weapon is no supply
        if any(m.actor == owner.actor for m, _ in self.users(w, s)):
            return None
        users: dict[str, tuple[Use, int]] = {}
        for other in (s - 1, s, s + 1):
            for w2 in by_sentence.get(other, []):
                if kind(w2.text) != kind(w.text):
                    continue
                for m, anchor in self.users(w2, other):
                    if m.actor != owner.actor:
                        users.setdefault(m.actor, (Use(m, w2, other, anchor), other))
        if len(users) != 1:
            return None  # no user, or an ambiguous one
        ((user_id, (use, other)),) = users.items()
        if self.hostile(owner.actor, user_id, {s, other}):
            return None
        here = modality_rules.analyse(ex.sdoc[w.token], *ex.sentence_token_range(s))
        there = modality_rules.analyse(use.anchor, *ex.sentence_token_range(other))
        ctx = here
        for modality in modality_rules.MODALITY_ORDER:
            if here.modality == modality:
                break
            if there.modality == modality:
                ctx = there
                break
        start, end = ex.sentences.bounds[s]
        return Relation(
            source=owner.actor,
            type="supplies_weapons",
            target=user_id,
            object=w.text,
            modality=ctx.modality,
            attribution=ctx.attribution,
            start=start,
            end=end,
            sentence=ex.doc.text[start:end],
            confidence=0.5,
            trigger=Span(start=w.start, end=w.end, text=w.text),
        )


def _names_maker(ex: Extractor, tok: Any) -> bool:
    """'Iranian drones' (a demonym modifier), 'U.S.-made' (one token with its maker)."""
    if tok.lower_.split("-")[-1] in MAKER_WORDS:
        return True
    m = ex.mentions.by_token.get(tok.i)
    return tok.dep_ in ("amod", "compound") and m is not None and m.field == "demonyms"


def supplies(ex: Extractor, found: list[Relation]) -> list[Relation]:
    """Supplies across adjacent sentences that `found` (the sentence-level rules) lacks."""
    return WeaponChain(ex, found).relations()
