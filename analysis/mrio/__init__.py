"""Input-output algebra for GVC research: pure numpy/scipy, no I/O.

Public interface (fixed by docs/architecture.md): :class:`IOTable`, :func:`gvc_indicators`.
"""

from analysis.mrio.decomposition import Decomposition, wwyz_decomposition
from analysis.mrio.errors import MrioError
from analysis.mrio.exports import ExportContent, export_content, value_added_origin
from analysis.mrio.indicators import GVC_COLUMNS, gvc_indicators
from analysis.mrio.lengths import Lengths, gvc_lengths
from analysis.mrio.leontief import LeontiefSolver, dense_leontief_inverse, dense_local_inverse
from analysis.mrio.resilience import (
    RESILIENCE_COLUMNS,
    foreign_value_added_shares,
    resilience_indicators,
)
from analysis.mrio.table import IOTable

__all__ = [
    "GVC_COLUMNS",
    "RESILIENCE_COLUMNS",
    "Decomposition",
    "ExportContent",
    "IOTable",
    "Lengths",
    "LeontiefSolver",
    "MrioError",
    "dense_leontief_inverse",
    "dense_local_inverse",
    "export_content",
    "foreign_value_added_shares",
    "gvc_indicators",
    "gvc_lengths",
    "resilience_indicators",
    "value_added_origin",
    "wwyz_decomposition",
]
