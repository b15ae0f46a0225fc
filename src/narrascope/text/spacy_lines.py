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
    """Start a sentence at the first token of every line.

    The token after that start is marked as *not* a start: with only the start preset, the
    parser tends to cut the line's first word off as a one-token sentence.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if tok.is_space or not ("\n" in prev.text or "\n" in prev.whitespace_):
            continue
        tok.is_sent_start = True
        if tok.i + 1 < len(doc):
            doc[tok.i + 1].is_sent_start = False
    return doc


def add_to(nlp: Any) -> Any:
    """Add the component before the parser, once."""
    if NAME not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, before="parser")
    return nlp
