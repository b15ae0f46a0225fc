"""What a scored system receives (`Fold`) and what it is (`System`): shared by the harness,
narrascope's own system and the reference baselines, which therefore need not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrascope.config import Config
from narrascope.evaluation.predict import PredictionRun


@dataclass
class Fold:
    """One prediction job. `train_ids` is None outside cross-validation (use packaged models)."""

    dataset: str
    data: Path
    split: Any
    out: Path
    held_ids: set[str] | None = None
    train_ids: set[str] | None = None
    releases: dict[int, Any] = field(default_factory=dict)
    config: Config | None = None
    seed: int = 0
    index: int = 0


System = Callable[[Fold], PredictionRun]
