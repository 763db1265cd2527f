# gvc-warehouse: two commands on a fresh machine.
#   make run   - create .venv, install pinned deps, write the synthetic sample, build and
#                publish the warehouse (ingest -> dbt build -> checks -> atomic publish)
#   make test  - create the same environment if missing, run the whole suite
#                (pytest, which also runs ruff and sqlfluff)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# No usage tracking, no run-time downloads.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint bench bench-full clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/gvc sample
	$(BIN)/gvc build --quiet
	$(BIN)/gvc estimate
	$(BIN)/gvc scenario
	@echo
	$(BIN)/gvc report --table 2
	@echo
	@echo "Published warehouse: warehouse/gvc.duckdb (SYNTHETIC sample data)"
	@echo "Tables: reports/tables/  Figures: reports/figures/  History: warehouse/history.duckdb"
	@echo "Query it:  $(BIN)/gvc sql \"select count(*) from mart_icc_ics\"   (read-only; or just $(BIN)/gvc sql)"

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models macros tests/generic

bench: $(STAMP)
	$(BIN)/python bench/bench_decomposition.py

# the whole pipeline at full size (writes the full-size sample once, ~800 MB; about 20 min)
bench-full: $(STAMP)
	$(BIN)/python bench/bench_full.py

clean:
	rm -rf warehouse target logs reports data/raw
