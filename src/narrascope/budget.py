"""A time budget for one analysis, so that no single text can hold a worker for long.

The server wraps each analysis in `time_budget(seconds)`; the pipeline calls `check()` between
analyzers and the costly loops call it between their steps (encoder batches, parse chunks),
so an analysis over budget stops at the next check with `OverBudget`. The budget is per
thread: other threads (and runs without a budget) are unaffected.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


class OverBudget(Exception):
    """The analysis ran past its time budget."""


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the body with a deadline `seconds` from now (None: no deadline)."""
    previous = getattr(_local, "budget", None)
    _local.budget = None if seconds is None else (time.monotonic() + seconds, seconds)
    try:
        yield
    finally:
        _local.budget = previous


def current() -> tuple[float, float] | None:
    """This thread's deadline and budget, to hand to a thread working for the same analysis."""
    return getattr(_local, "budget", None)


@contextmanager
def inherited(deadline: tuple[float, float] | None) -> Iterator[None]:
    """Run the body (in another thread) under a deadline taken with `current()`."""
    previous = getattr(_local, "budget", None)
    _local.budget = deadline
    try:
        yield
    finally:
        _local.budget = previous


def check() -> None:
    """Raise `OverBudget` when this thread's deadline has passed."""
    budget = getattr(_local, "budget", None)
    if budget is not None and time.monotonic() > budget[0]:
        raise OverBudget(f"analysis stopped: over its time budget of {budget[1]:g} s")
