"""Who does what to whom: actor normalisation, relation extraction, modality and attribution.

`extract(doc, parse)` returns the relations a parsed document states; `mentions.find_mentions`
finds actor, weapon and instrument mentions. The rules are documented in docs/relations.md.
"""

from narrascope.relations.extract import extract

__all__ = ["extract"]
