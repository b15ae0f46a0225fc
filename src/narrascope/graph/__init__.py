"""The corpus actor network: who supplies, attacks, condemns... whom, with evidence per edge.

`build_graph` aggregates relation records (from documents or from the DuckDB store, see
`store.load_graph`) into a `Graph`; `formats` writes it as JSON, GraphML or a self-contained
interactive HTML page.
"""

from narrascope.graph.build import Edge, Evidence, Graph, RelationRecord, build_graph

__all__ = ["Edge", "Evidence", "Graph", "RelationRecord", "build_graph"]
