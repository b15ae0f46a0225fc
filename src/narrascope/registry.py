"""Analyzer names -> classes.

Built-in analyzers are listed as import paths so that choosing a pipeline imports only what it
uses; `register` adds user analyzers at run time.
"""

from __future__ import annotations

from importlib import import_module

from narrascope.analyzers.base import Analyzer

BUILTIN: dict[str, str] = {
    "segmentation": "narrascope.analyzers.segmentation:Segmentation",
    "language": "narrascope.analyzers.language:LanguageDetection",
    "entities": "narrascope.analyzers.entities:EntityMentions",
    "embeddings": "narrascope.analyzers.embeddings:Embeddings",
    "narratives": "narrascope.analyzers.narratives:Narratives",
    "roles": "narrascope.analyzers.roles:Roles",
    "explanation": "narrascope.analyzers.explanation:NarrativeExplanation",
    "actors": "narrascope.analyzers.actors:Actors",
    "actor_names": "narrascope.analyzers.actors:ActorNames",
    "relations": "narrascope.analyzers.relations:Relations",
    "claims": "narrascope.analyzers.claims:Claims",
    "techniques": "narrascope.analyzers.techniques:Techniques",
    "genre": "narrascope.analyzers.genre:GenreAnalyzer",
    "frames": "narrascope.analyzers.frames:Frames",
}

_custom: dict[str, type[Analyzer]] = {}


def register(cls: type[Analyzer]) -> type[Analyzer]:
    """Class decorator: make an analyzer available by its `name` in configs."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _custom[cls.name] = cls
    return cls


def available() -> list[str]:
    return sorted(set(BUILTIN) | set(_custom))


def get(name: str) -> type[Analyzer]:
    if name in _custom:
        return _custom[name]
    if name not in BUILTIN:
        raise KeyError(f"unknown analyzer {name!r}; available: {', '.join(available())}")
    module, _, attr = BUILTIN[name].partition(":")
    return getattr(import_module(module), attr)
