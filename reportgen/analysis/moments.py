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
