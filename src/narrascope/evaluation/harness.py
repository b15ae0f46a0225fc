"""Predict and score in one call: a split with packaged models, or K-fold cross-validation with
retraining per fold. Results are rows (metric, value, documents) written as JSON beside the
predictions."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrascope.config import Config
from narrascope.datasets import semeval2025
from narrascope.evaluation import scoring
from narrascope.evaluation.folds import Fold
from narrascope.evaluation.predict import open_split, resolve_releases
from narrascope.evaluation.rows import Row, mean_rows
from narrascope.evaluation.systems import systems_for

RESULTS_FILE = "scores.json"


@dataclass
class Evaluation:
    """The rows of one system on one dataset split, with how they were obtained."""

    dataset: str
    split: str
    system: str
    rows: list[Row]
    messages: list[str] = field(default_factory=list)
    folds: int = 0
    seconds: float = 0.0
    command: str = ""

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "split": self.split,
            "system": self.system,
            "folds": self.folds,
            "seconds": round(self.seconds, 1),
            "command": self.command,
            "messages": self.messages,
            "rows": [r.to_dict() for r in self.rows],
        }


def kfold(ids: Sequence[str], k: int, seed: int = 0) -> list[list[str]]:
    """K folds over sorted ids after a seeded shuffle; deterministic for (ids, k, seed)."""
    if k < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    ordered = sorted(set(ids))
    if len(ordered) < k:
        raise ValueError(f"{len(ordered)} documents cannot make {k} folds")
    order = np.random.default_rng(seed).permutation(len(ordered))
    return [sorted(ordered[i] for i in part) for part in np.array_split(order, k)]


def _score(fold: Fold) -> list[Row]:
    if fold.dataset == "semeval2025":
        taxonomy = scoring.find_taxonomy(fold.data)
        return scoring.score_semeval2025(
            fold.out, fold.split, taxonomy, fold.held_ids, fold.releases
        )
    if fold.dataset == "semeval2023":
        return scoring.score_semeval2023(fold.out, fold.split, fold.held_ids)
    return scoring.score_ptc(fold.out, fold.split, fold.held_ids)


def _document_ids(dataset: str, split, releases: dict) -> list[str]:
    if dataset == "semeval2025":
        ids = set(split.documents())
        for other in releases.values():
            ids |= set(other.documents())
        return sorted(ids)
    if dataset == "ptc":
        return sorted(split.articles())
    return sorted(split.articles())


def _release_messages(dataset: str, split_name: str, releases: dict) -> list[str]:
    return [
        f"subtask {n}: gold from release {s.name} (the split {split_name} has none)"
        for n, s in sorted(releases.items())
    ]


def evaluate(
    dataset: str,
    data: Path,
    split: str,
    out: Path,
    lang: str = "EN",
    config: Config | None = None,
    system: str = "narrascope",
    command: str = "",
) -> Evaluation:
    """Predict the split with the packaged (or configured) models and score it."""
    started = time.perf_counter()
    found = open_split(dataset, data, split, lang)
    releases = resolve_releases(found) if isinstance(found, semeval2025.Split) else {}
    fold = Fold(dataset, Path(data), found, Path(out), releases=releases, config=config)
    fold.out.mkdir(parents=True, exist_ok=True)
    run = systems_for(dataset)[system](fold)
    result = Evaluation(dataset, split, system, _score(fold), command=command)
    result.messages = (
        _release_messages(dataset, split, releases)
        + run.messages
        + [f"failed: {f}" for f in run.failures]
    )
    result.seconds = time.perf_counter() - started
    write_results(result, fold.out)
    return result


def cross_validate(
    dataset: str,
    data: Path,
    split: str,
    out: Path,
    k: int = 5,
    lang: str = "EN",
    config: Config | None = None,
    systems: Sequence[str] = ("narrascope",),
    seed: int = 0,
    command: str = "",
) -> list[Evaluation]:
    """K-fold cross-validation of each system; rows are means over folds (std over folds)."""
    found = open_split(dataset, data, split, lang)
    releases = resolve_releases(found) if isinstance(found, semeval2025.Split) else {}
    ids = _document_ids(dataset, found, releases)
    folds = kfold(ids, k, seed)
    known = systems_for(dataset)
    results = []
    for name in systems:
        if name not in known:
            raise ValueError(f"unknown system {name!r} for {dataset}; known: {', '.join(known)}")
        started = time.perf_counter()
        per_fold: list[list[Row]] = []
        messages: list[str] = _release_messages(dataset, split, releases)
        for i, held in enumerate(folds):
            held_set = set(held)
            fold = Fold(
                dataset,
                Path(data),
                found,
                Path(out) / name / f"fold-{i}" / "predictions",
                held_ids=held_set,
                train_ids=set(ids) - held_set,
                releases=releases,
                config=config,
                seed=seed,
                index=i,
            )
            fold.out.mkdir(parents=True, exist_ok=True)
            run = known[name](fold)
            per_fold.append(_score(fold))
            partial = Evaluation(dataset, split, name, per_fold[-1], run.messages, 0, 0.0, command)
            write_results(
                partial, fold.out.parent
            )  # each fold's own scores, kept if the run stops early
            messages += [m for m in run.messages if m not in messages]
            messages += [f"fold {i} failed: {f}" for f in run.failures]
        result = Evaluation(
            dataset,
            split,
            name,
            mean_rows(per_fold),
            messages,
            k,
            time.perf_counter() - started,
            command,
        )
        write_results(result, Path(out) / name)
        results.append(result)
    return results


def rescore_cross_validation(
    dataset: str,
    data: Path,
    split: str,
    out: Path,
    k: int = 5,
    lang: str = "EN",
    systems: Sequence[str] = ("narrascope",),
    seed: int = 0,
    command: str = "",
) -> list[Evaluation]:
    """Score the fold predictions an earlier `cross_validate` left under `out` without predicting
    again (e.g. after the scorer changed, or for the completed folds of an interrupted run)."""
    found = open_split(dataset, data, split, lang)
    releases = resolve_releases(found) if isinstance(found, semeval2025.Split) else {}
    folds = kfold(_document_ids(dataset, found, releases), k, seed)
    results = []
    for name in systems:
        per_fold: list[list[Row]] = []
        for i, held in enumerate(folds):
            predictions = Path(out) / name / f"fold-{i}" / "predictions"
            if not predictions.is_dir() or not any(predictions.iterdir()):
                continue
            fold = Fold(
                dataset, Path(data), found, predictions, held_ids=set(held), releases=releases
            )
            per_fold.append(_score(fold))
        messages = _release_messages(dataset, split, releases)
        if len(per_fold) < k:
            messages.append(f"only {len(per_fold)} of {k} folds have predictions")
        previous = Path(out) / name / RESULTS_FILE
        if previous.is_file():  # keep the command that produced the predictions
            earlier = json.loads(previous.read_text(encoding="utf-8")).get("command", "")
            command = earlier if earlier and "--rescore" not in earlier else command
        result = Evaluation(
            dataset, split, name, mean_rows(per_fold), messages, len(per_fold), 0.0, command
        )
        write_results(result, Path(out) / name)
        results.append(result)
    return results


def write_results(result: Evaluation, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / RESULTS_FILE
    path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path
