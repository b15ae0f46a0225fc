"""The analyzer interface: a named step that reads some layers of a batch of documents and writes others."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from narrascope.analyzers.contracts import Requirement
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

    Subclasses set `name`; `requires` (inputs an earlier analyzer must produce), `optional`
    (inputs used when an earlier analyzer produced them) and `produces`, all declared with the
    fields and keys of `narrascope.analyzers.contracts`; accept their options as keyword
    arguments (from the config file's `[analyzers.<name>]` table) and implement `process`, which
    works on a whole batch so that models can batch across documents. Heavy models load in
    `__init__`, once per process. An analyzer that reads sentence vectors or a model trained on
    them sets `uses_encoder` and takes the pipeline's encoder as the keyword `encoder`.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[Requirement, ...]] = ()
    optional: ClassVar[tuple[Requirement, ...]] = ()
    produces: ClassVar[tuple[Requirement, ...]] = ()
    uses_encoder: ClassVar[bool] = False
    # the language codes this step has models for; None = any language
    languages: ClassVar[tuple[str, ...] | None] = None
    # the step of the accurate profile whose layer this one serves in a lighter profile
    # (e.g. `actor_names` for `actors`): that step is then not marked unavailable
    stands_for: ClassVar[str | None] = None
    # a single-threaded step that holds the GIL (e.g. the spaCy parse): the pipeline runs it in a
    # second thread while the following steps that do not need its products run (the backbone
    # pass releases the GIL inside ONNX Runtime), so the two share the cores
    runs_beside: ClassVar[bool] = False

    def __init__(self, **options: Any) -> None:
        if options:
            raise TypeError(f"analyzer {self.name!r} takes no options, got {sorted(options)}")

    def process(self, docs: list[Document]) -> None:
        raise NotImplementedError

    def wait_loaded(self) -> None:
        """Return once every model this step loads in the background is ready (the pipeline
        calls it after building all its steps, so such loading overlaps the others')."""

    @classmethod
    def option_names(cls) -> list[str] | None:
        """The options a config may set for this analyzer (its keyword arguments); None when
        its own `__init__` takes any keyword (`**options`)."""
        params = inspect.signature(cls.__init__).parameters
        if cls.__init__ is not Analyzer.__init__ and any(
            p.kind == p.VAR_KEYWORD for p in params.values()
        ):
            return None
        return [
            p.name
            for p in params.values()
            if p.name not in {"self", "encoder"}
            and p.kind in {p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY}
        ]

    def unavailable_reason(self, doc: Document, upstream: Iterable[str] = ()) -> str | None:
        """Why this step cannot analyse `doc` (e.g. "language ru"), or None when it can: one of
        `upstream` (the earlier steps that produce what it requires) did not run on it (same
        reason), or it has no model for the language. The pipeline skips such documents and
        records the reason under the step's name."""
        for name in upstream:
            if name in doc.unavailable:
                return doc.unavailable[name]
        code = language_of(doc)
        if self.languages is None or code is None or code in self.languages:
            return None
        return f"language {code}"

    def __repr__(self) -> str:
        return f"<analyzer {self.name}>"
