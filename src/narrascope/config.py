"""Pipeline configuration: which analyzers run, with which options and models (a TOML file).

The file is validated strictly: an unknown section or key (`[pipline]`), a wrong type, an empty
pipeline, an unknown analyzer or an option an analyzer does not take is refused with a message
naming the file and the key, before any model loads.
"""

from __future__ import annotations

import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, TypeAdapter, ValidationError

PACKAGED = "<packaged default.toml>"


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PipelineSection(_Section):
    analyzers: list[str] = Field(min_length=1)
    batch_size: PositiveInt = 16


class LimitsSection(_Section):
    max_chars: PositiveInt = 2_000_000


class EncoderConfig(_Section):
    """The `[encoder]` section: the one backbone of the pipeline (`encoders.build_encoder`)."""

    backend: str = "onnx"
    model: str = ""
    max_tokens: PositiveInt = 128
    # which build of the ONNX graph runs (same vectors): see encoders/variants.py
    variant: Literal["auto", "int8", "fp32"] = "auto"
    # "fixed" (every text padded to 128 tokens, what the packaged heads were trained on) |
    # "dynamic" (each text at its own length: the published model, about 5x faster); the two
    # give different vectors, so they are different encoder identities for model packages
    padding: Literal["fixed", "dynamic"] = "fixed"


class ConfigFile(_Section):
    """The whole file. `[server]` belongs to `narrascope serve` (checked by its settings)."""

    pipeline: PipelineSection
    limits: LimitsSection = Field(default_factory=LimitsSection)
    encoder: EncoderConfig = Field(default_factory=EncoderConfig)
    analyzers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    server: dict[str, Any] = Field(default_factory=dict)


class Config(BaseModel):
    analyzers: list[str]
    batch_size: int = 16
    max_chars: int = 2_000_000
    encoder: EncoderConfig = Field(default_factory=EncoderConfig)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @classmethod
    def from_toml(cls, data: dict[str, Any], source: str = "config") -> Config:
        """Validate a parsed file; `source` (the file) is named in every error."""
        try:
            parsed = ConfigFile.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, source)) from None
        check_analyzers(parsed, source)
        return cls(
            analyzers=parsed.pipeline.analyzers,
            batch_size=parsed.pipeline.batch_size,
            max_chars=parsed.limits.max_chars,
            encoder=parsed.encoder,
            options={k: dict(v) for k, v in parsed.analyzers.items()},
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> Config:
        """The given file, else the packaged default."""
        if path is None:
            text = (resources.files("narrascope") / "default.toml").read_text(encoding="utf-8")
            source = PACKAGED
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        return cls.from_toml(data, source)

    def options_for(self, name: str) -> dict[str, Any]:
        return dict(self.options.get(name, {}))


def _describe(exc: ValidationError, source: str) -> str:
    problems = []
    for error in exc.errors():
        where = _key(error["loc"])
        if error["type"] == "extra_forbidden":
            problems.append(f"unknown key {where!r}")
        elif error["type"] == "missing":
            problems.append(f"missing {where!r}")
        elif error["type"] == "too_short" and where == "pipeline.analyzers":
            problems.append("the pipeline is empty: list at least one analyzer in [pipeline]")
        else:
            problems.append(f"{where}: {error['msg']}")
    return f"{source}: " + "; ".join(problems)


def _key(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def check_analyzers(parsed: ConfigFile, source: str) -> None:
    """Every analyzer named must be registered, and every option one it accepts, of its type."""
    from narrascope import registry

    problems = []
    for name in [*parsed.pipeline.analyzers, *parsed.analyzers]:
        if name not in registry.available():
            where = "[pipeline] analyzers" if name in parsed.pipeline.analyzers else "[analyzers]"
            problems.append(
                f"unknown analyzer {name!r} in {where}; available: "
                + ", ".join(registry.available())
            )
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(dict.fromkeys(problems)))
    for name, options in parsed.analyzers.items():
        cls = registry.get(name)
        accepted = cls.option_names()
        hints = _hints(cls)
        for key, value in options.items():
            if key not in accepted:
                problems.append(
                    f"[analyzers.{name}] has no option {key!r}; it takes: "
                    + (", ".join(accepted) or "no options")
                )
            elif key in hints:
                try:
                    TypeAdapter(hints[key]).validate_python(value, strict=False)
                except ValidationError as exc:
                    problems.append(
                        f"[analyzers.{name}] {key} = {value!r}: {exc.errors()[0]['msg']}"
                    )
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls.__init__)  # type: ignore[misc]
    except Exception:  # an annotation only importable for type checkers: skip the type check
        return {}
