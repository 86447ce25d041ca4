"""Fits that the checks state: the exponent of a power law, and which whole power a measured one is.

A sentence chosen by a fitted exponent of time says which whole power of the size the time grows as (``grows_as``):
the nearest integer, so the verdict flips only when the exponent moves by half a power.  A busy machine that makes
each separately timed size up to 30 % slower or faster tilts a slope fitted over sizes spanning a factor 30 by
about log(1.3 / 0.7) / log(30) = 0.18 when the load ramps from one end to the other (tests/test_timing_under_load.py), so a quiet machine and a loaded one read
the same.
"""

import numpy as np


def loglog_slope(x, y) -> float:
    """Least-squares slope of log y against log x (the exponent of a power law)."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0])


def grows_as(slope: float | None, power: int) -> bool | None:
    """Whether a fitted exponent is nearer ``power`` than any other whole power; None when there is no slope."""
    return None if slope is None else abs(slope - power) < 0.5
