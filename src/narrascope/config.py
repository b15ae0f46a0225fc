"""Pipeline configuration: which analyzers run, with which options and models (a TOML file)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field


class EncoderConfig(BaseModel):
    backend: str = "onnx"
    model: str = ""
    max_tokens: int = 128
    # "auto" | "int8" | "fp32": which build of the ONNX graph runs (same vectors)
    variant: str = "auto"
    # "fixed" (every text padded to 128 tokens, what the packaged heads were trained on) |
    # "dynamic" (each text at its own length: the published model, about 5x faster)
    padding: str = "fixed"


class Config(BaseModel):
    analyzers: list[str]
    batch_size: int = 16
    max_chars: int = 2_000_000
    encoder: EncoderConfig = Field(default_factory=EncoderConfig)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> Config:
        pipeline = data.get("pipeline", {})
        return cls(
            analyzers=list(pipeline.get("analyzers", [])),
            batch_size=int(pipeline.get("batch_size", 16)),
            max_chars=int(data.get("limits", {}).get("max_chars", 2_000_000)),
            encoder=EncoderConfig(**data.get("encoder", {})),
            options={k: dict(v) for k, v in data.get("analyzers", {}).items()},
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> Config:
        """The given file, else the packaged default."""
        if path is None:
            text = (resources.files("narrascope") / "default.toml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_toml(tomllib.loads(text))

    def options_for(self, name: str) -> dict[str, Any]:
        return dict(self.options.get(name, {}))
