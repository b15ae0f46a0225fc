"""The analyzer interface: a named step that reads some layers of a batch of documents and writes others."""

from __future__ import annotations

from typing import Any, ClassVar

from narrascope.document import Document


class Analyzer:
    """Base class of every pipeline step.

    Subclasses set `name`, `requires` (analyzers that must run before) and `produces` (the
    document fields or cache keys they fill), accept their options as keyword arguments (from
    the config file's `[analyzers.<name>]` table) and implement `process`, which works on a whole
    batch so that models can batch across documents. Heavy models load in `__init__`, once per
    process.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **options: Any) -> None:
        if options:
            raise TypeError(f"analyzer {self.name!r} takes no options, got {sorted(options)}")

    def process(self, docs: list[Document]) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<analyzer {self.name}>"
