"""Model packages: one folder format and one loader for every trained model.

A package is a folder with
- `meta.json`: what the model is (`ModelMeta`): its task and labels, the encoder (name and
  dimension) whose vectors it was trained on, the narrascope version that wrote it, its
  training data and that data's terms, its measured metrics and the command that rebuilds it;
- `config.json`: the task's own settings (thresholds, decision rule, feature parts, ...);
- `card.md`: the model card for people;
- the weights (`.npz` files) beside them.

The shipped packages live here (`narrascope/models/<task>/`); a user points an analyzer at
their own with `[analyzers.<task>] model = "path"`. `load_package` refuses a package written for
another task or trained on another encoder than the pipeline's: its vectors would not mean what
the weights expect, and the results would be silently wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError

from narrascope.encoders import Encoder, EncoderIdentity, identity

FORMAT = 1
META = "meta.json"
CONFIG = "config.json"
CARD = "card.md"


class ModelError(ValueError):
    """A model package that is missing, malformed or does not fit the pipeline."""


class EncoderSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str
    dimension: int


class ModelMeta(BaseModel):
    """The contents of `meta.json`."""

    model_config = ConfigDict(extra="forbid")

    format: int = FORMAT
    task: str
    labels: list[str]
    encoder: EncoderSpec
    narrascope_version: str
    data: str
    terms: str
    metrics: dict[str, Any] = {}
    command: str


@dataclass(frozen=True, eq=False)  # hashed by identity: one object per folder (`_read`)
class ModelPackage:
    path: Path
    meta: ModelMeta
    config: dict[str, Any]

    def weights(self, name: str = "weights.npz") -> Any:
        """An `.npz` file of the package (arrays loaded on access)."""
        return np.load(self.path / name)

    def check_encoder(self, encoder: EncoderIdentity) -> None:
        """Refuse a pipeline whose encoder differs from the one the model was trained on."""
        trained = EncoderIdentity(self.meta.encoder.model, self.meta.encoder.dimension)
        if trained != encoder:
            raise ModelError(
                f"the {self.meta.task} model at {self.path} was trained on encoder {trained}, "
                f"but this pipeline's encoder is {encoder}; set [encoder] to the model's, or "
                f"train a {self.meta.task} model on this encoder "
                f"(narrascope train {self.meta.task} --out DIR) and set "
                f'[analyzers.{self.meta.task}] model = "DIR"'
            )


def packaged_path(task: str) -> Path:
    """Where the shipped package of `task` lives."""
    return Path(str(resources.files("narrascope") / "models" / task))


def load_package(
    path: str | Path | None, task: str, encoder: Encoder | EncoderIdentity | None
) -> ModelPackage:
    """The package at `path` (empty: the shipped one) for `task`, checked against `encoder`.

    `encoder` None skips the encoder check: only for a trainer reading back what it just wrote.
    """
    folder = Path(path) if path else packaged_path(task)
    package = _read(str(folder.resolve()))
    if package.meta.task != task:
        raise ModelError(
            f"{folder} is a {package.meta.task} model package, not a {task} one "
            f"(check [analyzers.{task}] model in the config)"
        )
    if encoder is not None:
        package.check_encoder(
            encoder if isinstance(encoder, EncoderIdentity) else identity(encoder)
        )
    return package


@lru_cache(maxsize=16)
def _read(folder: str) -> ModelPackage:
    path = Path(folder)
    meta_file = path / META
    if not meta_file.is_file():
        task = path.name
        raise ModelError(
            f"no model package at {path}: {META} is missing "
            f"(train one: narrascope train {task} --data DIR --out {path})"
        )
    try:
        meta = ModelMeta.model_validate_json(meta_file.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ModelError(f"{meta_file}: not a valid model description:\n{exc}") from None
    if meta.format != FORMAT:
        raise ModelError(
            f"{meta_file}: package format {meta.format}, this narrascope reads {FORMAT}"
        )
    config_file = path / CONFIG
    config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.is_file() else {}
    return ModelPackage(path=path, meta=meta, config=config)


def write_meta(
    out: Path,
    *,
    task: str,
    labels: list[str],
    encoder: Encoder | EncoderIdentity,
    data: str,
    terms: str,
    metrics: dict[str, Any],
    command: str,
) -> ModelMeta:
    """Write `meta.json` into a package folder a trainer has filled (weights, config, card)."""
    from narrascope import __version__

    ident = encoder if isinstance(encoder, EncoderIdentity) else identity(encoder)
    meta = ModelMeta(
        task=task,
        labels=list(labels),
        encoder=EncoderSpec(model=ident.model, dimension=ident.dimension),
        narrascope_version=__version__,
        data=data,
        terms=terms,
        metrics=metrics,
        command=command,
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / META).write_text(meta.model_dump_json(indent=1) + "\n", encoding="utf-8")
    _read.cache_clear()
    return meta
