"""The version, in one place: hatchling reads it at build time (``[tool.hatch.version]``)."""

__version__ = "0.1.0.dev0"
