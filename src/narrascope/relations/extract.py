"""Rule-based relation extraction over the shared spaCy dependency parse.

For every trigger word (triggers.py) in a sentence the rules find the source (subject, agent,
possessor, demonym modifier, or the subject of the verb the trigger hangs off), the target (object
or the prepositions the trigger type allows), the object (weapons lexicon) and the modality and
attribution (modality.py). Everything stays inside one sentence of the project's splitter, the
evidence unit of the specification.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from narrascope.document import Document, Relation, Span
from narrascope.relations import modality as modality_rules
from narrascope.relations import weapon_chain
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
# "Russia's defiance demands a reevaluation", "its aggression threatens Europe": with an
# abstract subject, "demand" means require and "threaten" endanger; a demand or a threat needs
# someone who speaks for the state, so only these heads pass the subject on to their owner
VOICE_TYPES = frozenset({"demands", "threatens"})
VOICE_HEADS = frozenset(
    [
        "government",
        "governments",
        "administration",
        "ministry",
        "ministries",
        "minister",
        "ministers",
        "president",
        "presidents",
        "leader",
        "leaders",
        "leadership",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "spokespeople",
        "official",
        "officials",
        "diplomat",
        "diplomats",
        "envoy",
        "envoys",
        "ambassador",
        "ambassadors",
        "delegation",
        "delegations",
        "parliament",
        "parliaments",
        "lawmakers",
        "legislators",
        "senate",
        "congress",
        "authorities",
        "military",
        "army",
        "armies",
        "forces",
        "troops",
        "navy",
        "commander",
        "commanders",
        "chief",
        "chiefs",
        "premier",
        "chancellor",
        "cabinet",
        "regime",
        "representative",
        "representatives",
        "mission",
        "embassy",
        "office",
        "secretary",
        "council",
        "side",
        "negotiators",
        "statement",
        "statements",
        "resolution",
        "resolutions",
        "note",
        "letter",
        "communique",
        "declaration",
        "decree",
        "ultimatum",
    ]
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


@dataclass
class Reading:
    """What the rules have found so far for one trigger word; the lemma rules may change the
    type and spec (a deployment that is no attack, a warning that is a threat)."""

    tok: Any
    spec: TriggerSpec
    base: str
    sentence: int
    is_verb: bool
    mods: frozenset[str]
    type: str
    sources: list[Any] = field(default_factory=list)  # tokens standing for the source
    targets: list[Any] = field(default_factory=list)  # tokens standing for the target
    inherited: bool = False  # the source comes from a governing verb
    light: Any = None  # the verb a nominal trigger hangs off


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

    def actors_of(
        self, tok: Any, role: str, spec: TriggerSpec, sentence: int, depth: int = 0
    ) -> list[Mention]:
        """The actors `tok` stands for, within `sentence` (the trigger's)."""
        out: list[Mention] = []
        if self.token_sentence[tok.i] != sentence:
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
        elif (
            tok.lower_ in NON_STATE_HEADS
            or any(c.lower_ in ("former", "ex") for c in tok.children)
            or (role == "source" and self.voiceless(tok, spec))
        ):
            pass
        elif tok.lower_ in RELATIONAL_HEADS:
            for child in tok.children:
                if child.dep_ == "appos":
                    out.extend(
                        m
                        for m in self.actors_of(child, role, spec, sentence, depth + 1)
                        if m not in out
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
                                    for m in self.actors_of(pobj, role, spec, sentence, depth + 1)
                                    if m not in out
                                )
                    elif child.dep_ == "appos":
                        out.extend(
                            m
                            for m in self.actors_of(child, role, spec, sentence, depth + 1)
                            if m not in out
                        )
        for child in tok.children:
            if child.dep_ == "conj" and self.same_sentence(child, tok):
                out.extend(
                    m for m in self.actors_of(child, role, spec, sentence, depth) if m not in out
                )
        return out

    @staticmethod
    def voiceless(tok: Any, spec: TriggerSpec) -> bool:
        """An abstract noun cannot demand or threaten for the actor that owns it."""
        return spec.type in VOICE_TYPES and tok.pos_ == "NOUN" and tok.lower_ not in VOICE_HEADS

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
        out: list[Any] = []
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

    def weapons_in(self, indices: set[int], sentence: int) -> list[str]:
        out: list[str] = []
        for w in self.mentions.weapons:
            if (
                w.token in indices
                and w.text not in out
                and self.token_sentence[w.token] == sentence
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
        """The relations one trigger word states: arguments, lemma rules, objects, candidates."""
        r = Reading(
            tok=tok,
            spec=spec,
            base=base,
            sentence=sentence,
            is_verb=tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"),
            mods=frozenset(c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")),
            type=spec.type,
        )
        if excluded(r):
            return []
        if r.is_verb:
            self.verb_arguments(r)
            self.clause_subjects_as_targets(r)
        else:
            self.noun_arguments(r)
        rule = (VERB_RULES if r.is_verb else NOUN_RULES).get(base)
        if rule is not None and rule.arguments is not None:
            rule.arguments(self, r)
        sources, targets = self.parties(r)
        if not sources or (not targets and r.type != "violates"):
            return []

        region = self.region(tok, r.light if r.light is not None and r.light.i != tok.i else None)
        objects = self.trigger_objects(r, region)
        if r.type == "supports" and (objects or r.mods & MILITARY_AID):
            r.type = "supplies_weapons"
            r.spec = TriggerSpec("supplies_weapons", confidence=r.spec.confidence)
        if rule is not None and rule.retype is not None:
            rule.retype(self, r)
        if r.spec.needs_weapon and not objects:
            return []
        target_ids = [m.actor for m in targets]
        if r.type == "violates":
            target_ids = self.instruments_in(region)
            if not target_ids:
                return []
        return self.emit(r, sources, target_ids, self.relation_objects(r, objects), region)

    # --- the steps of `from_trigger` ------------------------------------------------------

    def actor_list(self, r: Reading, tokens: list[Any], role: str) -> list[Mention]:
        return [m for t in tokens for m in self.actors_of(t, role, r.spec, r.sentence)]

    def verb_arguments(self, r: Reading) -> None:
        """Source and target tokens of a verb: subject, objects, the prepositions its type allows."""
        tok, spec = r.tok, r.spec
        if spec.reverse:
            r.sources = self.pobjs(tok, spec.source_preps)
            r.targets, r.inherited = self.subject_tokens(tok)
        else:
            r.sources, r.inherited = self.subject_tokens(tok)
            r.targets = []
        passive_subj = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if passive_subj and not spec.reverse and spec.dobj_target:
            r.targets = list(passive_subj) if r.type != "supplies_weapons" else []

        if spec.dobj_target and not any(c.dep_ == "dobj" for c in tok.children):
            r.targets += [
                d
                for c in tok.children
                if c.dep_ == "conj" and c.pos_ == "VERB"
                for d in c.children
                if d.dep_ == "dobj"
            ]
        if spec.dobj_target:
            for c in tok.children:
                if c.dep_ in ("dobj", "dative", "iobj") and not (
                    r.type == "supplies_weapons" and c.i in self.mentions.weapon_by_token
                ):
                    r.targets.append(c)
        else:
            r.targets += [c for c in tok.children if c.dep_ in ("dative", "iobj")]
        r.targets += self.pobjs(tok, spec.target_preps)
        for c in tok.children:
            if c.dep_ == "dobj":
                r.targets += self.pobjs(c, spec.target_preps)

    def noun_arguments(self, r: Reading) -> None:
        """Source and target tokens of a nominal trigger, falling back on the verb it hangs off."""
        tok, spec = r.tok, r.spec
        sources = [
            c
            for c in tok.children
            if c.dep_ in ("poss", "amod", "nmod") and c.lower_.split("-")[-1] not in NOT_AGENT_WORDS
        ]
        # "the Minsk agreement", "the Moscow talks" name a place, not a party
        sources += [
            c
            for c in tok.children
            if c.dep_ == "compound"
            and getattr(self.mentions.by_token.get(c.i), "field", "") != "metonyms"
        ]
        sources += self.pobjs(tok, spec.source_preps)
        targets: list[Any] = []
        if spec.reverse:
            targets, sources = sources[:1], self.pobjs(tok, spec.source_preps)
        light, is_light = self.noun_governor(
            tok, INHERIT_PREPS | (PURPOSE_PREPS if r.type in PURPOSE_TYPES else set())
        )
        blamer, _ = self.noun_governor(tok, ACCUSATION_PREPS)
        if blamer is not None and blamer.lower_ in DOUBT_VERBS:
            accused = [c for c in blamer.children if c.dep_ == "dobj"]
            if accused and not self.actor_list(r, sources, "source"):
                sources, light = accused, None
        if (
            not self.actor_list(r, sources, "source")
            and light is not None
            and (is_light or light.pos_ in ("VERB", "AUX"))
        ):
            sources, _ = self.subject_tokens(light)
            r.inherited = not is_light
        r.light = light
        # only a light verb ("launched an attack on") lends the trigger its prepositions
        light_for_preps = None if light is not None and not is_light else light

        targets += self.pobjs(tok, spec.target_preps)
        if light_for_preps is not None:
            targets += self.pobjs(light_for_preps, spec.target_preps)
            targets += [c for c in light_for_preps.children if c.dep_ in ("dative", "iobj")]
        r.sources, r.targets = sources, targets

    def clause_subjects_as_targets(self, r: Reading) -> None:
        """'helping Russia to improve ...', 'urged Iran to stop ...': the object of a supporting
        or demanding verb parsed as the subject of a to-clause."""
        if r.type not in ("supports", "demands"):
            return
        for c in r.tok.children:
            if c.dep_ == "ccomp" and any(a.lower_ == "to" for a in c.children if a.dep_ == "aux"):
                r.targets += [s for s in c.children if s.dep_ == "nsubj"]

    def parties(self, r: Reading) -> tuple[list[Mention], list[Mention]]:
        """The actors behind the source and target tokens."""
        sources = self.actor_list(r, r.sources, "source")
        targets = self.actor_list(r, r.targets, "target")
        # "negotiations between Moscow and Tehran", "Russia and Iran are negotiating"
        # (exactly two parties: a longer list is a group, not a pair)
        if r.type in SYMMETRIC and r.base not in MILITARY_BLOCS_ONLY:
            if not sources and len(targets) == 2:
                sources, targets = targets[:1], targets[1:]
            elif not targets and len(sources) == 2:
                sources, targets = sources[:1], sources[1:]
        if r.base in MILITARY_BLOCS_ONLY:
            targets = [m for m in targets if m.actor in MILITARY_BLOCS]
        # "Zelensky urged NATO to send air defence": the recipient is the one who asks
        tok = r.tok
        if (
            not targets
            and r.type == "supplies_weapons"
            and tok.dep_ in ("xcomp", "ccomp")
            and tok.head.lower_ in DEMAND_VERBS
        ):
            asker, _ = self.subject_tokens(tok.head)
            targets = self.actor_list(r, asker, "target")
        return sources, targets

    def trigger_objects(self, r: Reading, region: set[int]) -> list[str]:
        """Weapons named around the trigger: its objects first, then its whole region."""
        objects = self.weapons_in(self.core_region(r.tok, r.light), r.sentence) or self.weapons_in(
            region, r.sentence
        )
        if r.is_verb:
            for c in r.tok.children:
                if c.dep_ in SUBJECT_DEPS:
                    objects += [
                        w for w in self.weapons_in(self.region(c), r.sentence) if w not in objects
                    ]
        return objects

    def relation_objects(self, r: Reading, objects: list[str]) -> list[str]:
        """The object a relation records: the sentence's weapons for a transfer or an attack
        that names none, nothing for types without one, the means of a threat."""
        if not objects and r.type in ("attacks", "supplies_weapons", "threatens"):
            objects = self.sentence_weapons(r.sentence)
        if r.type in ("accuses_condemns", "demands", "supports", "violates", "sanctions"):
            objects = []
        if r.type == "threatens" and not objects and r.is_verb:
            # the threatened means: "threatens sanctions", "threatened Finland with countermeasures"
            means = [
                c
                for c in r.tok.children
                if c.dep_ == "dobj" and not self.mentions.by_token.get(c.i)
            ]
            means += self.pobjs(r.tok, ("with",))
            objects = [m.text for m in means[:1]]
        return objects

    def emit(
        self,
        r: Reading,
        sources: list[Mention],
        target_ids: list[str],
        objects: list[str],
        region: set[int],
    ) -> list[Candidate]:
        """One candidate per (source, target) pair, plus the makers of the weapons an attack uses."""
        confidence = r.spec.confidence - (0.1 if r.inherited else 0.0)
        out: list[Candidate] = []
        for s in sources:
            for t_id in target_ids:
                if s.actor == t_id:
                    continue
                out.append(
                    Candidate(
                        s.actor,
                        r.type,
                        t_id,
                        list(objects),
                        r.tok,
                        r.light,
                        round(confidence, 2),
                        r.sentence,
                    )
                )
            if r.type == "attacks":
                # "U.S.-made HIMARS" used by Ukraine: the maker supplies the user
                for maker, weapon in self.makers(region):
                    if maker.actor != s.actor:
                        out.append(
                            Candidate(
                                maker.actor,
                                "supplies_weapons",
                                s.actor,
                                [weapon],
                                r.tok,
                                r.light,
                                0.55,
                                r.sentence,
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
                speaker = self.actors_of(
                    ctx.speaker, "source", TriggerSpec("speech"), cand.sentence
                )
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


def extract(
    doc: Document, sdoc: Any, mentions: Mentions | None = None, *, chain: bool = True
) -> list[Relation]:
    """The sentence-level relations, plus (`chain`) supplies read across adjacent sentences."""
    ex = Extractor(doc, sdoc, mentions)
    found = ex.relations()
    if chain:
        extra = weapon_chain.supplies(ex, found)
        if extra:
            found = sorted(
                found + extra, key=lambda r: (r.start, r.trigger.start if r.trigger else 0)
            )
    return found


# --- per-lemma rules ----------------------------------------------------------------------


def excluded(r: Reading) -> bool:
    """Triggers that state no relation of their own."""
    if r.tok.dep_ == "xcomp" and r.tok.head.lower_.startswith("threat"):
        return True  # the threatened act is not annotated a second time
    if r.base in NEEDS_MILITARY_QUALIFIER and not (r.mods & MILITARY_QUALIFIERS):
        return True
    return bool(r.mods & NON_MILITARY) and r.type == "military_cooperation"


def _warning(ex: Extractor, r: Reading) -> None:
    """'warned that Russia would ...': the subject of the warned-about clause is the target;
    'X warned Y that it would face ...': a warning of one's own action is a threat to Y."""
    children = list(r.tok.children)
    for c in children:
        if c.dep_ == "ccomp":
            r.targets += ex.subject_tokens(c)[0]
    if any(c.dep_ in ("dobj", "dative") for c in children) and any(
        c.dep_ == "ccomp" for c in children
    ):
        r.type = "threatens"
        r.targets = [c for c in children if c.dep_ in ("dobj", "dative")]


def _strengthening(ex: Extractor, r: Reading) -> None:
    """'strengthen Ukraine's air defence': the strengthened one receives."""
    r.targets += [c for c in r.tok.children if c.dep_ == "dobj"]


def _deployment(ex: Extractor, r: Reading) -> None:
    """Deploying against someone is an attack; deploying to or on someone's territory is cooperation."""
    hostile = ex.pobjs(r.tok, ("against",))
    if hostile:
        r.targets = hostile
    else:
        r.type = "military_cooperation"
        r.spec = TriggerSpec("military_cooperation", confidence=0.6)
        r.targets = ex.pobjs(r.tok, ("to", "in", "on", "into"))


def _conditional_threat(ex: Extractor, r: Reading) -> None:
    """'NATO threatens sanctions if Russia invades': without a named target, the one the
    condition is about."""
    if ex.actor_list(r, r.targets, "target"):
        return
    for c in r.tok.children:
        if c.dep_ == "advcl" and any(m.lower_ == "if" for m in c.children if m.dep_ == "mark"):
            r.targets += ex.subject_tokens(c)[0]


def _help_with_weapons(ex: Extractor, r: Reading) -> None:
    """'helped Russia build drones': help to make or use weapons is military cooperation."""
    for c in r.tok.children:
        if c.dep_ in ("xcomp", "ccomp") and ex.weapons_in(ex.region(c), r.sentence):
            r.type = "military_cooperation"


def _proxy_of(ex: Extractor, r: Reading) -> None:
    """'Iran's proxy, Hezbollah': the apposition is the one backed."""
    r.targets += [c for c in r.tok.children if c.dep_ == "appos"]


@dataclass(frozen=True)
class LemmaRule:
    """What one trigger lemma adds to the generic rules, at two fixed points of the reading."""

    arguments: Callable[[Extractor, Reading], None] | None = None  # after the generic arguments
    retype: Callable[[Extractor, Reading], None] | None = None  # once the objects are known


VERB_RULES: dict[str, LemmaRule] = {
    "warn": LemmaRule(arguments=_warning),
    "strengthen": LemmaRule(arguments=_strengthening),
    "deploy": LemmaRule(arguments=_deployment),
    "threaten": LemmaRule(arguments=_conditional_threat),
    "help": LemmaRule(retype=_help_with_weapons),
}
NOUN_RULES: dict[str, LemmaRule] = {"proxy": LemmaRule(arguments=_proxy_of)}
