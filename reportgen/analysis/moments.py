"""Shape of a distribution: the skewness that decides logs, bands and which test leads."""

from __future__ import annotations

import numpy as np


def skewness(x: np.ndarray) -> float:
    """Return the sample skewness of x (0 for constant or empty data)."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return 0.0
    sd = x.std()
    return 0.0 if sd == 0 else float(np.mean(((x - x.mean()) / sd) ** 3))
