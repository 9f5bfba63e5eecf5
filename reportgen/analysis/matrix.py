"""Build a row-major float matrix from columns computed one at a time."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def stack_columns(columns: Iterable[np.ndarray], rows: int, width: int) -> np.ndarray:
    """Return the (rows, width) float matrix whose j-th column is the j-th array of `columns`.

    Each column is written into the matrix as it comes, so only one is held beside it, where numpy's
    column_stack keeps them all.
    """
    out = np.empty((rows, width))
    filled = 0
    for j, column in enumerate(columns):
        # cast where the column is contiguous: numpy casts into a strided column through a slow buffered
        # loop (ten million flags took seven times as long as ten million floats)
        out[:, j] = np.asarray(column, dtype=float)
        filled = j + 1
    if filled != width:
        raise ValueError(f"stack_columns: {filled} columns given for a width of {width}")
    return out
