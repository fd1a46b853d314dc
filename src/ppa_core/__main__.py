"""``python -m ppa_core``: the command line (see :mod:`ppa_core.adapters.cli`)."""

from ppa_core.adapters.cli import main

raise SystemExit(main())
