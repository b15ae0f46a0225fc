"""Trigger words of the ten relation types, and the argument slots each one fills.

A trigger is a verb or a noun. For each, `TriggerSpec` says which dependents name the target
(direct object, dative, which prepositions), whether a weapon must be named for the trigger to
count (plain 'send' or 'deliveries' are about weapons only when a weapon is named), and whether
the roles are reversed ('buy from', 'acquire from': the seller is the source).
"""

from __future__ import annotations

from dataclasses import dataclass

from narrascope.relations.lexicon import lemma_table


@dataclass(frozen=True)
class TriggerSpec:
    type: str
    dobj_target: bool = True
    target_preps: tuple[str, ...] = ()
    source_preps: tuple[str, ...] = ("by",)
    needs_weapon: bool = False
    needs_instrument: bool = False
    reverse: bool = False  # subject is the target, the `from` object the source
    place_target: bool = False  # a city or region may stand for its state as target
    confidence: float = 0.75


def _spec(type_: str, bases: str, **kw) -> dict[str, TriggerSpec]:
    spec = TriggerSpec(type_, **kw)
    return {b: spec for b in bases.split()}


ATTACK_PREPS = ("on", "against", "at", "into", "in", "upon", "across")

VERBS: dict[str, TriggerSpec] = {
    **_spec(
        "supplies_weapons",
        "supply deliver ship provide send transfer give sell donate pledge promise export hand",
        target_preps=("to",),
        needs_weapon=True,
    ),
    **_spec("supplies_weapons", "arm equip rearm", target_preps=("to",)),
    **_spec(
        "supplies_weapons",
        "buy purchase acquire receive obtain import procure",
        dobj_target=False,
        source_preps=("from",),
        needs_weapon=True,
        reverse=True,
    ),
    **_spec(
        "military_cooperation",
        "cooperate collaborate align ally partner team",
        dobj_target=False,
        target_preps=("with", "alongside"),
    ),
    **_spec("military_cooperation", "train", target_preps=("with",)),
    **_spec("military_cooperation", "join", target_preps=()),
    **_spec(
        "attacks",
        "attack strike bomb shell invade raid bombard pound hit target storm assault occupy capture kill destroy down shoot blitz besiege",
        target_preps=ATTACK_PREPS,
        place_target=True,
    ),
    **_spec(
        "attacks",
        "launch fire wage wreak use deploy unleash rain",
        dobj_target=False,
        target_preps=("on", "against", "at", "into", "upon"),
        place_target=True,
        confidence=0.65,
    ),
    **_spec("attacks", "fight", dobj_target=False, target_preps=("against",), place_target=False),
    **_spec("threatens", "threaten", target_preps=("against", "to")),
    **_spec(
        "accuses_condemns",
        "accuse condemn blame criticize criticise denounce slam lambast rebuke chastise censure castigate decry deplore reproach",
        target_preps=("over", "for"),
    ),
    **_spec(
        "accuses_condemns", "warn", dobj_target=True, target_preps=("about", "regarding", "over")
    ),
    **_spec(
        "sanctions",
        "sanction embargo blacklist expel freeze confiscate",
        target_preps=("on", "against"),
    ),
    **_spec("sanctions", "impose slap levy", dobj_target=False, target_preps=("on", "against")),
    **_spec(
        "violates",
        "violate breach defy break flout disregard circumvent evade derail contravene bypass",
        dobj_target=False,
        needs_instrument=True,
    ),
    **_spec("negotiates", "negotiate talk discuss", dobj_target=False, target_preps=("with",)),
    **_spec("negotiates", "meet", dobj_target=True, target_preps=("with",)),
    **_spec(
        "supports",
        "support back fund finance aid assist endorse recognise recognize bankroll sponsor help",
        target_preps=("for",),
    ),
    **_spec("supports", "side stand", dobj_target=False, target_preps=("with", "by", "behind")),
    **_spec(
        "demands",
        "urge demand ask press pressure push implore convince persuade request",
        target_preps=("of",),
    ),
    **_spec("demands", "call", dobj_target=False, target_preps=("on", "upon")),
    **_spec("demands", "appeal", dobj_target=False, target_preps=("to",)),
}

NOUNS: dict[str, TriggerSpec] = {
    **_spec(
        "supplies_weapons",
        "supply delivery shipment transfer provision contribution sale export donation package",
        target_preps=("to", "for"),
        source_preps=("by", "from"),
        needs_weapon=True,
        confidence=0.7,
    ),
    **_spec(
        "supplies_weapons",
        "purchase acquisition import procurement",
        target_preps=(),
        source_preps=("from",),
        needs_weapon=True,
        reverse=True,
        confidence=0.65,
    ),
    **_spec(
        "military_cooperation",
        "alliance cooperation collaboration partnership alignment axis pact exercise drill membership accession ties member",
        target_preps=("with", "between", "to", "in", "of"),
        confidence=0.65,
    ),
    **_spec(
        "attacks",
        "attack strike airstrike invasion war aggression bombing shelling offensive counteroffensive incursion raid assault bombardment barrage occupation onslaught siege blockade",
        target_preps=ATTACK_PREPS + ("of",),
        place_target=True,
        confidence=0.7,
    ),
    **_spec("threatens", "threat ultimatum", target_preps=("against", "to"), confidence=0.6),
    **_spec(
        "accuses_condemns",
        "accusation condemnation criticism warning denunciation censure allegation",
        target_preps=("of", "against", "regarding", "about", "over", "toward", "towards"),
        confidence=0.65,
    ),
    **_spec(
        "sanctions",
        "sanction embargo ban restriction",
        target_preps=("on", "against"),
        confidence=0.7,
    ),
    **_spec(
        "violates",
        "violation breach defiance disregard circumvention evasion",
        target_preps=("of",),
        needs_instrument=True,
        confidence=0.7,
    ),
    **_spec(
        "negotiates",
        "negotiation talk meeting summit deal agreement dialogue discussion",
        target_preps=("with", "between", "among"),
        confidence=0.65,
    ),
    **_spec("supports", "proxy", target_preps=(), confidence=0.6),
    **_spec(
        "supports",
        "support backing aid assistance funding help loan financing sponsorship recognition",
        target_preps=("for", "to", "of"),
        confidence=0.6,
    ),
    **_spec(
        "demands", "demand appeal request plea", target_preps=("to", "on", "of"), confidence=0.6
    ),
}

VERB_FORMS = lemma_table(list(VERBS))
NOUN_FORMS = lemma_table(list(NOUNS), nouns=True)
NOUN_FORMS["talks"] = "talk"
NOUN_FORMS["proxies"] = "proxy"
NOUN_FORMS["arms"] = "arms"

# verbs whose noun object carries the relation: "launched an attack", "imposed sanctions", "held talks"
LIGHT_VERBS = frozenset(
    lemma_table(
        [
            "launch",
            "carry",
            "conduct",
            "wage",
            "impose",
            "introduce",
            "adopt",
            "approve",
            "slap",
            "levy",
            "extend",
            "expand",
            "tighten",
            "hold",
            "sign",
            "make",
            "issue",
            "provide",
            "deliver",
            "send",
            "continue",
            "intensify",
            "step",
            "begin",
            "start",
            "resume",
            "announce",
            "seal",
            "conclude",
            "reach",
            "strike",
            "enter",
            "forge",
            "deepen",
            "strengthen",
            "pursue",
            "mount",
            "stage",
            "perpetrate",
            "commit",
        ]
    )
)

# a cooperation, partnership or tie counts only with a military/security qualifier
NEEDS_MILITARY_QUALIFIER = frozenset({"cooperation", "partnership", "ties", "collaboration"})
MILITARY_QUALIFIERS = frozenset(
    [
        "military",
        "defence",
        "defense",
        "security",
        "strategic",
        "no-limits",
        "nuclear",
        "naval",
        "army",
        "arms",
        "missile",
        "drone",
        "weapons",
    ]
)
NON_MILITARY = frozenset(
    [
        "economic",
        "trade",
        "energy",
        "cultural",
        "scientific",
        "academic",
        "commercial",
        "financial",
        "humanitarian",
    ]
)

# nouns that make 'aid'/'support'/'assistance' military (then it is supplies_weapons)
MILITARY_AID = frozenset(
    ["military", "lethal", "defence", "defense", "security", "weapons", "arms"]
)

# Words that turn the weapon-free verbs of strengthening into a transfer: "bolster its air defence"
STRENGTHEN = frozenset(lemma_table(["bolster", "strengthen", "boost", "replenish", "reinforce"]))

SPEECH_VERBS = frozenset(
    lemma_table(
        [
            "say",
            "tell",
            "state",
            "claim",
            "report",
            "confirm",
            "announce",
            "add",
            "note",
            "write",
            "insist",
            "assert",
            "believe",
            "warn",
            "allege",
            "argue",
            "accuse",
            "deny",
            "stress",
            "reveal",
            "explain",
            "suggest",
            "indicate",
            "acknowledge",
            "admit",
            "declare",
            "estimate",
            "show",
            "disclose",
            "contend",
            "emphasise",
            "emphasize",
            "underline",
            "charge",
            "blame",
            "complain",
            "inform",
            "predict",
            "fear",
        ]
    )
)
DOUBT_VERBS = frozenset(
    lemma_table(
        [
            "claim",
            "allege",
            "accuse",
            "blame",
            "charge",
            "contend",
            "condemn",
            "criticize",
            "criticise",
            "denounce",
            "slam",
            "lambast",
            "rebuke",
        ]
    )
)
DENY_VERBS = frozenset(
    lemma_table(["deny", "reject", "refute", "dismiss", "rebut", "refuse", "refrain", "decline"])
)
DEMAND_VERBS = frozenset(
    lemma_table(
        [
            "urge",
            "demand",
            "ask",
            "press",
            "pressure",
            "push",
            "implore",
            "convince",
            "persuade",
            "request",
            "call",
            "appeal",
            "tell",
        ]
    )
)
PLAN_VERBS = frozenset(
    lemma_table(
        [
            "plan",
            "intend",
            "agree",
            "pledge",
            "promise",
            "offer",
            "announce",
            "prepare",
            "decide",
            "seek",
            "want",
            "aim",
            "propose",
            "vow",
            "expect",
            "consider",
            "negotiate",
            "discuss",
            "schedule",
            "approve",
            "mull",
            "weigh",
            "commit",
        ]
    )
)
HEDGE_VERBS = frozenset(lemma_table(["fear", "worry", "risk"]))

# heads of arguments that are not state actors even with a national modifier: 'US politicians'
NON_STATE_HEADS = frozenset(
    [
        "politician",
        "politicians",
        "lawmaker",
        "lawmakers",
        "legislator",
        "legislators",
        "senator",
        "senators",
        "congressman",
        "congressmen",
        "pundit",
        "pundits",
        "commentator",
        "commentators",
        "analyst",
        "analysts",
        "expert",
        "experts",
        "blogger",
        "bloggers",
        "journalist",
        "journalists",
        "media",
        "company",
        "companies",
        "firm",
        "firms",
        "business",
        "businesses",
        "corporation",
        "corporations",
        "counterpart",
        "counterparts",
        "citizen",
        "citizens",
        "national",
        "nationals",
        "people",
        "man",
        "men",
        "woman",
        "women",
        "voter",
        "voters",
        "activist",
        "activists",
        "opposition",
        "scholar",
        "scholars",
        "academic",
        "academics",
        "researcher",
        "researchers",
        "newspaper",
        "newspapers",
        "outlet",
        "outlets",
    ]
)
