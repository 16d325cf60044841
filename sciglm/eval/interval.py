"""The confidence interval shown beside an accuracy measured on few items (Wilson score)."""

from __future__ import annotations

import math

#: z of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Below this many items the eval table shows the interval: there its 95% half-width can exceed
#: one percentage point, the precision the table prints.
SMALL_N = 10_000


def wilson(correct: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of ``correct`` successes in ``n`` trials, in percent
    (``(0, 100)`` for ``n`` = 0: nothing is known)."""
    if n <= 0:
        return 0.0, 100.0
    p = correct / n
    scale = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / scale
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / scale
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)
