"""The analyzer interface: a named step that reads some layers of a batch of documents and writes others."""

from __future__ import annotations

from typing import Any, ClassVar

from narrascope.document import Document

# a language guess below this probability is treated as "not known" (short texts): the English
# models run, as they did before languages were told apart
CONFIDENT_LANGUAGE = 0.8


def language_of(doc: Document) -> str | None:
    """The document's language code when the guess is confident, else None."""
    language = doc.language
    if language is None or language.score < CONFIDENT_LANGUAGE:
        return None
    return language.code


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
    # the language codes this step has models for; None = any language
    languages: ClassVar[tuple[str, ...] | None] = None

    def __init__(self, **options: Any) -> None:
        if options:
            raise TypeError(f"analyzer {self.name!r} takes no options, got {sorted(options)}")

    def process(self, docs: list[Document]) -> None:
        raise NotImplementedError

    def unavailable_reason(self, doc: Document) -> str | None:
        """Why this step cannot analyse `doc` (e.g. "language ru"), or None when it can: a step
        it requires did not run on it (same reason), or it has no model for the language. The
        pipeline skips such documents and records the reason under the step's name."""
        for name in self.requires:
            if name in doc.unavailable:
                return doc.unavailable[name]
        code = language_of(doc)
        if self.languages is None or code is None or code in self.languages:
            return None
        return f"language {code}"

    def __repr__(self) -> str:
        return f"<analyzer {self.name}>"
