"""Family-wise error control over the several tests of one report."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def holm_adjusted(p_values: npt.ArrayLike) -> FloatArray:
    """Holm's step-down adjusted p-values.

    Rejecting every hypothesis whose adjusted p-value is below ``alpha``
    keeps the chance of one or more false rejections at most ``alpha``,
    whatever the dependence between the tests.

    Parameters
    ----------
    p_values : array_like of float
        Unadjusted p-values in [0, 1], in any order.

    Returns
    -------
    numpy.ndarray of float
        Adjusted p-values in the input order: the ``k``-th smallest becomes
        ``max_{j <= k} min(1, (m - j + 1) p_(j))``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6(2), 65-70.
    """
    p = np.asarray(p_values, dtype=np.float64).reshape(-1)
    if np.any(~np.isfinite(p)) or np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must lie between 0 and 1")
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m, dtype=np.float64)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted
