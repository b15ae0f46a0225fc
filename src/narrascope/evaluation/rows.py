"""One line of a results table: a metric, its value, how many documents it was measured on."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Row:
    """A measured number. `std` is the spread over documents or folds when there is one."""

    metric: str
    value: float
    documents: int
    std: float | None = None
    note: str = ""
    items: int | None = None  # mentions, spans or paragraphs scored, when not documents
    unit: str = ""

    def describe(self) -> str:
        """The note with the item count in front (e.g. "1398 spans; mean over 5 folds")."""
        count = f"{self.items} {self.unit}" if self.items is not None else ""
        return "; ".join(x for x in (count, self.note) if x)

    def to_dict(self) -> dict:
        return asdict(self)


def mean_rows(per_fold: list[list[Row]]) -> list[Row]:
    """Average rows of the same metric over folds; `std` becomes the spread over folds."""
    import numpy as np

    order: list[str] = []
    values: dict[str, list[Row]] = {}
    for rows in per_fold:
        for row in rows:
            if row.metric not in values:
                order.append(row.metric)
            values.setdefault(row.metric, []).append(row)
    out = []
    for metric in order:
        rows = values[metric]
        vals = [r.value for r in rows]
        note = f"mean over {len(rows)} folds" + (f"; {rows[0].note}" if rows[0].note else "")
        items = (
            sum(r.items for r in rows if r.items is not None) if rows[0].items is not None else None
        )
        out.append(
            Row(
                metric,
                float(np.mean(vals)),
                sum(r.documents for r in rows),
                float(np.std(vals)),
                note,
                items,
                rows[0].unit,
            )
        )
    return out
