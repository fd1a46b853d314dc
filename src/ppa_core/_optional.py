"""Optional extras (pandas, matplotlib, dask): imported when first needed, with a clear error."""

from __future__ import annotations

import importlib
from types import ModuleType

from ppa_core.exceptions import MissingDependency

__all__ = ["MissingDependency", "require"]


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependency` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(module.split(".", maxsplit=1)[0], extra, feature) from None
