"""Pipeline configuration: which analyzers run, with which options and models (a TOML file).

The file is validated strictly: an unknown section or key (`[pipline]`), a wrong type, an empty
pipeline or an unknown analyzer is refused when it is loaded, and an option an analyzer does not
take (or of the wrong type) when the pipeline is built, before any model loads (checking options
imports the analyzers' modules, which loading a config alone should not); every message names
the file and the key.
"""

from __future__ import annotations

import tomllib
import typing
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, TypeAdapter, ValidationError

PACKAGED = "<packaged default.toml>"
# profile name -> the packaged config file that defines it (see docs/performance.md)
PROFILES = {"accurate": "default.toml", "fast": "fast.toml"}
Profile = Literal["accurate", "fast"]


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PipelineSection(_Section):
    analyzers: list[str] = Field(min_length=1)
    batch_size: PositiveInt = 16
    # "accurate": every layer it lists is what it is. "fast": a triage pipeline; the layers of
    # the accurate profile it does not serve are marked unavailable ("profile fast") in each
    # document instead of being left silently empty
    profile: Profile = "accurate"


class LimitsSection(_Section):
    max_chars: PositiveInt = 2_000_000


class EncoderConfig(_Section):
    """The `[encoder]` section: the one backbone of the pipeline (`encoders.build_encoder`)."""

    backend: str = "onnx"
    model: str = ""
    max_tokens: PositiveInt = 128
    # which build of the ONNX graph runs (same vectors): see encoders/variants.py
    variant: Literal["auto", "int8", "fp32"] = "auto"
    # "dynamic" (each text at its own length: the published model, what the packaged heads are
    # trained on) | "fixed" (every text padded to 128 tokens, as the first heads were); the
    # two give different vectors, so they are different encoder identities for model packages
    padding: Literal["fixed", "dynamic"] = "dynamic"
    # ONNX Runtime's worker threads busy-wait between operators when this is on; with other work
    # on the cores (the spaCy parse beside the backbone, other processes) that spinning burns CPU
    # the others need, so it is off (docs/performance.md, "spin-waiting")
    spin_wait: bool = False


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
    profile: Profile = "accurate"
    max_chars: int = 2_000_000
    encoder: EncoderConfig = Field(default_factory=EncoderConfig)
    options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    source: str = "config"  # the file it came from, named in errors

    @classmethod
    def from_toml(cls, data: dict[str, Any], source: str = "config") -> Config:
        """Validate a parsed file; `source` (the file) is named in every error."""
        try:
            parsed = ConfigFile.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, source)) from None
        check_names(parsed, source)
        return cls(
            analyzers=parsed.pipeline.analyzers,
            batch_size=parsed.pipeline.batch_size,
            profile=parsed.pipeline.profile,
            max_chars=parsed.limits.max_chars,
            encoder=parsed.encoder,
            options={k: dict(v) for k, v in parsed.analyzers.items()},
            source=source,
        )

    @classmethod
    def load(cls, path: str | Path | None = None, profile: str | None = None) -> Config:
        """The given file, else the packaged config of `profile` (default: "accurate").

        A file and a profile together must agree: the file states its own profile."""
        if profile is not None and profile not in PROFILES:
            raise ConfigError(f"unknown profile {profile!r}; use one of: {', '.join(PROFILES)}")
        if path is None:
            name = PROFILES[profile or "accurate"]
            text = (resources.files("narrascope") / name).read_text(encoding="utf-8")
            source = PACKAGED if name == "default.toml" else f"<packaged {name}>"
        else:
            text = Path(path).read_text(encoding="utf-8")
            source = str(path)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from None
        config = cls.from_toml(data, source)
        if path is None:
            config.options = _packaged_model_paths(config.options)
        elif profile is not None and config.profile != profile:
            raise ConfigError(
                f"{source}: its [pipeline] profile is {config.profile!r}, not {profile!r}; "
                "set profile in the file, or leave out the file or the profile"
            )
        return config

    def options_for(self, name: str) -> dict[str, Any]:
        return dict(self.options.get(name, {}))

    def check_options(self, names: list[str]) -> None:
        """Refuse an option that one of these analyzers does not take, or of the wrong type."""
        from narrascope import registry

        problems = []
        for name in names:
            options = self.options.get(name, {})
            if not options:
                continue
            cls = registry.get(name)
            accepted = cls.option_names()
            if accepted is None:
                continue
            hints = _hints(cls)
            for key, value in options.items():
                if key not in accepted:
                    problems.append(
                        f"[analyzers.{name}] has no option {key!r}; it takes: "
                        + (", ".join(accepted) or "no options")
                    )
                elif key in hints:
                    try:
                        TypeAdapter(hints[key]).validate_python(value)
                    except ValidationError as exc:
                        problems.append(
                            f"[analyzers.{name}] {key} = {value!r}: {exc.errors()[0]['msg']}"
                        )
        if problems:
            raise ConfigError(f"{self.source}: " + "; ".join(problems))


def _packaged_model_paths(options: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A packaged config names its own model packages relative to the package
    (`model = "models/fast-narratives"`): make those paths absolute."""
    root = Path(str(resources.files("narrascope")))
    out = {}
    for name, table in options.items():
        model = table.get("model")
        if isinstance(model, str) and model.startswith("models/"):
            table = {**table, "model": str(root / model)}
        out[name] = table
    return out


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


def check_names(parsed: ConfigFile, source: str) -> None:
    """Every analyzer named, in the pipeline or as an `[analyzers.<name>]` table, must exist."""
    from narrascope import registry

    known = registry.available()
    problems = [
        f"unknown analyzer {name!r} in "
        + ("[pipeline] analyzers" if name in parsed.pipeline.analyzers else f"[analyzers.{name}]")
        + "; available: "
        + ", ".join(known)
        for name in dict.fromkeys([*parsed.pipeline.analyzers, *parsed.analyzers])
        if name not in known
    ]
    if problems:
        raise ConfigError(f"{source}: " + "; ".join(problems))


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls.__init__)  # type: ignore[misc]
    except Exception:  # an annotation only importable for type checkers: skip the type check
        return {}
