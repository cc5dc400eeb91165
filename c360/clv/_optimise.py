"""Maximum likelihood over strictly positive parameters, shared by both models."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

# exp(±15) spans 3e-7 to 3e6: wide enough for any real fit once the data are rescaled to a unit
# mean (see the callers), narrow enough that exp() never overflows inside the likelihood.
LOG_BOUND = 15.0


def maximise(
    negative_log_likelihood: Callable[[np.ndarray], float], start: np.ndarray
) -> tuple[np.ndarray, bool]:
    """Minimise `negative_log_likelihood(log_params)`: the parameters and whether it converged.

    The search runs on the logarithms so every parameter stays positive. Nelder-Mead (what
    `lifetimes` uses) finds the basin robustly from a rough start; L-BFGS-B then polishes it to
    a tight gradient tolerance, which is what reproduces published figures to the last digit.
    """
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    coarse = minimize(
        negative_log_likelihood,
        start,
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 4000},
    )
    fine = minimize(
        negative_log_likelihood,
        coarse.x,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-14, "gtol": 1e-8, "maxiter": 2000},
    )
    best = fine if fine.fun <= coarse.fun else coarse
    return np.exp(best.x), bool(fine.success or coarse.success)


def as_array(values: object) -> np.ndarray:
    """Any sequence (list, NumPy, Polars or pandas series) as a float64 array."""
    return np.asarray(values, dtype=np.float64)
