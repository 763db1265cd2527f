"""NBS 2-digit industry codes by classification, as the NBS reader uses them.

The lists themselves live in :mod:`analysis.reference` (the one source, also written to the
seed ``nbs_industry_codes``). Differences worth knowing: 2002 has no code 38 and no code 12
(ancillary mining activities are 2011's 11, other mining moves from 11 to 12); rubber (29)
and plastics (30) merge into 29 in 2011, so codes 30 to 35 shift down by one; transport
equipment (37) splits into automobiles (36) and other transport (37); 43 changes from waste
recycling to repair of machinery.
"""

from __future__ import annotations

from analysis.reference import GBT2002, GBT2011, nbs_section
from analysis.reference import NBS_CODES as _NBS_CODES

GBT_4754_2002, GBT_4754_2011 = GBT2002, GBT2011
CLASSIFICATIONS: tuple[str, ...] = (GBT2002, GBT2011)

#: classification -> {2-digit code: English name}, codes in ascending order.
NBS_CODES: dict[str, dict[str, str]] = {
    cls: dict(sorted(codes)) for cls, codes in _NBS_CODES.items()
}


def section(code: str) -> str:
    """'mining' (06-12), 'manufacturing' (13-43) or 'utilities' (44-46)."""
    return nbs_section(code)
