"""Instants: datetimes compared as moments in time, whatever their timezone (private).

The lifecycle's history, disputes and the appointment compare timestamps that
may carry different timezones, or the same one on either side of a
daylight-saving change; each comparison goes through :func:`utc`.
"""

from __future__ import annotations

import datetime as dt

import pendulum

__all__ = ["utc"]


def utc(moment: pendulum.DateTime) -> pendulum.DateTime:
    """``moment`` in UTC, for comparing instants.

    Two datetimes with the same tzinfo compare by wall time, ignoring ``fold``
    (PEP 495): in Berlin 02:59 CEST would come after 02:00 CET, an hour later.
    """
    if moment.tzinfo is dt.UTC:  # the engine converts its moment once, up front
        return moment
    return moment.astimezone(dt.UTC)
