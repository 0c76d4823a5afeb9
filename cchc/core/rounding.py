"""One rounding rule for every figure the platform shows or stores: half-up (0.5 goes away
from zero), as official reports round, never Python's `round` (half to even: 6.25 → 6.2).

`half_up(6.25, 1)` is 6.3; `percent(1, 16)` is 6.25 and `percent(1, 16, 1)` is 6.3. Decimals
in, decimals out: binary floats are converted through their shortest text (`str`), so 2.675
rounds to 2.68 as it reads, not 2.67 as its binary value would.
"""

from decimal import ROUND_HALF_UP, Decimal

Number = int | float | Decimal


def half_up(value: Number, places: int = 2) -> Decimal:
    """`value` rounded half-up to `places` decimals (0: a whole number), as a Decimal."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(part: Number, whole: Number, places: int = 2) -> Decimal | None:
    """`part` ÷ `whole` × 100, rounded half-up to `places` decimals; None when `whole` is 0
    (nothing to divide by: shown as "—", never as 0% or 100%)."""
    if not whole:
        return None
    return half_up(Decimal(str(part)) * 100 / Decimal(str(whole)), places)
