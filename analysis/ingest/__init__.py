"""Readers for the published raw layouts, and the atomic Parquet landing (``gvc ingest``)."""

from analysis.ingest.adb_mrio import read_adb_mrio
from analysis.ingest.errors import IngestError
from analysis.ingest.kof import read_kof
from analysis.ingest.landing import SOURCES, IngestReport, ingest_all
from analysis.ingest.nbs import read_nbs

__all__ = [
    "SOURCES",
    "IngestError",
    "IngestReport",
    "ingest_all",
    "read_adb_mrio",
    "read_kof",
    "read_nbs",
]
