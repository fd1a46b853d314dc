"""Compact pickling for the frozen value classes sent to and from worker processes.

attrs pickles a slotted class as a dict of field names, built and read back in Python
per object; a billing run pickles some ten objects per appointment, so that was most
of the parent's work (issue 21). :func:`compact_pickle` gives a class a ``__reduce__``
that pickles its field values as one tuple (read by ``operator.attrgetter``, in C) and
rebuilds it without running ``__init__``: the values came from a valid object, and
derived fields (``init=False``) travel too, so nothing is recomputed and the copy is
exactly the original.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["compact_pickle"]

T = TypeVar("T", bound=type)

# Only registered classes can be rebuilt: the field names come from here, never from
# the pickle.
_FIELDS: dict[type, tuple[str, ...]] = {}
_SETATTR = object.__setattr__


def _rebuild(cls: type, values: tuple[Any, ...]) -> Any:
    obj: Any = object.__new__(cls)
    for name, value in zip(_FIELDS[cls], values, strict=True):
        _SETATTR(obj, name, value)  # frozen: the class's own __setattr__ refuses
    return obj


def compact_pickle(cls: T) -> T:
    """Give the attrs class ``cls`` a compact ``__reduce__`` (a class decorator).

    Use it above ``@attrs.frozen``, on classes whose state is exactly their attrs
    fields (no cached hash, no slots of their own beside the fields).

    Args:
        cls: a slotted attrs class.

    Returns:
        ``cls``, now pickled as ``(class, field values)``.
    """
    names = tuple(field.name for field in attrs.fields(cls))
    many = operator.attrgetter(*names)
    read: Callable[[Any], tuple[Any, ...]] = many if len(names) > 1 else lambda o: (many(o),)
    _FIELDS[cls] = names

    def reduce(self: Any) -> tuple[Any, ...]:
        kind = type(self)
        if kind is not cls:  # a subclass may add fields: pickle it the way attrs does
            return (object.__new__, (kind,), self.__getstate__())
        return (_rebuild, (cls, read(self)))

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls
