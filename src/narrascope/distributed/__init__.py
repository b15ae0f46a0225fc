"""Running the pipeline on Ray (`pip install narrascope[ray]`).

Nothing else in narrascope imports this package, and this package imports Ray only when a run
starts: `narrascope analyze --engine ray` or `analyze_with_ray(...)`.
"""

from __future__ import annotations

from typing import Any

from narrascope.runner import RunStats


def analyze_with_ray(inputs: list[str] | str, **kwargs: Any) -> RunStats:
    """Analyse inputs on Ray; see `narrascope.distributed.ray_runner.analyze_with_ray` for the options."""
    from narrascope.distributed.ray_runner import analyze_with_ray as run

    return run(inputs, **kwargs)


__all__ = ["analyze_with_ray"]
