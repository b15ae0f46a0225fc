"""Small matrix products on one BLAS thread.

The heads multiply a few dozen sentence vectors by a few hundred weights per article. OpenBLAS
splits even such products over every core, and on a busy machine the threads wait for each
other far longer than the product takes (2.5 ms against 0.15 ms for 22 × 256 by 256 × 94,
measured at load 7 on 2 cores). The pipeline runs its analyzers inside
`one_blas_thread()`; the controller is built once, so entering the block costs microseconds.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _controller() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context manager: BLAS libraries use one thread inside it."""
    return _controller().limit(limits=1, user_api="blas")
