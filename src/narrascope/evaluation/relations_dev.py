"""Scores of predicted relations against the project's relation annotations.

Definitions (the issue's targets are stated in these terms):

- **triples**: unique `(doc, source, type, target)` per article; `negotiates` and
  `military_cooperation` compare without direction. Precision, recall and F1 over these sets,
  overall and per type.
- **sentence records**: the same triples per evidence sentence (same sentence start), a stricter
  view that also says whether the evidence is right.
- **modality accuracy**: over sentence records found in both, the predicted modality is one of
  the gold modalities of that record (a sentence may hold a triple twice, e.g. denied and asserted).
- **attribution accuracy**: over the same records, both attributions empty, or both non-empty and
  sharing a word (case-folded, short function words ignored): 'Pentagon' agrees with 'the
  Pentagon spokesperson'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

SYMMETRIC = frozenset({"negotiates", "military_cooperation"})
_FUNCTION_WORDS = frozenset({"the", "a", "an", "of", "and", "for", "to", "in", "on", "by"})


def _key(doc: str, r: Any) -> tuple[str, str, str, str]:
    ends = (r.source, r.target)
    if r.type in SYMMETRIC:
        ends = tuple(sorted(ends))
    return (doc, r.type, ends[0], ends[1])


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
    }


def _words(text: str) -> set[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.casefold())
    return {w for w in cleaned.split() if w not in _FUNCTION_WORDS}


def attribution_agrees(predicted: str, gold: str) -> bool:
    if not predicted.strip() or not gold.strip():
        return not predicted.strip() and not gold.strip()
    return bool(_words(predicted) & _words(gold))


def score(
    predicted: Mapping[str, Iterable[Any]], gold: Mapping[str, Iterable[Any]]
) -> dict[str, Any]:
    """Triple and sentence-record scores, per type, and modality/attribution accuracy."""
    docs = set(gold) | set(predicted)
    pred_triples, gold_triples = set(), set()
    pred_sent: dict[tuple, list[Any]] = defaultdict(list)
    gold_sent: dict[tuple, list[Any]] = defaultdict(list)
    for doc in docs:
        for r in predicted.get(doc, []):
            pred_triples.add(_key(doc, r))
            pred_sent[(*_key(doc, r), r.start)].append(r)
        for r in gold.get(doc, []):
            gold_triples.add(_key(doc, r))
            gold_sent[(*_key(doc, r), r.start)].append(r)
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for k in pred_triples | gold_triples:
        cell = by_type[k[1]]
        if k in pred_triples and k in gold_triples:
            cell[0] += 1
        elif k in pred_triples:
            cell[1] += 1
        else:
            cell[2] += 1
    tp = len(pred_triples & gold_triples)
    sent_tp = set(pred_sent) & set(gold_sent)
    modality_ok = attribution_ok = 0
    for k in sent_tp:
        gold_modalities = {g.modality for g in gold_sent[k]}
        modality_ok += any(p.modality in gold_modalities for p in pred_sent[k])
        attribution_ok += any(
            attribution_agrees(p.attribution, g.attribution)
            for p in pred_sent[k]
            for g in gold_sent[k]
        )
    n = len(sent_tp)
    return {
        "triples": _prf(tp, len(pred_triples) - tp, len(gold_triples) - tp),
        "sentence_records": _prf(n, len(pred_sent) - n, len(gold_sent) - n),
        "by_type": {t: _prf(*v) for t, v in sorted(by_type.items())},
        "modality_accuracy": round(modality_ok / n, 3) if n else 0.0,
        "attribution_accuracy": round(attribution_ok / n, 3) if n else 0.0,
        "matched_records": n,
        "articles": len(gold),
    }


def rows_for(system: str, scores: dict[str, Any], split: str, command: str) -> list[dict]:
    """Result rows in the docs/results format: overall triple scores, per type, agreement."""
    task = f"relations, own annotations ({split})"
    n = scores["articles"]
    rows = []
    t = scores["triples"]
    note = f"triples tp={t['tp']} fp={t['fp']} fn={t['fn']}"
    for metric in ("precision", "recall", "f1"):
        rows.append(_row(task, system, metric, t[metric], n, note, command))
    s = scores["sentence_records"]
    rows.append(
        _row(
            task,
            system,
            "sentence_f1",
            s["f1"],
            n,
            f"per evidence sentence tp={s['tp']} fp={s['fp']} fn={s['fn']}",
            command,
        )
    )
    matched = f"on {scores['matched_records']} matched sentence records"
    rows.append(
        _row(task, system, "modality_accuracy", scores["modality_accuracy"], n, matched, command)
    )
    rows.append(
        _row(
            task,
            system,
            "attribution_accuracy",
            scores["attribution_accuracy"],
            n,
            matched,
            command,
        )
    )
    for type_, cell in scores["by_type"].items():
        type_note = f"tp={cell['tp']} fp={cell['fp']} fn={cell['fn']}"
        for metric in ("precision", "recall"):
            rows.append(
                _row(f"{task}: {type_}", system, metric, cell[metric], n, type_note, command)
            )
    return rows


def _row(
    task: str, system: str, metric: str, value: float, n: int, note: str, command: str
) -> dict:
    return {
        "task": task,
        "system": system,
        "metric": metric,
        "value": value,
        "documents": n,
        "std": None,
        "note": note,
        "command": command,
    }


def write_results(scores: dict[str, dict[str, Any]], path: Any, split: str, command: str) -> None:
    import datetime
    import json
    from pathlib import Path

    rows = [r for system, s in scores.items() for r in rows_for(system, s, split, command)]
    payload = {
        "title": f"Relations: the project's annotated {split} articles",
        "command": command,
        "measured": datetime.date.today().isoformat(),
        "rows": rows,
        "scores": scores,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
