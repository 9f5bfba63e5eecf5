"""Cut numeric features into readable bands: quantile edges rounded to numbers people use (25-34, not 24.7-33.9)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from reportgen.analysis.moments import skewness

NICE_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0)
# A feature with at most this many distinct whole values gets one band per value (tails merged).
MAX_DISCRETE = 12


def make_bands(values: pd.Series, max_bands: int = 5, min_share: float = 0.05) -> dict:
    """Return {'edges': [...], 'integer', 'discrete', 'floor'} for the present values of a numeric column.

    Band i holds edges[i-1] <= x < edges[i]; the last band is open above; the first is open below,
    except for counts (discrete), where it starts at the smallest value seen (`floor`): '0-1', not '<2'.
    """
    x = values.dropna().to_numpy(dtype=float)
    if len(x) == 0:
        return {"edges": [], "integer": False, "discrete": False, "floor": None}
    integer = bool(np.all(x == np.round(x)))
    if integer:
        # distinct values by hashing, only for whole numbers (the only ones that may be counts): sorting
        # ten million amounts to count them cost a second a column
        distinct = np.sort(pd.unique(x))
        if len(distinct) <= MAX_DISCRETE:
            return {"edges": _discrete_edges(x, distinct, min_share), "integer": True, "discrete": True,
                    "floor": float(distinct[0])}
    quantiles = np.unique(np.quantile(x, [i / max_bands for i in range(1, max_bands)]))
    log_scale = x.min() >= 0 and skewness(x) > 2
    edges = [nice_round(q) for q in quantiles if q > 0] if log_scale else _linear_edges(quantiles, integer)
    edges = sorted(set(e for e in edges if x.min() < e <= x.max()))
    return {"edges": _merge_small(x, edges, min_share), "integer": integer, "discrete": False, "floor": None}


def assign_bands(values: pd.Series, edges: list[float]) -> np.ndarray:
    """Return each value's band index (0..len(edges)); -1 where the value is missing."""
    x = values.to_numpy(dtype=float)
    codes = np.searchsorted(np.asarray(edges, dtype=float), x, side="right")
    codes[np.isnan(x)] = -1
    return codes


def band_bounds(edges: list[float], index: int, floor: float | None = None) -> tuple[float | None, float | None]:
    """Return (low, high) of band `index`: low inclusive, high exclusive, None when open."""
    low = edges[index - 1] if index > 0 else floor
    high = edges[index] if index < len(edges) else None
    return low, high


def band_label(low: float | None, high: float | None, integer: bool) -> str:
    """Return a language-neutral label ('<30', '30-39', '55+'); renderers format their own from low/high."""
    def num(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    if low is None and high is None:
        return "all"
    if low is None:
        return f"<{num(high)}"
    if high is None:
        return f"{num(low)}+"
    if integer:
        top = high - 1
        return num(low) if top == low else f"{num(low)}-{num(top)}"
    return f"{num(low)}-{num(high)}"


def nice_round(value: float) -> float:
    """Return `value` rounded to a nice number of the same size (1.23e6 -> 1.2e6 is not nice; 1.5e6 is)."""
    if value == 0:
        return 0.0
    sign = -1 if value < 0 else 1
    exponent = math.floor(math.log10(abs(value)))
    mantissa = abs(value) / 10**exponent
    best = min(NICE_MANTISSAS, key=lambda m: abs(m - mantissa))
    return sign * best * 10**exponent


def _linear_edges(quantiles: np.ndarray, integer: bool) -> list[float]:
    """Return the quantiles rounded with the coarsest nice step that keeps them apart."""
    if len(quantiles) == 0:
        return []
    span = max(quantiles[-1] - quantiles[0], abs(quantiles[-1]) * 0.01, 1e-9)
    top = 10 ** math.ceil(math.log10(span))
    steps = [top * f for f in (1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.025, 0.02, 0.01, 0.005, 0.001)]
    if integer:
        steps = [s for s in steps if s >= 1 and float(s).is_integer()] or [1.0]
    for step in steps:
        rounded = np.unique(np.round(quantiles / step) * step)
        if len(rounded) == len(quantiles):
            return [float(r) for r in rounded]
    return [float(q) for q in quantiles]


def _discrete_edges(x: np.ndarray, distinct: np.ndarray, min_share: float) -> list[float]:
    """Return edges giving one band per value, with rare values at either end merged into their neighbour."""
    edges = [float(v) for v in distinct[1:]]
    # one band per value is what readers expect for counts (1, 2, 3 products); only rare tails merge
    return _merge_small(x, edges, min(min_share, 0.01))


def _merge_small(x: np.ndarray, edges: list[float], min_share: float) -> list[float]:
    """Return edges with every band smaller than `min_share` of the values merged into a neighbour."""
    edges = list(edges)
    minimum = max(1, math.ceil(min_share * len(x)))
    if not edges:
        return edges
    # the values are counted into the first bands once: dropping edge j makes one band of bands j and j + 1,
    # whose counts add up (counted again after each merge, ten million values took 0.25 s a merge)
    counts = np.bincount(np.searchsorted(np.asarray(edges), x, side="right"), minlength=len(edges) + 1).tolist()
    while edges:
        small = int(np.argmin(counts))
        if counts[small] >= minimum:
            break
        # merge with the smaller neighbour, which keeps band sizes even; ends have one neighbour only
        if small == 0:
            dropped = 0
        elif small == len(edges):
            dropped = len(edges) - 1
        elif counts[small - 1] <= counts[small + 1]:
            dropped = small - 1
        else:
            dropped = small
        edges.pop(dropped)
        counts[dropped:dropped + 2] = [counts[dropped] + counts[dropped + 1]]
    return edges
