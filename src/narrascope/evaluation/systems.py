"""Named systems the harness can score: narrascope itself and simple reference baselines.

A system gets a `Fold` (what it may learn from, which documents to predict, where to write) and
writes official-format prediction files into `fold.out`. Cross-validation and the benchmark
report run every system through the same folds and the same scorer.
"""

from __future__ import annotations

import copy

from narrascope import training
from narrascope.config import Config
from narrascope.evaluation import baselines
from narrascope.evaluation.folds import Fold, System
from narrascope.evaluation.predict import (
    PredictionRun,
    predict_ptc,
    predict_semeval2023,
    predict_semeval2025,
)

# what each dataset's learned analyzers are trained as, and which prediction files they produce
TASKS: dict[str, dict[str, tuple[str, ...]]] = {
    "semeval2025": {"narratives": ("subtask-2.txt", "subtask-3.txt"), "roles": ("subtask-1.txt",)},
    "ptc": {"techniques": ("si.txt", "tc.txt")},
    "semeval2023": {},
}


def narrascope_system(fold: Fold) -> PredictionRun:
    """The pipeline. Under cross-validation each trainable task is retrained without the held-out
    documents and only subtasks whose models were retrained are kept (honest numbers)."""
    config = copy.deepcopy(fold.config) if fold.config is not None else Config.load()
    messages: list[str] = []
    dropped: list[str] = []
    if fold.held_ids is not None:
        for task, files in TASKS[fold.dataset].items():
            if task not in training.TRAINERS:
                messages.append(
                    f"{task}: no trainer registered, not cross-validated ({', '.join(files)} left out)"
                )
                dropped += files
                continue
            model_dir = fold.out.parent / "models" / task
            training.train(
                task, fold.data, model_dir, exclude_ids=sorted(fold.held_ids), seed=fold.seed
            )
            config.options.setdefault(task, {})["model"] = str(model_dir)
    if fold.dataset == "semeval2025":
        run = predict_semeval2025(fold.split, fold.out, config, fold.held_ids, fold.releases)
    elif fold.dataset == "semeval2023":
        run = predict_semeval2023(fold.split, fold.out, config, fold.held_ids)
    else:
        run = predict_ptc(fold.split, fold.out, config, fold.held_ids)
    for name in dropped:
        (fold.out / name).unlink(missing_ok=True)
    run.messages = messages + run.messages
    return run


def _systems() -> dict[str, dict[str, System]]:

    return {
        "semeval2025": {
            "narrascope": narrascope_system,
            "all-other": baselines.all_other,
            "majority": baselines.majority_roles,
            "tfidf-logreg": baselines.tfidf_logreg,
        },
        "ptc": {"narrascope": narrascope_system, "majority": baselines.majority_technique},
        "semeval2023": {"narrascope": narrascope_system},
    }


def systems_for(dataset: str) -> dict[str, System]:
    return _systems()[dataset]
