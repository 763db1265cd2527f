"""Readers for the published raw layouts, and the versioned Parquet landing (``gvc ingest``)."""

from analysis.ingest.adb_mrio import read_adb_mrio
from analysis.ingest.errors import IngestError
from analysis.ingest.kof import read_kof
from analysis.ingest.landing import IngestReport, ingest, ingest_all
from analysis.ingest.nbs import read_nbs
from analysis.ingest.sources import SOURCES, MissingSource

__all__ = [
    "SOURCES",
    "IngestError",
    "IngestReport",
    "MissingSource",
    "ingest",
    "ingest_all",
    "read_adb_mrio",
    "read_kof",
    "read_nbs",
]
