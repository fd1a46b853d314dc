"""Document numbers: a gapless sequence per issuer and series, allocated purely.

EU invoicing rules ask for "a sequential number, based on one or more series,
which uniquely identifies the invoice" (Directive 2006/112/EC, Article
226(2)); national rules read it as gapless. A :class:`NumberSeries` is a
value: :meth:`NumberSeries.allocate` returns the number and the next state of
the series, and the back end stores that state in the same transaction as the
document, so a number is never used twice nor skipped. Numbers are given at
issue, never to a draft (a Stripe draft invoice has no number until it is
finalised, https://docs.stripe.com/invoicing/integration/workflow-transitions),
so discarding a draft leaves no gap.

>>> series = NumberSeries(issuer="Outbound Co", prefix="INV-2026-")
>>> number, series = series.allocate()
>>> number, series.allocate()[0]
('INV-2026-0001', 'INV-2026-0002')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from ppa_core import _validation as v
from ppa_core.exceptions import ValidationError

__all__ = ["NumberSeries", "check_gapless"]


@attrs.frozen
class NumberSeries:
    """The state of one gapless series of document numbers.

    Attributes:
        issuer: who issues the documents (numbers are unique per issuer and series).
        prefix: the series' text before the number (``"INV-2026-"``, ``"CN-"``).
        next_number: the next number to give (default 1).
        width: digits the number is padded to with zeros (default 4; longer
            numbers are written in full).
    """

    issuer: str = attrs.field(validator=v.text("series.issuer"))
    prefix: str = attrs.field(default="INV-", validator=v.text("series.prefix"))
    next_number: int = attrs.field(
        default=1, validator=v.int_field("series.next_number", minimum=1)
    )
    width: int = attrs.field(
        default=4, validator=v.int_field("series.width", minimum=1, maximum=12)
    )

    def format(self, number: int) -> str:
        """The document number ``number`` of this series (``INV-0007``)."""
        return f"{self.prefix}{number:0{self.width}d}"

    def allocate(self) -> tuple[str, NumberSeries]:
        """The next number and the series after it: store both together."""
        return self.format(self.next_number), attrs.evolve(self, next_number=self.next_number + 1)

    def sequence_of(self, number: str) -> int | None:
        """The sequence number of a document number of this series, or None if not one."""
        if not number.startswith(self.prefix):
            return None
        digits = number[len(self.prefix) :]
        return int(digits) if re.fullmatch(r"[0-9]+", digits) else None


def check_gapless(series: NumberSeries, numbers: Iterable[str]) -> None:
    """Check that ``numbers`` are exactly the series' numbers given so far (1 to next - 1).

    Args:
        series: the series in its current state.
        numbers: every number of the series on the documents issued (in any order).

    Raises:
        ValidationError: a number not of the series, given twice, or missing (a gap).
    """
    seen: set[int] = set()
    for i, number in enumerate(numbers):
        sequence = series.sequence_of(number)
        if sequence is None or sequence >= series.next_number:
            raise ValidationError(
                f"numbers[{i}]", number, f"a number given by the series {series.prefix!r} so far"
            )
        if sequence in seen:
            raise ValidationError(f"numbers[{i}]", number, "a number used once only")
        seen.add(sequence)
    missing = [series.format(n) for n in range(1, series.next_number) if n not in seen]
    if missing:
        raise ValidationError("numbers", missing[:5], "present: no gap in the series")
