"""Progress of long modelling work: a callback, or a tqdm bar when tqdm is installed.

:func:`~ppa_core.modelling.scenario.simulate`, :func:`~ppa_core.modelling.sweep.sweep`
and :func:`~ppa_core.modelling.break_even.break_even_show_rate` take ``progress=``:

- ``None`` (the default): silent.
- a callable ``progress(done, total)``: called after each step with the runs done so
  far and the total (sweeps count runs over every grid point; a break-even search
  counts evaluated show rates, its total an upper bound).
- ``True``: a ``tqdm.auto`` bar (a widget in Jupyter, text elsewhere) when the
  ``progress`` extra (``pip install 'ppa_core[progress]'``) is installed; silent
  when it is not.

The results are the same with or without progress: the runs are split into steps by
run index, and every run draws from its own stream (common random numbers).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ppa_core.exceptions import ValidationError

__all__ = ["STEPS", "Progress", "ProgressOption", "reporting"]

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called after each step of the work."""

ProgressOption = Progress | bool | None
"""What ``progress=`` accepts: a callback, True for a tqdm bar, None or False for silence."""

STEPS = 50
"""About how many times a simulation reports: runs are taken in steps of ``runs // STEPS``."""


def _silent(done: int, total: int) -> None:
    """Report nothing."""


def _bar(total: int, description: str) -> tuple[Progress, Callable[[], None]]:
    try:
        tqdm = importlib.import_module("tqdm.auto").tqdm
    except ImportError:  # the extra is not installed: silent, as documented
        return _silent, lambda: None
    bar: Any = tqdm(total=total, desc=description, unit="run")

    def update(done: int, _total: int) -> None:
        bar.update(done - bar.n)

    return update, bar.close


@contextmanager
def reporting(option: object, total: int, description: str) -> Iterator[Progress]:
    """The callback for ``progress=option`` over ``total`` steps, closed at the end.

    Raises:
        ValidationError: ``option`` is neither None, a bool nor a callable.
    """
    if option is None or option is False:
        yield _silent
    elif option is True:
        update, close = _bar(total, description)
        try:
            yield update
        finally:
            close()
    elif callable(option):
        yield option
    else:
        raise ValidationError("progress", option, "None, True, False or a callable(done, total)")


def steps(runs: int) -> list[tuple[int, int]]:
    """``[start, stop)`` run ranges covering ``0..runs`` in about :data:`STEPS` steps."""
    size = max(1, runs // STEPS)
    return [(start, min(start + size, runs)) for start in range(0, runs, size)]
