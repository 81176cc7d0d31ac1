"""Prices as printed in decrees -> exact Decimal (never through float)."""
from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

# Spaces that appear as thousands separators: space, no-break space, narrow no-break, thin space.
_GROUP_SPACES = re.compile(r"[ \u00a0\u202f\u2009\u2007]")
_NUMBER = re.compile(r"^([0-9]+)(?:[.,]([0-9]{1,2}))?$")
_TOO_PRECISE = re.compile(r"^[0-9]+[.,][0-9]{3,}$")
TWO_PLACES = Decimal("0.01")
# The largest tariff the dataset accepts, in tenge for one unit (a service, a recipient-day, a month).
# Real tariffs are in the hundreds to thousands; a larger printed number is a misread or a typo, and
# its row goes to the rejects with this bound named (Parquet stores prices as decimal(14, 2)).
MAX_PRICE_KZT = Decimal("10000000")


class PriceError(ValueError):
    """A price cell that cannot be read as a number; the message is the reason."""


def parse_price(text: str) -> Decimal:
    """Read a printed price: ``1 896,60``, ``1\u00a0896,60``, ``563.2``, ``1917`` -> Decimal.

    A comma or a dot is the decimal separator (at most two decimals); spaces group thousands; digits
    are ASCII. Anything else raises :class:`PriceError` with a reason. The value is never a float;
    whether it is a plausible tariff is :func:`check_price`'s question.
    """
    if text is None:
        raise PriceError("empty price cell")
    s = _GROUP_SPACES.sub("", str(text).strip())
    if not s:
        raise PriceError("empty price cell")
    m = _NUMBER.match(s)
    if not m:
        shown = _excerpt(str(text).strip())
        if _TOO_PRECISE.match(s):
            raise PriceError(f"price {shown} has {len(re.split('[.,]', s)[1])} decimals (at most 2; "
                             "a thousands separator?)")
        raise PriceError(f"price {shown} is not a number")
    whole, frac = m.groups()
    return Decimal(f"{whole}.{frac}" if frac else whole)


def check_price(value: Decimal) -> Decimal:
    """``value`` if it is within the documented bound (:data:`MAX_PRICE_KZT`); else a PriceError."""
    if value > MAX_PRICE_KZT:
        bound = f"{MAX_PRICE_KZT:,}".replace(",", " ")
        raise PriceError(f"price {_excerpt(str(value), 24)} is above the bound of {bound} tenge per unit "
                         "(numbers.MAX_PRICE_KZT)")
    return value


def _excerpt(text: str, limit: int = 40) -> str:
    """A printed value as shown in a message: quoted, and cut when it is long."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def parse_quantity(text: str) -> Decimal:
    """A printed quantity such as a time norm (``7,5``, ``0.25``, ``30``) -> Decimal; PriceError if not one."""
    s = _GROUP_SPACES.sub("", str(text or "").strip()).replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d{1,4})?", s):
        raise PriceError(f"{str(text).strip()!r} is not a number")
    return Decimal(s)


def looks_like_price(text: str) -> bool:
    try:
        parse_price(text)
        return True
    except PriceError:
        return False


def to_tiyn(value: Decimal | Fraction | int | str | None) -> Decimal | None:
    """Round an exact amount to the tiyn (0.01 tenge), half away from zero: the one rounding rule."""
    if value is None:
        return None
    q = Fraction(Decimal(value) if isinstance(value, str) else value) * 100
    n = math.floor(abs(q) + Fraction(1, 2))
    return Decimal(-n if q < 0 else n).scaleb(-2)


def format_kzt(value: Decimal | Fraction | None) -> str:
    """Two decimals, dot separator: what CSV and reports show."""
    return "" if value is None else f"{to_tiyn(value):.2f}"
