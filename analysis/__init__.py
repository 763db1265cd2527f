"""gvc-warehouse: DuckDB/dbt analytics warehouse for GVC research.

``analysis.connect_published()`` opens the warehouse published now (read-only), also in a
long-lived process that read an earlier publication.
"""


def __getattr__(name: str):
    if name == "connect_published":  # lazy: `import analysis` does not load DuckDB
        from analysis.connect import connect_published

        return connect_published
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
