"""ISO 3166-1 alpha-2 country codes (private): the 249 officially assigned, plus XK.

Kept as data here rather than a dependency: the list changes about once a
decade, and the check is the only use.
"""

from __future__ import annotations

from typing import Any

from ppa_core.exceptions import ValidationError

_TABLE = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ
    BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET
    FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY
    HK HM HN HR HT HU
    ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP
    KE KG KH KI KM KN KP KR KW KY KZ
    LA LB LC LI LK LR LS LT LU LV LY
    MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
    NA NC NE NF NG NI NL NO NP NR NU NZ
    OM
    PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA
    RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
    TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
    UA UG UM US UY UZ
    VA VC VE VG VI VN VU
    WF WS
    YE YT
    ZA ZM ZW
    XK
"""

ALPHA2: frozenset[str] = frozenset(_TABLE.split())
"""The codes accepted. XK (Kosovo) is user-assigned, not official, but what CRMs and
the European Commission use."""

_HINTS = {"UK": " (the United Kingdom is GB)", "EL": " (Greece is GR)"}


def country_code(field: str, value: Any) -> str:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code.

    Raises:
        ValidationError: not a string, or not an assigned code.
    """
    code = value.strip().upper() if isinstance(value, str) else None
    if code not in ALPHA2:
        hint = _HINTS.get(code or "", "")
        raise ValidationError(field, value, f"an ISO 3166-1 alpha-2 code such as 'DE'{hint}")
    return code
