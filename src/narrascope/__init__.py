"""narrascope: what news about international security claims happens between states, and how it tells it."""

from narrascope.document import SCHEMA_VERSION, Document, Failure
from narrascope.pipeline import Pipeline, analyze, document_from_text

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION",
    "Document",
    "Failure",
    "Pipeline",
    "analyze",
    "document_from_text",
    "__version__",
]
