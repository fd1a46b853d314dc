"""What a qualification check is, and how its results are shared between prospects.

Each check is split in two: ``outcome`` decides pass / fail / unknown from the
facts, ``reason`` words that outcome for a person. The billing engine's fast
path calls only ``outcome``; a full evaluation calls both. One decision
function per check means the fast path and the explained result cannot
disagree.

The checks themselves are tables: ``ICP_CHECKS`` in :mod:`._icp_checks` and
``BANT_CHECKS`` in :mod:`._bant_checks`. Each table is typed against a protocol
of what its checks read (``Check[_IcpFilters]``), not against the criteria
classes that configure it, so the checks sit below
:mod:`ppa_core.domain.qualification` and never import it; mypy checks that the
criteria satisfy the protocol where they call a check.

The memo (:data:`Memo`, :func:`values_of`) lets
:class:`~ppa_core.domain.qualification.QualificationCriteria` compute each
criterion's result once per distinct value of the facts the check ``reads``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from typing import Any, Generic, NamedTuple, TypeVar

import pendulum

from ppa_core.domain.criteria_set import CriterionResult, Outcome
from ppa_core.domain.money import Money
from ppa_core.domain.prospect import Prospect

Config = TypeVar("Config")
"""What configures a check: the criteria (or the protocol of what the check reads)."""


class Check(NamedTuple, Generic[Config]):
    """One criterion: its name, whether criteria configure it, its outcome and reason.

    ``reads`` names every prospect attribute (dotted) the outcome and the reason
    read: they are all a check depends on, so equal facts give an equal result
    and results are shared. An empty ``reads`` means the check reads the days
    from the meeting to the decision date, and nothing else (the timeline).
    """

    name: str
    configured: Callable[[Config], bool]
    outcome: Callable[[Config, Prospect, pendulum.Date], Outcome]
    reason: Callable[[Config, Prospect, pendulum.Date, Outcome], str]
    reads: tuple[str, ...]


PASS, FAIL, UNKNOWN = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN


MEMO_LIMIT = 4096
"""Results remembered per criterion before the memo starts afresh (bounds memory)."""


Memo = tuple[
    Check[Any],
    Any,
    "int | slice | None",
    dict[Hashable, tuple[CriterionResult, bool]],
    "bool | None",
]
"""A check; what configures it; where its facts sit among the values read (None: it
reads the days to decision); its results (and whether each holds) by those facts; for
a BANT element whether it is required (None for an ICP filter)."""


def values_of(paths: tuple[str, ...]) -> Callable[[Prospect], tuple[Hashable, ...]]:
    """The facts at ``paths``, in one read; amounts by their text, so equal keys read the same.

    Money compares by value (EUR 10.0 == EUR 10.00) but reasons print it as given.
    """
    if not paths:
        return _nothing
    get = operator.attrgetter(*paths, "id")  # a second path makes attrgetter return a tuple
    if not any(path.endswith(("revenue", "amount")) for path in paths):
        return get

    def exact(prospect: Prospect) -> tuple[Hashable, ...]:
        values: tuple[object, ...] = get(prospect)
        return tuple(str(x) if isinstance(x, Money) else x for x in values)

    return exact


def _nothing(_prospect: Prospect) -> tuple[Hashable, ...]:
    return ()
