"""Print results as a table on the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from narrascope.evaluation.harness import Evaluation


def format_value(value: float, std: float | None) -> str:
    return f"{value:.4f}" + (f" ± {std:.4f}" if std is not None else "")


def print_results(results: list[Evaluation], console: Console | None = None) -> None:
    console = console or Console()
    for result in results:
        title = f"{result.dataset} {result.split} — {result.system}"
        if result.folds:
            title += f" ({result.folds}-fold cross-validation)"
        table = Table(title=title)
        table.add_column("metric", no_wrap=True)
        for column in ("value", "documents", "note"):
            table.add_column(
                column, justify="right" if column in ("value", "documents") else "left"
            )
        for row in result.rows:
            table.add_row(
                row.metric, format_value(row.value, row.std), str(row.documents), row.describe()
            )
        console.print(table)
        if not result.rows:
            console.print("no metric could be computed (no predictions with gold to score)")
        for message in result.messages:
            console.print(f"note: {message}", highlight=False)
