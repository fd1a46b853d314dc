"""The amounts Money holds (private): their limits and the context that computes them.

An amount has at most :data:`MAX_INTEGER_DIGITS` digits before the decimal point
and at most :data:`MAX_DECIMAL_PLACES` after it, so at most 30 significant digits.
:data:`EXACT` holds twice that, so the sum, difference or product of two
accepted amounts is always computed in full; it traps ``Inexact``, so any result
that would lose a digit raises instead of being rounded silently. It is ours,
never ``decimal.getcontext()``: a notebook may have changed the global context
(``prec = 3``, another rounding, other traps) and that must change nothing.
"""

from __future__ import annotations

import decimal
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ppa_core._validation import DECIMAL_TEXT, is_decimal_text, parse_decimal
from ppa_core.exceptions import InvalidMoney

MAX_INTEGER_DIGITS = 18
"""Digits before the decimal point: every amount is below 10**18 in size.

A quintillion units is 10,000 times the world's yearly output in US dollars and
still holds hyperinflated currencies (IRR, VES) and a quantity times a price.
"""

MAX_DECIMAL_PLACES = 12
"""Digits after the decimal point: every amount is a whole multiple of 10**-12.

ISO 4217 minor units go to 4 places; an exact per-unit price such as 0.067 USD
or 0.0675 EUR has 3 or 4, and that price times a rate such as 0.125 has 7 or
8: 12 leaves room for a price times a rate, with digits to spare.
"""

MAX_PARTS = 100_000
"""The most parts :meth:`Money.split` and :meth:`Money.allocate` make in one call."""

LIMIT = (
    f"an amount with at most {MAX_INTEGER_DIGITS} digits before the decimal point "
    f"and at most {MAX_DECIMAL_PLACES} after it"
)
"""The limit in words, for error messages."""

PRECISION = 2 * (MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES)
"""Significant digits of :data:`EXACT`: the product of two accepted amounts fits."""

# Within the limits a quantity's exponent stays far inside these; a factor or divisor
# with an absurd exponent overflows or underflows them and is refused (trapped).
_EXPONENT_RANGE = 999_999

EXACT = decimal.Context(
    prec=PRECISION,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-_EXPONENT_RANGE,
    Emax=_EXPONENT_RANGE,
    clamp=0,  # never fold an exponent: a refused result shows as it was computed
    flags=[],
    # Inexact is the signal that a digit was lost. Rounded alone is not trapped: it is
    # also raised when only trailing zeros are dropped, and then nothing is lost.
    # Underflow and Subnormal come with Inexact whenever a digit goes.
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
"""Exact arithmetic on amounts: a result that cannot be held raises DecimalException."""

ROUNDING = EXACT.copy()
ROUNDING.traps[decimal.Inexact] = False
"""Explicit rounding (to a minor unit): as :data:`EXACT`, with Inexact allowed."""

STICKY = ROUNDING.copy()
STICKY.rounding = decimal.ROUND_05UP
# ROUND_05UP keeps a lost digit visible in the last place kept (it is the decimal
# round-to-odd), so a quotient computed with it to more places than the minor unit
# rounds again to the minor unit exactly as the true quotient would: no double rounding.
"""Division before an explicit rounding: ROUND_05UP, so rounding again is exact."""

_INTEGER_LIMIT: int = 10**MAX_INTEGER_DIGITS


def int_within_limit(value: int) -> bool:
    """True when the int ``value`` is below 10**18 in size (checked before any Decimal())."""
    # Decimal(10**1_000_000) alone takes half a minute: compare first, convert after.
    return -_INTEGER_LIMIT < value < _INTEGER_LIMIT


def bounded(value: Decimal) -> Decimal | None:
    """``value`` within the limits, in its canonical form; None when it is beyond them.

    Reads only the digits and exponent (``as_tuple()``), so ``1E+999999`` and
    ``1E-999999999`` are refused in microseconds, before any arithmetic. The value
    never changes; only its form does: an exponent above 0 is written out
    (``1E+3`` -> ``1000``) and trailing zeros beyond the 12th place are dropped
    (``1.0000000000000`` -> ``1.000000000000``). ``value`` must be finite.
    """
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return None
    canonical = True  # pragma: no mutate - False gives the same: it rebuilds an equal Decimal
    if exponent < -MAX_DECIMAL_PLACES:
        cut = -MAX_DECIMAL_PLACES - exponent  # may be ~10**9: only slices, never built
        if any(digits[-cut:]):
            return None
        digits, exponent, canonical = digits[:-cut] or (0,), -MAX_DECIMAL_PLACES, False
    # At exponent 0 writing out changes nothing, so ">= 0" would do as well as "> 0".
    if digits == (0,):
        if exponent > 0:  # pragma: no mutate - same result with >= 0 (see above)
            digits, exponent, canonical = (0,), 0, False
    elif len(digits) + exponent > MAX_INTEGER_DIGITS:
        return None
    elif exponent > 0:  # pragma: no mutate - same result with >= 0 (see above)
        digits, exponent, canonical = digits + (0,) * exponent, 0, False
    return value if canonical else Decimal((sign, digits, exponent))


def to_amount(value: object) -> Decimal:
    """Money's converter: ``value`` as an amount within the limits, or InvalidMoney."""
    # bool is an int subclass; True EUR is a bug, not an amount.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidMoney("amount", value, "a finite Decimal")
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        if not int_within_limit(value):
            raise InvalidMoney("amount", shown(value), LIMIT)
        return Decimal(value)  # an int below 10**18 is within the limits as it is
    elif isinstance(value, str):
        if not is_decimal_text(value):
            raise InvalidMoney("amount", value, f"a decimal number written as {DECIMAL_TEXT}")
        parsed = parse_decimal(value)
        if parsed is None:  # an exponent beyond even Decimal's own range
            raise InvalidMoney("amount", value, LIMIT)
        number = parsed
    elif isinstance(value, float):
        raise InvalidMoney(
            "amount", value, "a Decimal, int or decimal string; floats are refused for money"
        )
    else:
        raise InvalidMoney("amount", value, "a Decimal, int or decimal string")
    within = bounded(number)
    if within is None:
        raise InvalidMoney("amount", value, LIMIT)
    return within


def operand(field: str, value: Decimal | int, *, nonzero: bool = False) -> Decimal:
    """A factor or divisor (already known to be a Decimal or int) as a finite Decimal."""
    allowed = "a finite non-zero Decimal or int" if nonzero else "a finite Decimal or int"
    if isinstance(value, int):
        # Decimal() of a huge int is slow (10**1_000_000 takes half a minute), and past
        # PRECISION digits no result of a non-zero amount is within the limits anyway.
        if not -_OPERAND_LIMIT < value < _OPERAND_LIMIT:
            raise InvalidMoney(field, shown(value), f"{allowed} of at most {PRECISION} digits")
        value = Decimal(value)
    if not value.is_finite() or (nonzero and not value):
        raise InvalidMoney(field, value, allowed)
    return value


_OPERAND_LIMIT: int = 10**PRECISION


def bounded_ratios(ratios: Iterable[Decimal | int]) -> tuple[object, ...]:
    """At most MAX_PARTS ratios as a tuple, counted before anything is done with them."""
    given: object = ratios  # checked at run time: callers are not always typed
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidMoney("ratios", ratios, "a sequence of non-negative Decimals or ints")
    if isinstance(given, Sequence):
        count = len(given)
    else:  # an iterator: take one more than allowed, to know when there are too many
        given = tuple(itertools.islice(given, MAX_PARTS + 1))
        count = len(given)
    if count > MAX_PARTS:
        raise InvalidMoney("ratios", f"{count:_} ratios", f"at most {MAX_PARTS:_} ratios")
    return tuple(given)


def to_weight(value: object, index: int) -> int:
    """A ratio as a whole number of 10**-12ths (exact: ratios have at most 12 places)."""
    allowed = f"a non-negative Decimal or int, {LIMIT}"
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < _INTEGER_LIMIT:
            return value * _WEIGHT_SCALE
        raise InvalidMoney(f"ratios[{index}]", shown(value), allowed)
    within = None
    if isinstance(value, Decimal) and value.is_finite() and value >= 0:
        within = bounded(value)
    if within is None:
        raise InvalidMoney(f"ratios[{index}]", value, allowed)
    return int(EXACT.scaleb(within, MAX_DECIMAL_PLACES))


_WEIGHT_SCALE: int = 10**MAX_DECIMAL_PLACES


def shown(value: object) -> object:
    """``value`` for an error message: a huge int is described, not written out.

    ``repr()`` of an int over 4,300 digits raises ValueError (CPython's guard against
    slow conversions), and a million digits would drown the message anyway.
    """
    if isinstance(value, int) and value.bit_length() > _SHOWN_BITS:
        return f"an int of about {int(value.bit_length() * 0.30103):,} digits"
    return value


_SHOWN_BITS = 256  # about 77 digits: longer ints are described
