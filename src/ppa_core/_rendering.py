"""How a value is shown, looked up by its type: the values ask, the presentation layer answers.

Domain and billing values define ``__repr__`` and ``_repr_html_`` by calling
:func:`text` and :func:`html` with themselves. The renderers live in
:mod:`ppa_core.presentation`, which registers one per type when ``ppa_core`` is
imported, so the dependency points from presentation down to the values and
never back up (docs/architecture.md).
"""

from __future__ import annotations

import functools
import html as _html

__all__ = ["html", "text"]


@functools.singledispatch
def text(value: object) -> str:
    """The plain-text form of ``value``, from the renderer registered for its type.

    The fallback (no renderer registered, as while ``ppa_core`` is still being
    imported) is ``object.__repr__``: it never calls back into ``value``'s own
    ``__repr__``, so it cannot recurse.
    """
    return object.__repr__(value)


@functools.singledispatch
def html(value: object) -> str:
    """The HTML form of ``value`` for Jupyter, from the renderer registered for its type."""
    return f"<pre>{_html.escape(text(value))}</pre>"
