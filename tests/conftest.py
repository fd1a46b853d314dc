"""Shared test configuration: Hypothesis profiles.

``dev`` (the default) is quick enough to run on every save; ``ci`` is thorough and
prints a reproduction blob for every failure. Pick one with the HYPOTHESIS_PROFILE
environment variable, e.g. ``HYPOTHESIS_PROFILE=ci pytest`` (as ``.ci/run`` does).
"""

from __future__ import annotations

import os

from hypothesis import settings

# No deadline: the first call of a zone or of a strategy pays for imports and caches,
# which would fail a per-example deadline on a cold CI runner for no reason.
settings.register_profile("dev", max_examples=50, deadline=None)
# 200 examples, twice Hypothesis's default: with 300 the suite took ten minutes on
# CI's two cores (2026-12-07), at the limit of its budget.
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
