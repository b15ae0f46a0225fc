"""The `narrascope` command line: a thin shell over the pipeline, the store and the evaluators.

Each sub-command lives in its own module and registers itself on `app`.
"""

from __future__ import annotations

# sub-command modules register their commands on import
from narrascope.cli import analyze as _analyze  # noqa: F401,E402
from narrascope.cli import evaluate as _evaluate  # noqa: F401,E402
from narrascope.cli import export as _export  # noqa: F401,E402
from narrascope.cli import graph as _graph  # noqa: F401,E402
from narrascope.cli import predict as _predict  # noqa: F401,E402
from narrascope.cli import schema as _schema  # noqa: F401,E402
from narrascope.cli import serve as _serve  # noqa: F401,E402
from narrascope.cli import train as _train  # noqa: F401,E402
from narrascope.cli import watch as _watch  # noqa: F401,E402
from narrascope.cli.app import app


def main() -> None:
    app()
