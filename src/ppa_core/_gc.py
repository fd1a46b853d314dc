"""Pausing the cyclic garbage collector around batch work (private).

Deciding or invoicing a large batch allocates millions of small objects and
no reference cycles. Each allocation burst lets CPython's cyclic collector run
full passes over everything alive, the caller's input included: at 100,000
appointments that was a quarter of the engine's time, and it made the time
grow faster than the input. The pause is nested and thread-safe: the collector
is re-enabled when the outermost paused section ends, and only if it was
enabled when that section began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector disabled."""
    global _depth, _was_enabled  # noqa: PLW0603 - one process-wide switch, guarded by _lock
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
