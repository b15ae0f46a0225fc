"""Trainers for the learned layers, by task name.

A trainer is a function `train(data: Path, out: Path, *, exclude_ids=None, seed=0, **options) -> Path`
that reads its labelled data under `data`, leaves out the documents in `exclude_ids` (for
cross-validation), and writes a model package (`narrascope.models`: meta.json, config.json, card.md, weights) to
`out`. Training is
deterministic for a given seed. Analyzers load such a directory through their `model` option.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from importlib import import_module
from pathlib import Path
from typing import Any

SEMEVAL_TERMS = (
    "research use only (SemEval-2025 Task 10 data); not redistributed with narrascope: "
    "the weights are derived from it, use them for research"
)

PROJECT_TERMS = "CC-BY-4.0 (examples written by the narrascope project)"

TRAINERS: dict[str, str] = {
    "narratives": "narrascope.training.narratives:train",
    "roles": "narrascope.training.roles:train",
    "techniques": "narrascope.training.techniques:train",
    "genre": "narrascope.training.genre:train",
    "frames": "narrascope.training.frames:train",
    "relations": "narrascope.training.relations:train",
}


def available() -> list[str]:
    return sorted(TRAINERS)


def get_trainer(task: str) -> Callable[..., Path]:
    if task not in TRAINERS:
        raise KeyError(f"unknown task {task!r}; trainable: {', '.join(available()) or 'none'}")
    module, _, attr = TRAINERS[task].partition(":")
    return getattr(import_module(module), attr)


def train(
    task: str,
    data: Path,
    out: Path,
    *,
    exclude_ids: Collection[str] | None = None,
    seed: int = 0,
    **options: Any,
) -> Path:
    return get_trainer(task)(Path(data), Path(out), exclude_ids=exclude_ids, seed=seed, **options)
