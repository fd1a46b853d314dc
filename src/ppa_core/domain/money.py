"""Money: an exact decimal amount with an ISO 4217 currency.

Amounts are ``Decimal`` only: a float is refused, because ``0.1 + 0.2`` is not
``0.3`` and an invoice must reconcile to the cent. Arithmetic stays exact;
rounding to the currency's minor unit happens once, explicitly, with a named
:class:`RoundingMode`.

>>> price = Money.of("350", "EUR")
>>> (price * 3).rounded()
Money('1050.00', 'EUR')
>>> Money.of("100.00", "EUR").allocate([1, 1, 1])
(Money('33.34', 'EUR'), Money('33.33', 'EUR'), Money('33.33', 'EUR'))
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NoReturn, Self

import attrs

from ppa_core._validation import finite_decimal
from ppa_core.exceptions import CurrencyMismatch, InvalidMoney, MoneyOperationError

__all__ = ["CURRENCIES", "Currency", "Money", "RoundingMode", "currency"]


class RoundingMode(enum.StrEnum):
    """How an exact amount is rounded to a currency's minor unit.

    ``HALF_UP`` (the default everywhere in ppa_core) rounds halves away from
    zero, as Lago, Kill Bill and most billing systems do; ``HALF_EVEN`` is
    banker's rounding.
    """

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    UP = "up"
    DOWN = "down"

    @property
    def decimal_mode(self) -> str:
        """The matching :mod:`decimal` rounding constant."""
        return _DECIMAL_MODES[self]


_DECIMAL_MODES: Mapping[RoundingMode, str] = MappingProxyType(
    {
        RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
        RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
        RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
        RoundingMode.UP: decimal.ROUND_UP,
        RoundingMode.DOWN: decimal.ROUND_DOWN,
    }
)


@attrs.frozen(order=False)
class Currency:
    """An ISO 4217 currency.

    Attributes:
        code: the three-letter code, upper case ("EUR").
        minor_units: digits after the decimal point (EUR 2, JPY 0, BHD 3).
        name: the English name.
    """

    code: str
    minor_units: int
    name: str = attrs.field(eq=False)

    @property
    def quantum(self) -> Decimal:
        """The smallest amount of the currency, as a Decimal exponent (0.01 for EUR)."""
        return _QUANTA[self.minor_units]

    def __str__(self) -> str:
        return self.code


_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(5)}

# ISO 4217 active codes with their minor units. Kept as text so the table stays
# readable; the parsed mapping below is read-only.
_ISO_4217 = """
AED 2 UAE Dirham|AFN 2 Afghani|ALL 2 Lek|AMD 2 Armenian Dram|ANG 2 Netherlands Antillean Guilder
AOA 2 Kwanza|ARS 2 Argentine Peso|AUD 2 Australian Dollar|AWG 2 Aruban Florin|AZN 2 Azerbaijan Manat
BAM 2 Convertible Mark|BBD 2 Barbados Dollar|BDT 2 Taka|BGN 2 Bulgarian Lev|BHD 3 Bahraini Dinar
BIF 0 Burundi Franc|BMD 2 Bermudian Dollar|BND 2 Brunei Dollar|BOB 2 Boliviano|BRL 2 Brazilian Real
BSD 2 Bahamian Dollar|BTN 2 Ngultrum|BWP 2 Pula|BYN 2 Belarusian Ruble|BZD 2 Belize Dollar
CAD 2 Canadian Dollar|CDF 2 Congolese Franc|CHF 2 Swiss Franc|CLP 0 Chilean Peso|CNY 2 Yuan Renminbi
COP 2 Colombian Peso|CRC 2 Costa Rican Colon|CUP 2 Cuban Peso|CVE 2 Cabo Verde Escudo|CZK 2 Czech Koruna
DJF 0 Djibouti Franc|DKK 2 Danish Krone|DOP 2 Dominican Peso|DZD 2 Algerian Dinar|EGP 2 Egyptian Pound
ERN 2 Nakfa|ETB 2 Ethiopian Birr|EUR 2 Euro|FJD 2 Fiji Dollar|FKP 2 Falkland Islands Pound
GBP 2 Pound Sterling|GEL 2 Lari|GHS 2 Ghana Cedi|GIP 2 Gibraltar Pound|GMD 2 Dalasi
GNF 0 Guinean Franc|GTQ 2 Quetzal|GYD 2 Guyana Dollar|HKD 2 Hong Kong Dollar|HNL 2 Lempira
HTG 2 Gourde|HUF 2 Forint|IDR 2 Rupiah|ILS 2 New Israeli Sheqel|INR 2 Indian Rupee
IQD 3 Iraqi Dinar|IRR 2 Iranian Rial|ISK 0 Iceland Krona|JMD 2 Jamaican Dollar|JOD 3 Jordanian Dinar
JPY 0 Yen|KES 2 Kenyan Shilling|KGS 2 Som|KHR 2 Riel|KMF 0 Comorian Franc
KPW 2 North Korean Won|KRW 0 Won|KWD 3 Kuwaiti Dinar|KYD 2 Cayman Islands Dollar|KZT 2 Tenge
LAK 2 Lao Kip|LBP 2 Lebanese Pound|LKR 2 Sri Lanka Rupee|LRD 2 Liberian Dollar|LSL 2 Loti
LYD 3 Libyan Dinar|MAD 2 Moroccan Dirham|MDL 2 Moldovan Leu|MGA 2 Malagasy Ariary|MKD 2 Denar
MMK 2 Kyat|MNT 2 Tugrik|MOP 2 Pataca|MRU 2 Ouguiya|MUR 2 Mauritius Rupee
MVR 2 Rufiyaa|MWK 2 Malawi Kwacha|MXN 2 Mexican Peso|MYR 2 Malaysian Ringgit|MZN 2 Mozambique Metical
NAD 2 Namibia Dollar|NGN 2 Naira|NIO 2 Cordoba Oro|NOK 2 Norwegian Krone|NPR 2 Nepalese Rupee
NZD 2 New Zealand Dollar|OMR 3 Rial Omani|PAB 2 Balboa|PEN 2 Sol|PGK 2 Kina
PHP 2 Philippine Peso|PKR 2 Pakistan Rupee|PLN 2 Zloty|PYG 0 Guarani|QAR 2 Qatari Rial
RON 2 Romanian Leu|RSD 2 Serbian Dinar|RUB 2 Russian Ruble|RWF 0 Rwanda Franc|SAR 2 Saudi Riyal
SBD 2 Solomon Islands Dollar|SCR 2 Seychelles Rupee|SDG 2 Sudanese Pound|SEK 2 Swedish Krona
SGD 2 Singapore Dollar|SHP 2 Saint Helena Pound|SLE 2 Leone|SOS 2 Somali Shilling|SRD 2 Surinam Dollar
SSP 2 South Sudanese Pound|STN 2 Dobra|SVC 2 El Salvador Colon|SYP 2 Syrian Pound|SZL 2 Lilangeni
THB 2 Baht|TJS 2 Somoni|TMT 2 Turkmenistan New Manat|TND 3 Tunisian Dinar|TOP 2 Pa'anga
TRY 2 Turkish Lira|TTD 2 Trinidad and Tobago Dollar|TWD 2 New Taiwan Dollar|TZS 2 Tanzanian Shilling
UAH 2 Hryvnia|UGX 0 Uganda Shilling|USD 2 US Dollar|UYU 2 Peso Uruguayo|UZS 2 Uzbekistan Sum
VES 2 Bolivar Soberano|VND 0 Dong|VUV 0 Vatu|WST 2 Tala|XAF 0 CFA Franc BEAC
XCD 2 East Caribbean Dollar|XOF 0 CFA Franc BCEAO|XPF 0 CFP Franc|YER 2 Yemeni Rial
ZAR 2 Rand|ZMW 2 Zambian Kwacha|ZWG 2 Zimbabwe Gold
"""


def _parse_table(text: str) -> Mapping[str, Currency]:
    table: dict[str, Currency] = {}
    for entry in text.replace("\n", "|").split("|"):
        if entry.strip():
            code, digits, name = entry.strip().split(" ", 2)
            table[code] = Currency(code, int(digits), name)
    return MappingProxyType(table)


CURRENCIES: Mapping[str, Currency] = _parse_table(_ISO_4217)
"""Every ISO 4217 currency ppa_core knows, by code (read-only)."""


def currency(code: str | Currency) -> Currency:
    """Return the :class:`Currency` for an ISO 4217 code.

    Args:
        code: a three-letter code such as ``"EUR"`` (exact, upper case), or a Currency.

    Raises:
        InvalidMoney: the code is not an ISO 4217 currency ppa_core knows.
    """
    if isinstance(code, Currency):
        return code
    if isinstance(code, str):
        found = CURRENCIES.get(code)
        if found is not None:
            return found
    raise InvalidMoney("currency", code, "an ISO 4217 code such as 'EUR', 'USD' or 'JPY'")


def _to_decimal(value: object) -> Decimal:
    # bool is an int subclass; True EUR is a bug, not an amount.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidMoney("amount", value, "a finite Decimal")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        parsed = finite_decimal(value)
        if parsed is not None:
            return parsed
        raise InvalidMoney("amount", value, "a decimal number written as text, e.g. '350.00'")
    if isinstance(value, float):
        raise InvalidMoney(
            "amount", value, "a Decimal, int or decimal string; floats are refused for money"
        )
    raise InvalidMoney("amount", value, "a Decimal, int or decimal string")


def _to_rounding_mode(value: object) -> RoundingMode:
    if isinstance(value, str):
        try:
            return RoundingMode(value)
        except ValueError:
            pass
    allowed = tuple(m.value for m in RoundingMode)
    raise InvalidMoney("mode", value, f"a RoundingMode, one of {allowed}")


def _to_currency(value: object) -> Currency:
    if isinstance(value, Currency | str):
        return currency(value)
    raise InvalidMoney("currency", value, "an ISO 4217 code such as 'EUR' or a Currency")


def _refused(operation: str) -> Callable[[Any, object], NoReturn]:
    """An operator method that refuses ``operation`` with :class:`MoneyOperationError`."""

    def refuse(_self: Any, other: object) -> NoReturn:
        raise MoneyOperationError(operation, other)

    refuse.__name__ = operation
    return refuse


@attrs.frozen(order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Attributes:
        amount: the exact amount; accepts Decimal, int or a decimal string, never a float.
        currency: the currency; accepts a Currency or an ISO 4217 code.
    """

    amount: Decimal = attrs.field(converter=_to_decimal)
    currency: Currency = attrs.field(converter=_to_currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: Currency | str) -> Self:
        """Build money from an amount and a currency code: ``Money.of("350", "EUR")``."""
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: Currency | str) -> Self:
        """Zero in ``currency``, at its minor unit (``EUR 0.00``, ``JPY 0``, ``BHD 0.000``)."""
        found = _to_currency(currency)
        return cls(Decimal(0).quantize(found.quantum), found)

    @classmethod
    def total(cls, items: Iterable[Money], currency: Currency | str) -> Money:
        """Sum ``items`` exactly; the currency names the result when ``items`` is empty.

        Raises:
            CurrencyMismatch: an item is not in ``currency``.
        """
        result = cls.zero(currency)
        for item in items:
            result = result + item
        return result

    def _check(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(operation, self.currency.code, other.currency.code)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise MoneyOperationError("__add__", other)
        self._check(other, "add")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise MoneyOperationError("__sub__", other)
        self._check(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise MoneyOperationError("__mul__", factor)
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    # Division needs a rounding decision (divided_by() is exact, allocate() splits), and
    # money added to a bare number has no currency: each operator says so.
    __truediv__ = _refused("__truediv__")
    __rtruediv__ = _refused("__rtruediv__")
    __floordiv__ = _refused("__floordiv__")
    __rfloordiv__ = _refused("__rfloordiv__")
    __mod__ = _refused("__mod__")
    __rmod__ = _refused("__rmod__")
    __divmod__ = _refused("__divmod__")
    __rdivmod__ = _refused("__rdivmod__")
    __radd__ = _refused("__radd__")
    __rsub__ = _refused("__rsub__")

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise MoneyOperationError("__lt__", other)
        self._check(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise MoneyOperationError("__le__", other)
        self._check(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise MoneyOperationError("__gt__", other)
        self._check(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            raise MoneyOperationError("__ge__", other)
        self._check(other, "compare")
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return not self.amount

    def divided_by(self, divisor: Decimal | int) -> Money:
        """Exact quotient (to the Decimal context's precision, 28 digits); round it yourself.

        Raises:
            InvalidMoney: ``divisor`` is zero or not a Decimal/int.
        """
        given: object = divisor  # checked at run time: callers are not always typed
        if isinstance(given, bool) or not isinstance(given, Decimal | int) or not given:
            raise InvalidMoney("divisor", divisor, "a non-zero Decimal or int")
        return Money(self.amount / divisor, self.currency)

    def rounded(self, mode: RoundingMode | str = RoundingMode.HALF_UP) -> Money:
        """Round to the currency's minor unit (EUR cents, JPY yen, BHD fils).

        Args:
            mode: the rounding mode (or its name, ``"half_even"``); half-up by default.

        Raises:
            InvalidMoney: ``mode`` is not a rounding mode.
        """
        how = mode if type(mode) is RoundingMode else _to_rounding_mode(mode)
        quantum = self.currency.quantum
        try:
            exact = self.amount.quantize(quantum, rounding=how.decimal_mode)
        except decimal.InvalidOperation:
            # More digits than the context's 28: round with as many as the amount needs.
            digits = self.amount.adjusted() - quantum.as_tuple().exponent + 2  # type: ignore[operator]
            wide = decimal.Context(prec=digits)
            exact = self.amount.quantize(quantum, rounding=how.decimal_mode, context=wide)
        return Money(exact, self.currency)

    @property
    def is_rounded(self) -> bool:
        """True when the amount has no digits beyond the currency's minor unit."""
        return self.amount == self.amount.quantize(
            self.currency.quantum, rounding=decimal.ROUND_DOWN
        )

    def allocate(self, ratios: Sequence[Decimal | int]) -> tuple[Money, ...]:
        """Split into parts proportional to ``ratios`` without losing or inventing a minor unit.

        Largest remainder method: each part gets its rounded-down share, then the
        leftover minor units go one each to the parts with the largest remainders
        (earlier parts first on ties). The parts always sum to exactly ``self``.

        Args:
            ratios: non-negative weights, at least one positive.

        Raises:
            InvalidMoney: ``self`` is not rounded to the minor unit, or the ratios are not allowed.
        """
        if not self.is_rounded:
            raise InvalidMoney(
                "amount", self.amount, f"rounded to {self.currency.minor_units} decimal places"
            )
        weights = [_to_ratio(r, i) for i, r in enumerate(ratios)]
        total_weight = sum(weights, Decimal(0))
        if not weights or total_weight <= 0:
            raise InvalidMoney("ratios", list(ratios), "at least one positive weight")
        units = int(self.amount.scaleb(self.currency.minor_units))
        sign = -1 if units < 0 else 1
        units = abs(units)
        shares = [units * w / total_weight for w in weights]
        floors = [int(s) for s in shares]
        leftover = units - sum(floors)
        by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
        for i in by_remainder[:leftover]:
            floors[i] += 1
        digits = self.currency.minor_units
        return tuple(Money(Decimal(sign * f).scaleb(-digits), self.currency) for f in floors)

    def split(self, parts: int) -> tuple[Money, ...]:
        """Split into ``parts`` near-equal parts that sum exactly to ``self``."""
        given: object = parts
        if isinstance(given, bool) or not isinstance(given, int) or given < 1:
            raise InvalidMoney("parts", parts, "a whole number of at least 1")
        return self.allocate([1] * parts)

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency.code!r})"

    def __str__(self) -> str:
        return f"{self.currency.code} {self.amount:,}"

    def format(self) -> str:
        """Format rounded half-up to the minor unit with thousands separators: ``EUR 1,050.00``."""
        return f"{self.currency.code} {self.rounded().amount:,}"


def _to_ratio(value: Any, index: int) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int) or value < 0:
        raise InvalidMoney(f"ratios[{index}]", value, "a non-negative Decimal or int")
    return Decimal(value)


def money_in(field: str, value: object, currency: Currency) -> Money:
    """``value`` when it is Money in ``currency``, else an InvalidMoney naming ``field``."""
    if not isinstance(value, Money) or value.currency != currency:
        raise InvalidMoney(field, value, f"a Money in {currency}")
    return value
