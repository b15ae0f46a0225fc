"""A spaCy component that starts a sentence after every line break, for the shared parse.

News files put the title on its own line without final punctuation; without this component
spaCy's parser joins the title and the first body sentence into one tree, and the relations of
the first sentence come out wrong. Add it before the parser:

    import narrascope.text.spacy_lines  # registers the factory
    nlp.add_pipe("narrascope_line_breaks", before="parser")
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language

NAME = "narrascope_line_breaks"


@Language.component(NAME)
def line_breaks(doc: Any) -> Any:
    """Mark the token after a line break as a sentence start (the parser keeps preset starts)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
    return doc


def add_to(nlp: Any) -> Any:
    """Add the component before the parser, once."""
    if NAME not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
    return nlp
