"""``python -m ppa_core``: the command line (see :mod:`ppa_core.cli`)."""

from ppa_core.cli import main

raise SystemExit(main())
