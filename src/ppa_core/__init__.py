"""ppa_core: the pay-per-appointment billing and qualification domain, with no I/O."""
