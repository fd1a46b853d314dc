"""How a value is shown, looked up by its type: the values ask, the presentation layer answers.

Domain and billing values define ``__repr__`` and ``_repr_html_`` by calling
:func:`text` and :func:`html` with themselves. The renderers live in
:mod:`ppa_core.presentation`, which registers one per type when it is imported,
so the dependency points from presentation down to the values and never back up
(docs/architecture.md). ``ppa_core/__init__.py`` does not import presentation
eagerly (it would pull in the modelling layer): it hands this module a loader with
:func:`set_loader`, called once, when the first value without a renderer is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

__all__ = ["Printer", "html", "pretty", "set_loader", "text"]

# What html.escape(quote=True) replaces, done here: importing the stdlib module loads its
# table of 2,000 named entities (about 2 % of `import ppa_core`) for a fallback rarely taken.
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})

_loader: Callable[[], None] | None = None


def set_loader(loader: Callable[[], None]) -> None:
    """Call ``loader`` (which registers the renderers) before the first value is shown."""
    global _loader  # noqa: PLW0603 - one process-wide registry, filled once
    _loader = loader


def _load() -> bool:
    """Run the pending loader once; True when it ran (a renderer may now be registered)."""
    global _loader
    loader, _loader = _loader, None  # cleared first: a repr during the import cannot recurse
    if loader is None:
        return False
    loader()
    return True


@functools.singledispatch
def text(value: object) -> str:
    """The plain-text form of ``value``, from the renderer registered for its type.

    The fallback (no renderer registered, as while ``ppa_core.presentation`` is
    still being imported) is ``object.__repr__``: it never calls back into
    ``value``'s own ``__repr__``, so it cannot recurse.
    """
    if _load():
        return text(value)
    return object.__repr__(value)


@functools.singledispatch
def html(value: object) -> str:
    """The HTML form of ``value`` for Jupyter, from the renderer registered for its type."""
    if _load():
        return html(value)
    return f"<pre>{text(value).translate(_ESCAPES)}</pre>"


class Printer(Protocol):
    """What IPython's and Hypothesis's pretty printers pass to ``_repr_pretty_``."""

    def text(self, obj: str) -> None: ...


def pretty(value: object, printer: Printer) -> None:
    """Print ``value``'s plain-text form through a ``_repr_pretty_`` printer.

    Hypothesis prints an attrs instance field by field, ignoring ``__repr__``, unless
    it has ``_repr_pretty_``: with it, a falsifying example shows a value in one line.
    """
    printer.text(text(value))
