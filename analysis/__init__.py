"""gvc-warehouse: DuckDB/dbt analytics warehouse for GVC research."""
