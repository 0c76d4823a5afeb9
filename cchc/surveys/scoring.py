"""The survey arithmetic, pure: sample size, satisfied share and Wilson intervals."""

import math
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def sample_size(population: int, margin: Decimal) -> int:
    """The required sample n = ⌈N / (1 + N·e²)⌉ (N transactions in the period, e the margin of
    error, e.g. 0.05), computed exactly in decimals so that a whole quotient is not rounded up
    by a floating-point error. Refuses (ValueError) N < 1 and e outside (0, 1)."""
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError("The population must be a whole number of at least 1.")
    margin = Decimal(margin)
    if not margin.is_finite() or not 0 < margin < 1:
        raise ValueError("The margin of error must be between 0 and 1 (exclusive).")
    n = Decimal(population) / (1 + population * margin * margin)
    return int(n.to_integral_value(rounding=ROUND_CEILING))


def satisfied_share(satisfied: int, answered: int) -> Decimal | None:
    """satisfied / answered in percent, to two decimals (half up); None without answers."""
    if answered <= 0:
        return None
    if not 0 <= satisfied <= answered:
        raise ValueError("The satisfied answers must be between 0 and the answers.")
    return (Decimal(satisfied) * HUNDRED / Decimal(answered)).quantize(CENT, ROUND_HALF_UP)


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of successes / n, in percent (0 … 100); (0, 100) for n = 0,
    where nothing is known. z = 1.96 gives the 95% interval."""
    if n < 0 or not 0 <= successes <= max(n, 0):
        raise ValueError("The successes must be between 0 and n.")
    if n == 0:
        return (0.0, 100.0)
    p = successes / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = max(0.0, (centre - spread) / denominator)
    high = min(1.0, (centre + spread) / denominator)
    # At p = 0 or 1 the bound equals p exactly; floating point may miss it by an ulp.
    if successes == 0:
        low = 0.0
    if successes == n:
        high = 1.0
    return (low * 100, high * 100)


def mean_share(shares: list[Decimal]) -> Decimal | None:
    """The mean of the shares present, to two decimals (half up); None when there are none."""
    if not shares:
        return None
    return (sum(shares, Decimal(0)) / len(shares)).quantize(CENT, ROUND_HALF_UP)


def scaled_points(share: Decimal, maximum: Decimal) -> Decimal:
    """share (percent) × maximum / 100, to two decimals (half up)."""
    return (share * maximum / HUNDRED).quantize(CENT, ROUND_HALF_UP)
