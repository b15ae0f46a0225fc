"""Reading articles from files, folders, JSONL/CSV records, stdin, web pages and RSS/Atom feeds.

`iter_documents(inputs, options)` streams one `Document` per article, or one `Failure` per bad
input, and always goes on to the next input.
"""

from narrascope.ingest.options import IngestOptions
from narrascope.ingest.sources import input_problem, iter_documents

__all__ = ["IngestOptions", "input_problem", "iter_documents"]
