"""Adapters: the only modules that read files, write to the terminal or read the clock.

- :mod:`ppa_core.adapters.serialization`: versioned JSON documents in and out.
- :mod:`ppa_core.adapters.cli`: the ``ppa-core`` command line.

Nothing below this layer imports it (docs/architecture.md).
"""
