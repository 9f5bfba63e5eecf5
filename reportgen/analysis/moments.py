"""Shape of a distribution: the skewness that decides logs, bands and which test leads."""

from __future__ import annotations

import numpy as np


def skewness(x: np.ndarray) -> float:
    """Return the sample skewness of x (0 for constant or empty data)."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return 0.0
    # central moments through dot products: two temporaries instead of four and no power, which on ten
    # million clients is the difference between a tenth of a second and half a second per call
    d = x - x.mean()
    m2 = float(d @ d) / len(x)
    return 0.0 if m2 == 0 else float((d * d) @ d) / len(x) / m2 ** 1.5


def sorted_quantiles(ordered: np.ndarray, quantiles) -> np.ndarray:
    """Return np.quantile(ordered, quantiles) (its default, linear method) of a sorted array without NaN, bit
    for bit, without the partition np.quantile makes of an array it cannot know is sorted (ten million
    clients: 60 ms a call)."""
    n = len(ordered)
    q = np.asarray(quantiles, dtype=np.float64)
    # numpy's own steps (numpy.lib._function_base_impl: _quantile, _get_indexes, _lerp), so that every
    # rounding is the same: a test compares the two on drawn arrays
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above] = -1
    following[above] = -1
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    gamma = np.asarray(virtual - previous, dtype=virtual.dtype)
    low, high = ordered[previous], ordered[following]
    step = high - low
    out = np.add(low, step * gamma)
    np.subtract(high, step * (1 - gamma), out=out, where=gamma >= 0.5)
    return out
