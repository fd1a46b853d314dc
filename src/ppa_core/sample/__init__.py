"""The embedded sample campaign: a realistic contract, its appointments and the demo.

:func:`sample_campaign` builds the campaign from the domain objects alone; the
``ppa-core demo`` command (:mod:`ppa_core.adapters.cli`) decides, invoices and
prices it with the text of :mod:`ppa_core.sample._demo`.
"""

from ppa_core.sample.campaign import SampleCampaign, sample_campaign, sample_contract

__all__ = ["SampleCampaign", "sample_campaign", "sample_contract"]
