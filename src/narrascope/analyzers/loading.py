"""Models read in a background thread while the rest of a pipeline is built."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """`load()` started in its own thread at once; `get()` waits for it and returns the model.

    Worth it where loading spends its time outside the GIL (decompression, reading files, ONNX
    Runtime) or when the other cores would sit idle otherwise; an error in `load` is raised by
    `get()`, in the thread that needs the model.
    """

    def __init__(self, load: Callable[[], T], name: str) -> None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._future: Future[T] | None = pool.submit(load)
        pool.shutdown(wait=False)  # the thread ends with its task
        self._value: T | None = None

    def get(self) -> T:
        if self._future is not None:
            self._value, self._future = self._future.result(), None
        return self._value  # type: ignore[return-value]
