"""Rule-based relation extraction over the shared spaCy dependency parse.

For every trigger word (triggers.py) in a sentence the rules find the source (subject, agent,
possessor, demonym modifier, or the subject of the verb the trigger hangs off), the target (object
or the prepositions the trigger type allows), the object (weapons lexicon) and the modality and
attribution (modality.py). Everything stays inside one sentence of the project's splitter, the
evidence unit of the specification.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from narrascope.document import Document, Relation, Span
from narrascope.relations import modality as modality_rules
from narrascope.relations.mentions import PRONOUNS, Mention, Mentions, find_mentions
from narrascope.relations.triggers import (
    DEMAND_VERBS,
    DOUBT_VERBS,
    LIGHT_VERBS,
    MILITARY_AID,
    MILITARY_QUALIFIERS,
    NEEDS_MILITARY_QUALIFIER,
    NON_MILITARY,
    NON_STATE_HEADS,
    NOUN_FORMS,
    NOUNS,
    SPEECH_VERBS,
    STRENGTHEN,
    VERB_FORMS,
    VERBS,
    TriggerSpec,
)

SYMMETRIC = frozenset({"negotiates", "military_cooperation"})
FIRST_PERSON = frozenset({"i", "we"})
THIRD_PERSON = frozenset({"he", "she", "they"})
COMMUNICATIVE = frozenset({"accuses_condemns", "demands", "threatens", "negotiates"})
CLAUSE_DEPS = frozenset({"conj", "ccomp", "advcl", "parataxis", "relcl"})
ARG_MODIFIER_DEPS = frozenset({"poss", "amod", "compound", "nmod", "npadvmod", "nummod"})
ARG_PREPS = frozenset({"of", "in", "like", "including", "as"})
# "Iran's proxies", "Russia's allies": the possessor is someone else than the ones meant
RELATIONAL_HEADS = frozenset(
    {
        "proxy",
        "proxies",
        "ally",
        "allies",
        "partner",
        "partners",
        "friend",
        "friends",
        "neighbour",
        "neighbours",
        "neighbor",
        "neighbors",
        "enemy",
        "enemies",
        "client",
        "clients",
    }
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# "shipped shells in violation of ...", "launched a war in support of ...": the verb's subject acts
INHERIT_PREPS = frozenset({"in", "with", "through", "via", "by"})
# "travel to Moscow for a summit with Putin", "pledged aid for Kyiv": the traveller meets, the pledger gives
PURPOSE_PREPS = frozenset({"for"})
PURPOSE_TYPES = frozenset({"negotiates", "supports", "supplies_weapons", "military_cooperation"})
# "US-backed attacks", "Iranian-made drones": the modifier names a backer or maker, not the actor
NOT_AGENT_WORDS = frozenset(
    {"backed", "made", "funded", "supplied", "sponsored", "built", "designed", "manufactured"}
)
NOT_AGENT_SUFFIXES = tuple("-" + word for word in NOT_AGENT_WORDS)
# "criticised Israel over the bombardment of Rafah": the accused is the agent of the content
ACCUSATION_PREPS = frozenset({"over", "for", "of"})
# joining or being a member counts as military cooperation only for military alliances
MILITARY_BLOCS = frozenset({"NATO", "CSTO"})
MILITARY_BLOCS_ONLY = frozenset({"join", "membership", "member", "accession"})


@dataclass
class Candidate:
    source: str
    type: str
    target: str
    objects: list[str]
    trigger: Any
    light_verb: Any
    confidence: float
    sentence: int
    modality: str = ""
    attribution: str = ""


class SentenceIndex:
    def __init__(self, doc: Document) -> None:
        self.bounds = [(s.start, s.end) for s in doc.sentences]
        self.starts = [s.start for s in doc.sentences]

    def of(self, char: int) -> int:
        i = bisect_right(self.starts, char) - 1
        if i < 0 or char >= self.bounds[i][1]:
            return -1
        return i


class Extractor:
    """Relations of one document; `doc.cache['spacy']` must hold its parse."""

    def __init__(self, doc: Document, sdoc: Any, mentions: Mentions | None = None) -> None:
        self.doc = doc
        self.sdoc = sdoc
        self.mentions = mentions or find_mentions(doc.text, sdoc)
        self.sentences = SentenceIndex(doc)
        self.token_sentence = [self.sentences.of(t.idx) for t in sdoc]
        self._ranges: dict[int, tuple[int, int]] | None = None
        self._sentence = -1  # the sentence whose trigger is being read
        self.actors_sorted = sorted(
            (m for m in self.mentions.actors if not m.is_place), key=lambda m: m.start
        )

    # --- actors behind a token ------------------------------------------------------------

    def same_sentence(self, a: Any, b: Any) -> bool:
        return self.token_sentence[a.i] == self.token_sentence[b.i] != -1

    def coref(self, tok: Any) -> Mention | None:
        """'it', 'its', 'they': the nearest preceding actor, except inside a to-clause whose
        understood subject is the matrix object ('called on NATO to bolster its ...',
        'allowed Russia to deploy ... on its territory'), where the matrix subject is meant."""
        before = [m for m in self.actors_sorted if m.end <= tok.idx]
        if not before:
            return None
        if tok.dep_ in SUBJECT_DEPS and tok.head.dep_ == "ccomp":
            # the subject of reported speech is usually the speaker: "Israel denied ..., saying it targets Hamas"
            speakers, _ = self.subject_tokens(tok.head.head)
            for speaker in speakers:
                m = self.mentions.by_token.get(speaker.i)
                if m is not None and not m.is_place and m.end <= tok.idx:
                    return m
        verb = tok
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.dep_ in ("xcomp", "ccomp") and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children
        ):
            for child in verb.head.children:
                if child.dep_ == "nsubj":
                    m = self.mentions.by_token.get(child.i)
                    if m is not None and not m.is_place and m.end <= tok.idx:
                        return m
        return before[-1]

    def actors_of(self, tok: Any, role: str, spec: TriggerSpec, depth: int = 0) -> list[Mention]:
        out: list[Mention] = []
        if self.token_sentence[tok.i] != self._sentence:
            return out

        def add(m: Mention | None) -> None:
            if m is None or (m.is_place and not (role == "target" and spec.place_target)):
                return
            if m not in out:
                out.append(m)

        own = self.mentions.by_token.get(tok.i)
        if own is not None:
            add(own)
        elif tok.lower_ in PRONOUNS and tok.pos_ == "PRON":
            add(self.coref(tok))
        elif tok.lower_ in NON_STATE_HEADS or any(
            c.lower_ in ("former", "ex") for c in tok.children
        ):
            pass
        elif tok.lower_ in RELATIONAL_HEADS:
            for child in tok.children:
                if child.dep_ == "appos":
                    out.extend(
                        m for m in self.actors_of(child, role, spec, depth + 1) if m not in out
                    )
        else:
            for child in tok.children:
                if child.dep_ in ARG_MODIFIER_DEPS and not child.lower_.endswith(
                    NOT_AGENT_SUFFIXES
                ):
                    m = self.mentions.by_token.get(child.i)
                    if m is None and child.lower_ in PRONOUNS and child.dep_ == "poss":
                        m = self.coref(child)
                    add(m)
            if not out and depth < 2:
                for child in tok.children:
                    if child.dep_ == "prep" and child.lower_ in ARG_PREPS:
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                out.extend(
                                    m
                                    for m in self.actors_of(pobj, role, spec, depth + 1)
                                    if m not in out
                                )
                    elif child.dep_ == "appos":
                        out.extend(
                            m for m in self.actors_of(child, role, spec, depth + 1) if m not in out
                        )
        for child in tok.children:
            if child.dep_ == "conj" and self.same_sentence(child, tok):
                out.extend(m for m in self.actors_of(child, role, spec, depth) if m not in out)
        return out

    # --- arguments of verbs and nouns -----------------------------------------------------

    def subject_tokens(self, verb: Any, depth: int = 0) -> tuple[list[Any], bool]:
        """The subject (or passive agent) of `verb`; inherited from a governing verb when absent."""
        for child in verb.children:
            if child.dep_ in ("nsubj", "csubj"):
                if child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                    return [verb.head], False
                return [child], False
        for child in verb.children:
            if child.dep_ == "agent":
                return [p for p in child.children if p.dep_ == "pobj"], False
        head = verb.head
        if depth >= 3 or head.i == verb.i or not self.same_sentence(head, verb):
            return [], False
        if verb.dep_ == "pcomp" and head.head.pos_ in ("NOUN", "PROPN"):
            owners = [c for c in head.head.children if c.dep_ == "poss"]
            return owners, True
        if verb.dep_ in ("xcomp", "pcomp", "ccomp"):
            governor = head.head if verb.dep_ == "pcomp" else head
            if governor.lower_ in DEMAND_VERBS:
                objs = [c for c in governor.children if c.dep_ in ("dobj", "dative")]
                objs += [
                    p
                    for c in governor.children
                    if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                    for p in c.children
                    if p.dep_ == "pobj"
                ]
                if objs:
                    return objs, True
            objs = [
                c
                for c in governor.children
                if c.dep_ in ("dobj", "dative") and self.mentions.by_token.get(c.i)
            ]
            if objs and verb.dep_ in ("xcomp", "pcomp"):
                return objs, True
            if verb.dep_ == "ccomp":
                return [], False
            toks, _ = self.subject_tokens(governor, depth + 1)
            return toks, True
        if verb.dep_ == "acl" and any(c.lower_ == "to" for c in verb.children):
            # "Kyiv's refusal to join NATO", "Iran's plan to send drones": the possessor acts
            owners = [c for c in head.children if c.dep_ == "poss"]
            if owners:
                return owners, True
        if (
            verb.dep_ == "acl"
            and head.dep_ in ("dobj", "attr")
            and any(c.lower_ == "to" for c in verb.children)
        ):
            # "had no plans to attack NATO": the one who has the plans
            toks, _ = self.subject_tokens(head.head, depth + 1)
            return toks, True
        if verb.dep_ in ("advcl", "conj") and head.pos_ in ("VERB", "AUX"):
            if head.lower_ in SPEECH_VERBS and verb.dep_ == "conj":
                return [], False
            toks, _ = self.subject_tokens(head, depth + 1)
            return toks, True
        return [], False

    def noun_governor(self, noun: Any, preps: frozenset[str] = frozenset()) -> tuple[Any, bool]:
        """The verb a nominal trigger hangs off: 'launched an attack', 'in violation of' -> (verb, is_light)."""
        if noun.dep_ == "dobj" and noun.head.lower_ in LIGHT_VERBS:
            return noun.head, True
        if noun.dep_ in ("attr", "oprd") and noun.head.pos_ in ("VERB", "AUX"):
            return noun.head, True
        if (
            noun.dep_ == "pobj"
            and noun.head.lower_ in (preps or INHERIT_PREPS)
            and noun.head.head.pos_ in ("VERB", "AUX")
        ):
            verb = noun.head.head
            if verb.lower_ in SPEECH_VERBS:
                inner = [c for c in verb.children if c.dep_ == "ccomp"]
                if inner:
                    return inner[0], False
            return verb, False
        return None, False

    def pobjs(self, tok: Any, preps: Iterable[str]) -> list[Any]:
        preps = set(preps)
        out = []
        for child in tok.children:
            if child.dep_ in ("prep", "agent", "dative") and child.lower_ in preps:
                out.extend(p for p in child.children if p.dep_ in ("pobj", "pcomp"))
        return out

    def region(self, *tokens: Any) -> set[int]:
        """Token indices under `tokens`, leaving out embedded clauses (other relations live there)."""
        keep: set[int] = set()
        stack = [t for t in tokens if t is not None]
        while stack:
            tok = stack.pop()
            if tok.i in keep:
                continue
            keep.add(tok.i)
            for child in tok.children:
                # a coordinated noun ("Abrams and Leopard tanks") stays, a coordinated clause does not
                if child.dep_ in CLAUSE_DEPS and (
                    child.pos_ in ("VERB", "AUX") or child.dep_ != "conj"
                ):
                    continue
                stack.append(child)
        return keep

    def core_region(self, tok: Any, light: Any) -> set[int]:
        """Where the transferred or used thing is named: objects and of/with/on phrases of the trigger."""
        heads = [
            c
            for t in (tok, light)
            if t is not None
            for c in t.children
            if c.dep_ in ("dobj", "nsubjpass", "attr", "compound")
            or (
                c.dep_ == "prep"
                and c.lower_ in ("of", "with", "on", "over", "regarding", "about", "for")
            )
        ]
        return self.region(*heads) if heads else set()

    def weapons_in(self, indices: set[int]) -> list[str]:
        out: list[str] = []
        for w in self.mentions.weapons:
            if (
                w.token in indices
                and w.text not in out
                and self.token_sentence[w.token] == self._sentence
            ):
                out.append(w.text)
        return out

    def sentence_weapons(self, sentence: int) -> list[str]:
        out: list[str] = []
        for w in self.mentions.weapons:
            if self.token_sentence[w.token] == sentence and w.text not in out:
                out.append(w.text)
        return out

    def instruments_in(self, indices: set[int]) -> list[str]:
        out: list[str] = []
        for thing in self.mentions.instruments:
            if thing.token in indices and thing.key not in out:
                out.append(thing.key)
        return out

    # --- triggers ---------------------------------------------------------------------------

    def trigger_spec(self, tok: Any) -> tuple[TriggerSpec | None, str]:
        word = tok.lower_
        if tok.dep_ == "amod":
            return (
                None,
                "",
            )  # a participle used as an adjective: "trained engineers", "armed groups"
        if tok.pos_ in ("VERB", "AUX") or (tok.tag_.startswith("VB")):
            base = VERB_FORMS.get(word)
            if base is not None:
                return VERBS[base], base
            if word in STRENGTHEN and (
                any(c.dep_ == "nsubj" for c in tok.children) or tok.head.lower_ in DEMAND_VERBS
            ):
                return TriggerSpec(
                    "supplies_weapons", dobj_target=False, needs_weapon=True, confidence=0.55
                ), "strengthen"
        elif tok.pos_ in ("NOUN", "PROPN"):
            base = NOUN_FORMS.get(word)
            if base is not None and base in NOUNS:
                return NOUNS[base], base
        return None, ""

    def candidates(self) -> list[Candidate]:
        out: list[Candidate] = []
        for tok in self.sdoc:
            sentence = self.token_sentence[tok.i]
            if sentence < 0:
                continue
            spec, base = self.trigger_spec(tok)
            if spec is None:
                continue
            out.extend(self.from_trigger(tok, spec, base, sentence))
        return out

    def from_trigger(
        self, tok: Any, spec: TriggerSpec, base: str, sentence: int
    ) -> list[Candidate]:
        self._sentence = sentence
        is_verb = tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")
        light = None
        inherited = False
        mods = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")}
        type_ = spec.type

        # the threatened act is not annotated a second time
        if tok.dep_ == "xcomp" and tok.head.lower_.startswith("threat"):
            return []
        if base in NEEDS_MILITARY_QUALIFIER and not (mods & MILITARY_QUALIFIERS):
            return []
        if mods & NON_MILITARY and type_ == "military_cooperation":
            return []

        # source tokens
        if is_verb:
            if spec.reverse:
                src_tokens = self.pobjs(tok, spec.source_preps)
                tgt_tokens, inherited = self.subject_tokens(tok)
            else:
                src_tokens, inherited = self.subject_tokens(tok)
                tgt_tokens = []
            passive_subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
            if passive_subj and not spec.reverse and spec.dobj_target:
                tgt_tokens = list(passive_subj) if type_ != "supplies_weapons" else []
        else:
            src_tokens = [
                c
                for c in tok.children
                if c.dep_ in ("poss", "amod", "nmod")
                and c.lower_.split("-")[-1] not in NOT_AGENT_WORDS
            ]
            # "the Minsk agreement", "the Moscow talks" name a place, not a party
            src_tokens += [
                c
                for c in tok.children
                if c.dep_ == "compound"
                and getattr(self.mentions.by_token.get(c.i), "field", "") != "metonyms"
            ]
            src_tokens += self.pobjs(tok, spec.source_preps)
            tgt_tokens = []
            if spec.reverse:
                tgt_tokens, src_tokens = src_tokens[:1], self.pobjs(tok, spec.source_preps)
            light, is_light = self.noun_governor(
                tok, INHERIT_PREPS | (PURPOSE_PREPS if type_ in PURPOSE_TYPES else set())
            )
            blamer, _ = self.noun_governor(tok, ACCUSATION_PREPS)
            if blamer is not None and blamer.lower_ in DOUBT_VERBS:
                accused = [c for c in blamer.children if c.dep_ == "dobj"]
                if accused and not [
                    m for t in src_tokens for m in self.actors_of(t, "source", spec)
                ]:
                    src_tokens, light = accused, None
            if (
                not [m for t in src_tokens for m in self.actors_of(t, "source", spec)]
                and light is not None
                and (is_light or light.pos_ in ("VERB", "AUX"))
            ):
                src_tokens, _ = self.subject_tokens(light)
                inherited = not is_light
            if light is not None and not is_light:
                light_for_preps = None
            else:
                light_for_preps = light

        # target tokens
        if is_verb:
            if spec.dobj_target and not any(c.dep_ == "dobj" for c in tok.children):
                tgt_tokens += [
                    d
                    for c in tok.children
                    if c.dep_ == "conj" and c.pos_ == "VERB"
                    for d in c.children
                    if d.dep_ == "dobj"
                ]
            if spec.dobj_target:
                for c in tok.children:
                    if c.dep_ in ("dobj", "dative", "iobj") and not (
                        type_ == "supplies_weapons" and c.i in self.mentions.weapon_by_token
                    ):
                        tgt_tokens.append(c)
            else:
                tgt_tokens += [c for c in tok.children if c.dep_ in ("dative", "iobj")]
            tgt_tokens += self.pobjs(tok, spec.target_preps)
            for c in tok.children:
                if c.dep_ == "dobj":
                    tgt_tokens += self.pobjs(c, spec.target_preps)
            if base == "warn":
                for c in tok.children:
                    if c.dep_ == "ccomp":
                        tgt_tokens += self.subject_tokens(c)[0]
            if base == "strengthen":
                tgt_tokens += [c for c in tok.children if c.dep_ == "dobj"]
        else:
            tgt_tokens += self.pobjs(tok, spec.target_preps)
            if light_for_preps is not None:
                tgt_tokens += self.pobjs(light_for_preps, spec.target_preps)
                tgt_tokens += [c for c in light_for_preps.children if c.dep_ in ("dative", "iobj")]

        if is_verb and (type_ in ("supports", "demands") or base == "help"):
            # "helping Russia to improve ...", "urged Iran to stop ...": the object parsed as a clause subject
            for c in tok.children:
                if c.dep_ == "ccomp" and any(
                    a.lower_ == "to" for a in c.children if a.dep_ == "aux"
                ):
                    tgt_tokens += [s for s in c.children if s.dep_ == "nsubj"]
        if is_verb and base == "deploy":
            # deploying against someone is an attack; deploying to or on someone's territory is cooperation
            hostile = self.pobjs(tok, ("against",))
            if hostile:
                tgt_tokens = hostile
            else:
                type_ = "military_cooperation"
                spec = TriggerSpec("military_cooperation", confidence=0.6)
                tgt_tokens = self.pobjs(tok, ("to", "in", "on", "into"))
        if (
            is_verb
            and base == "threaten"
            and not [m for t in tgt_tokens for m in self.actors_of(t, "target", spec)]
        ):
            # "NATO threatens sanctions if Russia invades": the one the condition is about
            for c in tok.children:
                if c.dep_ == "advcl" and any(
                    m.lower_ == "if" for m in c.children if m.dep_ == "mark"
                ):
                    tgt_tokens += self.subject_tokens(c)[0]
        if not is_verb and base == "proxy":
            tgt_tokens += [c for c in tok.children if c.dep_ == "appos"]
        if (
            is_verb
            and base == "warn"
            and any(c.dep_ in ("dobj", "dative") for c in tok.children)
            and any(c.dep_ == "ccomp" for c in tok.children)
        ):
            # "X warned Y that it would face ...": a warning of one's own action is a threat
            type_ = "threatens"
            tgt_tokens = [c for c in tok.children if c.dep_ in ("dobj", "dative")]
        sources = [m for t in src_tokens for m in self.actors_of(t, "source", spec)]
        targets = [m for t in tgt_tokens for m in self.actors_of(t, "target", spec)]
        # "negotiations between Moscow and Tehran", "Russia and Iran are negotiating"
        # (exactly two parties: a longer list is a group, not a pair)
        if type_ in SYMMETRIC and base not in MILITARY_BLOCS_ONLY:
            if not sources and len(targets) == 2:
                sources, targets = targets[:1], targets[1:]
            elif not targets and len(sources) == 2:
                sources, targets = sources[:1], sources[1:]
        if base in MILITARY_BLOCS_ONLY:
            targets = [m for m in targets if m.actor in MILITARY_BLOCS]
        # "Zelensky urged NATO to send air defence": the recipient is the one who asks
        if (
            not targets
            and type_ == "supplies_weapons"
            and tok.dep_ in ("xcomp", "ccomp")
            and tok.head.lower_ in DEMAND_VERBS
        ):
            asker, _ = self.subject_tokens(tok.head)
            targets = [m for t in asker for m in self.actors_of(t, "target", spec)]
        if not sources or (not targets and type_ != "violates"):
            return []

        region = self.region(tok, light if light is not None and light.i != tok.i else None)
        objects = self.weapons_in(self.core_region(tok, light)) or self.weapons_in(region)
        if is_verb:
            for c in tok.children:
                if c.dep_ in SUBJECT_DEPS:
                    objects += [w for w in self.weapons_in(self.region(c)) if w not in objects]
        if type_ == "supports" and (objects or mods & MILITARY_AID):
            type_ = "supplies_weapons"
            spec = TriggerSpec("supplies_weapons", confidence=spec.confidence)
        if base == "help" and is_verb:
            for c in tok.children:
                if c.dep_ in ("xcomp", "ccomp") and self.weapons_in(self.region(c)):
                    type_ = "military_cooperation"
        if spec.needs_weapon and not objects:
            return []
        if type_ == "violates":
            instruments = self.instruments_in(region)
            if not instruments:
                return []
            targets_ids = instruments
        else:
            targets_ids = []
        if not objects and type_ in ("attacks", "supplies_weapons", "threatens"):
            objects = self.sentence_weapons(sentence)
        if type_ in ("accuses_condemns", "demands", "supports", "violates", "sanctions"):
            objects = []
        if type_ == "threatens" and not objects and is_verb:
            # the threatened means: "threatens sanctions", "threatened Finland with countermeasures"
            means = [
                c for c in tok.children if c.dep_ == "dobj" and not self.mentions.by_token.get(c.i)
            ]
            means += self.pobjs(tok, ("with",))
            objects = [m.text for m in means[:1]]

        confidence = spec.confidence - (0.1 if inherited else 0.0)
        out: list[Candidate] = []
        for s in sources:
            for t_id in targets_ids or [m.actor for m in targets]:
                if s.actor == t_id:
                    continue
                out.append(
                    Candidate(
                        s.actor,
                        type_,
                        t_id,
                        list(objects),
                        tok,
                        light,
                        round(confidence, 2),
                        sentence,
                    )
                )
            if type_ == "attacks":
                # "U.S.-made HIMARS" used by Ukraine: the maker supplies the user
                for maker, weapon in self.makers(region):
                    if maker.actor != s.actor:
                        out.append(
                            Candidate(
                                maker.actor,
                                "supplies_weapons",
                                s.actor,
                                [weapon],
                                tok,
                                light,
                                0.55,
                                sentence,
                            )
                        )
        return out

    def makers(self, indices: set[int]) -> list[tuple[Mention, str]]:
        """Actors named as the maker of a weapon: 'Iranian-made drones', 'U.S.-made HIMARS'."""
        out = []
        for w in self.mentions.weapons:
            if w.token not in indices:
                continue
            for child in self.sdoc[w.token].children:
                made = child if child.lower_ == "made" else None
                if made is not None:
                    for grand in made.children:
                        m = self.mentions.by_token.get(grand.i)
                        if m is not None and not m.is_place:
                            out.append((m, w.text))
                elif child.lower_.endswith("-made"):
                    m = self.mentions.by_token.get(child.i)
                    if m is not None and not m.is_place:
                        out.append((m, w.text))
        return out

    # --- output -------------------------------------------------------------------------

    def relations(self) -> list[Relation]:
        """Deduplicated records: one per sentence and (source, type, target, modality)."""
        merged: dict[tuple, Candidate] = {}
        for cand in self.candidates():
            lo, hi = self.sentence_token_range(cand.sentence)
            ctx = modality_rules.analyse(cand.trigger, lo, hi, cand.light_verb)
            cand.modality, cand.attribution = ctx.modality, ctx.attribution
            if cand.attribution.lower() in FIRST_PERSON:
                # the author speaking: the article's own voice
                cand.attribution = ""
                if cand.modality == "reported":
                    cand.modality = "asserted"
            elif cand.attribution.lower() in THIRD_PERSON and ctx.speaker is not None:
                cand.attribution = self.last_person(ctx.speaker.idx) or cand.attribution
            # talks about a supply or a deal are about a future transfer
            if (
                cand.type == "negotiates"
                and cand.objects
                and cand.modality in ("asserted", "reported")
            ):
                cand.modality = "planned"
            if ctx.speaker is not None and cand.type in COMMUNICATIVE:
                speaker = self.actors_of(ctx.speaker, "source", TriggerSpec("speech"))
                if any(m.actor == cand.source for m in speaker) and cand.modality == "reported":
                    cand.modality, cand.attribution = "asserted", ""
            key = (cand.sentence, cand.source, cand.type, cand.target, cand.modality)
            if key in merged:
                kept = merged[key]
                kept.objects += [o for o in cand.objects if o not in kept.objects]
                kept.confidence = max(kept.confidence, cand.confidence)
            else:
                merged[key] = cand
        out = []
        for cand in merged.values():
            start, end = self.sentences.bounds[cand.sentence]
            trig = cand.trigger
            out.append(
                Relation(
                    source=cand.source,
                    type=cand.type,
                    target=cand.target,
                    object="; ".join(cand.objects),
                    modality=cand.modality,
                    attribution=cand.attribution,
                    start=start,
                    end=end,
                    sentence=self.doc.text[start:end],
                    confidence=cand.confidence,
                    trigger=Span(start=trig.idx, end=trig.idx + len(trig.text), text=trig.text),
                )
            )
        out.sort(key=lambda r: (r.start, r.trigger.start if r.trigger else 0))
        return out

    def last_person(self, before: int) -> str:
        """The most recent person named before a character offset ('he said' -> 'Lavrov')."""
        people = [e for e in self.doc.entities if e.label == "PERSON" and e.end <= before]
        return people[-1].entity if people else ""

    def sentence_token_range(self, sentence: int) -> tuple[int, int]:
        if self._ranges is None:
            self._ranges = {}
            for t in self.sdoc:
                s = self.token_sentence[t.i]
                lo, hi = self._ranges.get(s, (t.i, t.i + 1))
                self._ranges[s] = (min(lo, t.i), max(hi, t.i + 1))
        return self._ranges.get(sentence, (0, 0))


def extract(doc: Document, sdoc: Any, mentions: Mentions | None = None) -> list[Relation]:
    return Extractor(doc, sdoc, mentions).relations()
