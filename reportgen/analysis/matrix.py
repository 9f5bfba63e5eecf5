"""Build a row-major float matrix from columns computed one at a time."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

BLOCK = 4096  # rows written at a time: a block of the matrix stays in the processor's cache while it is filled


def stack_columns(columns: Iterable[np.ndarray], rows: int, width: int) -> np.ndarray:
    """Return the (rows, width) float matrix whose j-th column is the j-th array of `columns`; raise
    ValueError when their number is not `width`.

    Filled a block of rows at a time: written a whole column at a time, each column's write went through the
    whole matrix (ten million rows of twenty columns, one run on a busy machine: 11.6 s, by blocks 0.7 s).
    """
    columns = [np.asarray(column) for column in columns]
    if len(columns) != width:
        raise ValueError(f"stack_columns: {len(columns)} columns given for a width of {width}")
    out = np.empty((rows, width))
    for start in range(0, rows, BLOCK):
        block = out[start:start + BLOCK]
        for j, column in enumerate(columns):
            # cast before writing: numpy casts into a strided column through a slow buffered loop
            block[:, j] = column[start:start + BLOCK].astype(float, copy=False)
    return out
