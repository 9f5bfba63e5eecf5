"""A stage's columns or blocks of rows computed on both cores of the machine at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import threadpool_limits

THREADS = 2  # the machine's two cores: one thread each


def on_both_cores(function: Callable, items: Iterable) -> list:
    """Return [function(item) for item in items], computed two at a time on two threads (numpy's passes and
    scikit-learn's Cython let go of the GIL), each on one OpenMP thread, BLAS on one. The error of the first
    item (in the items' order) that failed is raised once the items begun have finished; those not begun are
    dropped."""
    items = list(items)
    if len(items) < 2:
        return [function(item) for item in items]

    def one(item):
        # OpenMP's thread count is set per thread: a worker does not inherit its caller's limit
        with threadpool_limits(limits=1, user_api="openmp"):
            return function(item)

    # BLAS's thread count is the process's: scikit-learn's own limits (KMeans.predict sets one and puts back
    # what it found) raced between the two threads and could leave it at one for good; set here, they find 1
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(one, items))
