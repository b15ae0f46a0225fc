"""Cue words of modality and where they sit relative to a relation's trigger, for the learned head.

The guideline decides modality from a handful of signals: negation and denial, calls and
demands ("should", "urged", "calls on"), conditions and possibilities ("if", "could",
"potential", "the risk of"), plans and pledges ("will", "plans to", "ready to"), doubt
("allegedly", "blamed", "claims") and reporting ("said", "according to"). The lexicon below
groups such words by the modality they point to; the features say whether one is attached to
the trigger, above it on the path to the root, near it, or only somewhere in the sentence, and
whether the sentence quotes someone.
"""

from __future__ import annotations

from typing import Any

CUE_WORDS = {
    "hypo": "could might would may if unless whether potential potentially possible possibly "
    "possibility risk risks fear fears feared concern concerns concerned worry worried likely "
    "unlikely imminent prospect scenario danger perhaps maybe chance",
    "plan": "will 'll shall plan plans planned planning intend intends intention pledge pledged "
    "promise promised vow vowed vows agree agreed ready readiness prepare preparing prepares "
    "upcoming future soon offer offered offers want wants seek seeks",
    "call": "should must ought need needs urge urged urges call calls called demand demanded "
    "demands ask asked asks appeal appealed press pressed",
    "deny": "not no never n't deny denied denies denial reject rejected rejects refuse refused "
    "refuses refusal yet neither nor",
    "alleged": "allegedly alleged claim claims claimed accuse accused accuses blame blamed blames "
    "suspected purported purportedly supposedly so-called baseless fabricated unverified",
    "said": "said says say told according stated reported confirmed announced statement noted "
    "added insisted believes believe argued warned per",
}
CUES: dict[str, str] = {w: cls for cls, words in CUE_WORDS.items() for w in words.split()}
ATTACHED_DEPS = frozenset({"aux", "auxpass", "neg", "advmod", "amod", "det", "mark"})
CLAUSE_MARKERS = frozenset({"aux", "neg", "mark", "advmod"})
QUOTES = frozenset({'"', "“", "”"})
NEAR = 4
MAX_STEPS = 8


def cue_features(trigger: Any, lo: int, hi: int) -> dict[str, float]:
    """Cue classes on the trigger, above it, near it and in the sentence (tokens [lo, hi))."""
    f: dict[str, float] = {}
    if trigger is None:
        return f
    sdoc = trigger.doc
    for child in trigger.children:
        cls = CUES.get(child.lower_)
        if cls and child.dep_ in ATTACHED_DEPS:
            f["mc_kid=" + cls] = 1
    node, steps = trigger, 0
    while node.head.i != node.i and lo <= node.head.i < hi and steps < MAX_STEPS:
        node, steps = node.head, steps + 1
        cls = CUES.get(node.lower_)
        if cls:
            f["mc_up=" + cls] = 1
            f["mc_upw=" + node.lower_] = 1
        for child in node.children:
            cls = CUES.get(child.lower_)
            if cls and child.dep_ in CLAUSE_MARKERS:
                f["mc_upkid=" + cls] = 1
    for i in range(max(lo, trigger.i - NEAR), min(hi, trigger.i + NEAR + 1)):
        cls = CUES.get(sdoc[i].lower_)
        if cls and i != trigger.i:
            f["mc_near=" + cls] = 1
    for i in range(lo, hi):
        tok = sdoc[i]
        cls = CUES.get(tok.lower_)
        if cls:
            f["mc_sent=" + cls] = 1
        if tok.text in QUOTES:
            f["mc_quote"] = 1
    return f
