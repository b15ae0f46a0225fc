"""Models read in a thread while a pipeline is built (`analyzers.loading.Background`)."""

from __future__ import annotations

import threading
import time

import pytest

from narrascope.analyzers.loading import Background


def test_get_returns_the_loaded_value_from_another_thread() -> None:
    seen: list[str] = []

    def load() -> dict[str, int]:
        seen.append(threading.current_thread().name)
        return {"answer": 42}

    model = Background(load, "test-load")
    assert model.get() == {"answer": 42}
    assert model.get() is model.get()  # read once, kept
    assert seen and seen[0].startswith("test-load")
    assert seen[0] != threading.current_thread().name


def test_loading_overlaps_the_caller() -> None:
    started = threading.Event()

    def load() -> str:
        started.set()
        time.sleep(0.2)
        return "ready"

    t0 = time.perf_counter()
    model = Background(load, "test-load")
    assert started.wait(1.0)  # already running before anyone asks for it
    assert time.perf_counter() - t0 < 0.15  # the constructor did not wait
    assert model.get() == "ready"


def test_an_error_while_loading_is_raised_by_get() -> None:
    def load() -> None:
        raise OSError("model file missing")

    model = Background(load, "test-load")
    with pytest.raises(OSError, match="model file missing"):
        model.get()
