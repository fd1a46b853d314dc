"""Presentation: how results read as text, HTML, DataFrames and plots.

- :mod:`~ppa_core.presentation.views`: ``repr`` and Jupyter HTML of the values,
  registered with :mod:`ppa_core._rendering` when this package is imported.
- :mod:`~ppa_core.presentation.domain_views`: the same for appointments, prospects,
  money and figures.
- :mod:`~ppa_core.presentation.review_views`: the same for reviews and what-ifs.
- :mod:`~ppa_core.presentation.documents`: billing documents in full, as text and
  HTML a client reads (their ``repr`` and Jupyter HTML registered likewise).
- :mod:`~ppa_core.presentation.report`: the command line's text reports.
- :mod:`~ppa_core.presentation.notebook`: pandas DataFrames (``pandas`` extra).
- :mod:`~ppa_core.presentation.plotting`: matplotlib figures (``plot`` extra).
"""

from ppa_core.presentation import documents, domain_views, review_views, views

__all__ = ["documents", "domain_views", "review_views", "views"]
