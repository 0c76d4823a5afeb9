"""The steps of a composite index, each a pure function following COINr (bluefoxr/COINr, R/).

Every function takes arrays or data frames and returns new ones; nothing is changed in place.
The COINr source each follows is named in its docstring (see docs/composite.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# --- statistics (R/treat.R: skew(), kurt(), check_SkewKurt()) --------------------------------


def skew(x: np.ndarray) -> float:
    """Sample skewness, e1071 type 2 (Excel's SKEW), NaNs removed. R/treat.R ``skew()``."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        raise ValueError("Insufficient non-NA points to calculate skewness (min 3 required).")
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5
        return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis, e1071 type 2 (Excel's KURT), NaNs removed. R/treat.R ``kurt()``."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        raise ValueError("Insufficient non-NA points to calculate kurtosis (min 4 required).")
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.sum(d**4) / np.sum(d**2) ** 2
        return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """``(skew(x), kurt(x))`` from one pass over the deviations (same formulas)."""
    x = x[~np.isnan(x)]
    n = x.size
    if n < 4:
        raise ValueError("Insufficient non-NA points to calculate kurtosis (min 4 required).")
    d = x - x.mean()
    d2 = d * d
    s2, s3, s4 = d2.sum(), (d2 * d).sum(), (d2 * d2).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        sk = np.sqrt(n) * s3 / s2**1.5 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * s4 / s2**2
        kt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float(sk), float(kt)


def passes_skew_kurt(x: np.ndarray, skew_threshold: float, kurt_threshold: float) -> bool | None:
    """COINr's ``check_SkewKurt``: passes if |skew| < s OR kurtosis < k; None when undefined.

    R's three-valued ``|``: TRUE if either side is TRUE, NA if neither is TRUE and one is NA.
    """
    return _passes(*skew_kurt(x), skew_threshold, kurt_threshold)


def _passes(sk: float, kt: float, skew_threshold: float, kurt_threshold: float) -> bool | None:
    a = None if np.isnan(sk) else abs(sk) < skew_threshold
    b = None if np.isnan(kt) else kt < kurt_threshold
    if a or b:
        return True
    if a is None or b is None:
        return None
    return False


# --- denominate (R/denominate.R) -----------------------------------------------------------


def denominate(
    values: pd.DataFrame, denominators: pd.DataFrame, by: dict[str, tuple[str, float]]
) -> pd.DataFrame:
    """``x / (denominator / scale_factor)`` for each indicator in ``by`` (iCode → (col, factor))."""
    out = values.copy()
    for code, (denom, factor) in by.items():
        out[code] = values[code] / (denominators[denom] / factor)
    return out


# --- impute (R/impute.R: i_mean, i_median, i_mean_grp, i_median_grp) ------------------------


def impute(values: pd.DataFrame, method: str, groups: pd.Series | None = None) -> pd.DataFrame:
    """Column by column: ``mean``, ``median``, ``group_mean``, ``group_median`` or ``none``.

    Group methods replace a NaN by the statistic of its group; units whose group is blank are
    left as they are (COINr ``skip_f_na = TRUE``).
    """
    if method == "none":
        return values.copy()
    if method in ("mean", "median"):
        fill = values.mean() if method == "mean" else values.median()
        return values.fillna(fill)
    if method in ("group_mean", "group_median"):
        if groups is None:
            raise ValueError("group imputation needs a group column")
        keyed = values.groupby(groups.reindex(values.index).to_numpy(), dropna=True)
        stat = keyed.transform("mean" if method == "group_mean" else "median")
        return values.fillna(stat)
    raise ValueError(f"unknown imputation method {method!r}")


# --- screen (R/screen_units.R, unit_screen = "byNA") ----------------------------------------


def data_availability(values: pd.DataFrame) -> pd.Series:
    """Share of non-missing indicator values of each unit (COINr ``Dat_Avail``)."""
    return 1 - values.isna().sum(axis=1) / values.shape[1]


def screen(values: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, list[str]]:
    """Drop units whose data availability is below ``threshold``; return (kept, removed codes)."""
    avail = data_availability(values)
    keep = avail >= threshold
    return values[keep].copy(), [str(c) for c in values.index[~keep]]


# --- treat (R/treat.R: Treat.numeric, winsorise, log_CT) -----------------------------------


@dataclass(frozen=True)
class Treatment:
    """What happened to one indicator."""

    indicator: str
    points: int  # winsorised points kept in the treated data (0 when log-transformed)
    log: bool
    skew_before: float
    kurt_before: float
    skew_after: float
    kurt_after: float
    winsorised: tuple[int, ...] = ()  # positions of the winsorised points
    passes: bool | None = True


def winsorise(
    x: np.ndarray, winmax: int | None, skew_threshold: float, kurt_threshold: float
) -> tuple[np.ndarray, int, list[int]]:
    """COINr ``winsorise()``: replace the most extreme value(s) by the next one until it passes.

    The side follows the sign of the skew at each step; ties are winsorised together and
    count as several points (COINr counts ``length(imax) + length(imin)``, the last positions
    on each side, so the count is cumulative). Stops when passing or at ``winmax`` points.
    """
    x = x.copy()
    passing = passes_skew_kurt(x, skew_threshold, kurt_threshold)
    nwin = 0
    imax: np.ndarray = np.array([], dtype=int)
    imin: np.ndarray = np.array([], dtype=int)
    while not passing and (winmax is None or nwin < winmax):
        if skew_kurt(x)[0] >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = imax.size + imin.size
        passing = passes_skew_kurt(x, skew_threshold, kurt_threshold)
    return x, nwin, sorted({*imax.tolist(), *imin.tolist()})


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT``: ``log(x - min(x) + 0.01 (max(x) - min(x)))``."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def treat_column(
    code: str,
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_threshold: float = 2.0,
    kurt_threshold: float = 3.5,
    log: bool = True,
) -> tuple[np.ndarray, Treatment]:
    """COINr ``Treat.numeric`` with f1 = winsorise, f2 = log_CT, f_pass = check_SkewKurt.

    1. passes → unchanged; 2. else winsorise; 3. still failing → log_CT of the *original*
    column (``combine_treat = FALSE``). An undefined check (constant column) leaves it alone.
    """
    try:
        sk0, kt0 = skew_kurt(x)
    except ValueError as exc:
        raise ValueError(f"treat {code}: {exc}") from exc
    passing = _passes(sk0, kt0, skew_threshold, kurt_threshold)
    if passing is None or passing:
        return x.copy(), Treatment(code, 0, False, sk0, kt0, sk0, kt0, (), passing)
    x1, nwin, positions = winsorise(x, winmax, skew_threshold, kurt_threshold)
    sk1, kt1 = skew_kurt(x1)
    passing = _passes(sk1, kt1, skew_threshold, kurt_threshold)
    if passing is None:
        return x.copy(), Treatment(code, 0, False, sk0, kt0, sk0, kt0, (), None)
    if passing or not log:
        return x1, Treatment(code, nwin, False, sk0, kt0, sk1, kt1, tuple(positions), passing)
    x2 = log_ct(x)
    sk2, kt2 = skew_kurt(x2)
    passing2 = _passes(sk2, kt2, skew_threshold, kurt_threshold)
    return x2, Treatment(code, 0, True, sk0, kt0, sk2, kt2, (), passing2)


# --- normalise (R/normalise.R) ----------------------------------------------------------------


def minmax(x: np.ndarray, lower: float = 0.0, upper: float = 100.0) -> np.ndarray:
    """COINr ``n_minmax``: ``(x - min) / (max - min) (u - l) + l``."""
    lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - lo) / (hi - lo) * (upper - lower) + lower


def zscore(x: np.ndarray, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """COINr ``n_zscore``: sample standard deviation (n - 1)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - np.nanmean(x, axis=0)) / np.nanstd(x, axis=0, ddof=1) * sd + mean


def rank_values(x: np.ndarray) -> np.ndarray:
    """COINr ``n_rank``: ``rank(x, ties.method = "min")``; higher value → higher rank number."""
    return pd.DataFrame(x).rank(method="min", ascending=True).to_numpy()


def dist_to_target(x: np.ndarray, target: np.ndarray, cap: bool = True) -> np.ndarray:
    """COINr ``n_dist2targ``: ``1 - (t - x) / (t - min(x))``, capped at 1 when ``cap``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        y = 1 - (target - x) / (target - np.nanmin(x, axis=0))
    return np.where(y > 1, 1.0, y) if cap else y


def proportional_to_target(x: np.ndarray, target: np.ndarray, full: float = 100.0) -> np.ndarray:
    """Full points at or above the target, proportional below: ``full · min(x / t, 1)``.

    For our own service indices ("đạt từ t trở lên: điểm tối đa; dưới t: tính theo tỷ lệ").
    Not in COINr. Inputs arrive multiplied by their direction; a negative direction
    (lower is better) gets full points at or below the target and ``full · t / x`` above.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        up = np.minimum(np.abs(x) / np.abs(target), 1.0)
        down = np.minimum(np.abs(target) / np.abs(x), 1.0)
    y = np.where(target >= 0, up, down)
    return np.where(np.isnan(x), np.nan, y * full)


# --- aggregate (R/aggregate.R: a_amean, a_gmean, a_hmean) ------------------------------------


def aggregate(
    x: np.ndarray, w: np.ndarray, method: str, data_threshold: float | None = None
) -> np.ndarray:
    """Row-wise weighted mean of ``x`` (units × children), NaNs skipped, weights renormalised.

    ``arithmetic`` (``a_amean``), ``geometric`` (``a_gmean``: values must be > 0),
    ``harmonic`` (``a_hmean``: values must be ≠ 0). A row with less than ``data_threshold``
    of its values present, or none, is NaN.
    """
    present = ~np.isnan(x)
    wm = np.where(present, w, 0.0)
    wsum = wm.sum(axis=1)
    xz = np.where(present, x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            y = (wm * xz).sum(axis=1) / wsum
        elif method == "geometric":
            if np.any(x[present] <= 0):
                raise ValueError("geometric mean needs positive values: normalise to > 0 first")
            y = np.exp((wm * np.log(np.where(present, x, 1.0))).sum(axis=1) / wsum)
        elif method == "harmonic":
            if np.any(x[present] == 0):
                raise ValueError("harmonic mean needs non-zero values: normalise to > 0 first")
            y = wsum / (wm / np.where(present, x, 1.0)).sum(axis=1)
        else:
            raise ValueError(f"unknown aggregation method {method!r}")
    y = np.where(present.any(axis=1), y, np.nan)
    if data_threshold is not None:
        y = np.where(present.mean(axis=1) < data_threshold, np.nan, y)
    return y


def rank_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks, highest score first; ties share the lowest rank (R ``rank(-x, ties = "min")``)."""
    return scores.rank(method="min", ascending=False).astype("Int64")
