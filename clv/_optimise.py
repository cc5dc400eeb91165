"""Maximum likelihood over strictly positive parameters, shared by both models."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize

# exp(±15) spans 3e-7 to 3e6: wide enough for any real fit once the data are rescaled to a unit
# mean (see the callers), narrow enough that exp() never overflows inside the likelihood.
LOG_BOUND = 15.0


Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]
"""log_params -> (negative log-likelihood, its gradient with respect to the log_params)."""


def maximise(objective: Objective, start: np.ndarray) -> tuple[np.ndarray, bool]:
    """Minimise a negative log-likelihood over log-parameters: the parameters, and convergence.

    The search runs on the logarithms so every parameter stays positive, with the analytic
    gradient: finite differences cost one likelihood evaluation per parameter and step (330
    evaluations for BG/NBD at 100,000 customers, against about 60 with the gradient).
    L-BFGS-B at its default tolerances, then a restart from there at tight ones: on CDNOW both
    stop at the published optimum. When the optimum lies at infinity (BG/NBD's a and b grow
    together when every customer drops out at the same rate), the likelihood is flat along a
    ridge; a derivative-free polish (Powell, Nelder-Mead) crawled along it for 4,000
    evaluations to gain 0.01 of log-likelihood, so the search stops where L-BFGS-B does.
    """
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)

    def guarded(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        value, gradient = objective(log_params)
        if not (np.isfinite(value) and np.isfinite(gradient).all()):
            return 1e300, np.zeros_like(log_params)  # outside the model: the search backs off
        return value, gradient

    first = minimize(guarded, start, jac=True, method="L-BFGS-B", bounds=bounds)
    polish = minimize(
        guarded,
        first.x,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-13, "gtol": 1e-9, "maxiter": 1000},
    )
    best = polish if polish.fun <= first.fun else first
    return np.exp(best.x), bool(first.success or polish.success)


def as_array(values: object) -> np.ndarray:
    """Any sequence (list, NumPy, Polars or pandas series) as a float64 array."""
    return np.asarray(values, dtype=np.float64)
