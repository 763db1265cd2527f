# gvc-warehouse: two commands on a fresh machine.
#   make run   - create .venv, install pinned deps, write the synthetic sample, build and
#                publish the warehouse (ingest -> dbt build -> checks -> atomic publish)
#   make test  - create the same environment if missing (and pdflatex, as root on Debian),
#                run the whole suite (pytest, which also runs ruff and sqlfluff)
# Another interpreter:  make run PYTHON=python3.12   (or a full path; see docs/python.md)
#
# .venv is checked on every run and rebuilt from scratch, with a one-line reason, when it was
# made by another interpreter than $(PYTHON), when its install never finished (no stamp), when
# pyproject.toml / constraints.txt changed since it was installed, or when the checkout moved.
PYTHON ?= python3
override VENV := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REQUIRES_PYTHON := $(shell sed -n 's/^requires-python *= *"\(.*\)".*/\1/p' pyproject.toml)
GOAL   := $(firstword $(filter-out venv,$(MAKECMDGOALS)) run)

# No usage tracking, no run-time downloads.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test tex lint bench bench-full clean clean-venv venv

# Decides whether .venv can be reused. Run by $(PYTHON) (any version: the syntax stays
# Python-2 compatible so that a too-old interpreter still gets the one-line message).
#   check   exit 0: reuse .venv; exit 10: rebuild (reason printed); exit 2: unsupported Python
#   base    the interpreter to create .venv with (the base one, even when PYTHON is a venv's)
#   stamp   the fingerprint written to .venv/.installed after a complete install
#   version the interpreter's version (run inside .venv to check it still is the recorded one)
define VENV_CHECK
import hashlib, os, re, subprocess, sys

MODE = sys.argv[1]
GOAL = os.environ.get("VENV_GOAL") or "run"
ARG = os.environ.get("VENV_PYTHON") or "python3"
STAMP = os.path.join(".venv", ".installed")
VENV_PY = os.path.join(".venv", "bin", "python")
INPUTS = ("pyproject.toml", "constraints.txt")


def version():
    v = sys.version_info
    return "%d.%d.%d %s %s" % (v[0], v[1], v[2], v[3], getattr(sys, "abiflags", "") or "-")


if MODE == "version":
    print(version())
    sys.exit(0)

BASE = getattr(sys, "_base_executable", None) or sys.executable
ME = "%s %s" % (version(), os.path.realpath(BASE))
SHOW = "Python %d.%d.%d (%s)" % (sys.version_info[:3] + (os.path.realpath(BASE),))


def say(msg):
    sys.stderr.write("make: " + msg + "\n")
    sys.stderr.flush()


def vtuple(text):
    return tuple(int(x) for x in text.split("."))


def allows(spec, ver):
    for clause in spec.split(","):
        m = re.match(r"\s*(~=|===|==|!=|<=|>=|<|>)\s*([0-9]+(?:\.[0-9]+)*)(\.\*)?\s*\Z", clause)
        if not m:
            continue
        op, want = m.group(1), vtuple(m.group(2))
        if m.group(3):
            same = ver[: len(want)] == want
            ok = same if op == "==" else not same
        else:
            n = max(len(want), 3)
            w, v = (want + (0,) * n)[:n], (ver + (0,) * n)[:n]
            ok = {"==": v == w, "===": v == w, "!=": v != w, "<": v < w, "<=": v <= w,
                  ">": v > w, ">=": v >= w, "~=": v >= w and ver[: len(want) - 1] == want[:-1]}[op]
        if not ok:
            return False
    return True


text = open("pyproject.toml").read()
found = re.search(r'^requires-python\s*=\s*"([^"]*)"', text, re.M)
SPEC = found.group(1) if found else ""
if not allows(SPEC, tuple(sys.version_info[:3])):
    minors = [m for m in range(40) if allows(SPEC, (3, m, 0)) or allows(SPEC, (3, m, 99))]
    names = ["3.%d" % m for m in minors]
    span = names[0] + "-" + names[-1] if len(names) > 1 else "".join(names)
    usable = []
    for m in reversed(minors):
        try:
            with open(os.devnull, "w") as null:
                probe = "import sys; sys.exit(sys.version_info[:2] != (3, %d))" % m
                if subprocess.call(["python3.%d" % m, "-c", probe], stdout=null, stderr=null) == 0:
                    usable.append("python3.%d" % m)
        except OSError:
            pass
    if usable:
        hint = "make %s PYTHON=%s  (found on PATH: %s)" % (GOAL, usable[0], ", ".join(usable))
    else:
        hint = "install Python %s, then: make %s PYTHON=/path/to/python%s" % (span, GOAL, names[-1])
    say("PYTHON=%s is %s, but gvc-warehouse needs Python %s (%s). Choose one: %s"
        % (ARG, SHOW, SPEC, span, hint))
    sys.exit(2)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fingerprint():
    lines = ["python: " + ME, "project: " + os.path.realpath(os.getcwd())]
    return lines + ["%s: %s" % (p, digest(p)) for p in INPUTS]


if MODE == "base":
    print(BASE)
    sys.exit(0)
if MODE == "stamp":
    print("# written by make after a complete install of .venv; delete .venv to force a rebuild")
    print("\n".join(fingerprint()))
    sys.exit(0)


def rebuild(msg):
    say(msg)
    sys.exit(10)


if not os.path.isdir(".venv"):
    rebuild("no .venv yet: creating it with %s" % SHOW)
if not os.path.isfile(STAMP):
    rebuild(".venv has no completed install (an earlier run failed or was interrupted):"
            " rebuilding it with %s" % SHOW)
rec = {}
for line in open(STAMP):
    key, sep, value = line.partition(": ")
    if sep and not line.startswith("#"):
        rec[key] = value.strip()
cur = dict(line.split(": ", 1) for line in fingerprint())
if "python" not in rec:
    rebuild(".venv was installed by an earlier version of this Makefile (no interpreter"
            " recorded): rebuilding it with %s" % SHOW)
old = rec["python"].split(" ", 3)
if rec.get("python") != cur["python"]:
    rebuild(".venv was built with Python %s (%s), but PYTHON=%s is %s: rebuilding it"
            % (old[0], old[-1], ARG, SHOW))
try:
    with open(os.devnull, "w") as null:
        inside = subprocess.check_output([VENV_PY, "-c", os.environ["VENV_CHECK"], "version"],
                                         stderr=null).decode().strip()
except (OSError, subprocess.CalledProcessError):
    inside = None
if inside != " ".join(old[:3]):
    rebuild("%s does not run as the recorded Python %s (its interpreter was removed, upgraded"
            " or replaced): rebuilding .venv with %s" % (VENV_PY, old[0], SHOW))
if rec.get("project") != cur["project"]:
    rebuild(".venv was installed for %s, not this checkout (%s): rebuilding it"
            % (rec.get("project"), cur["project"]))
for path in INPUTS:
    if rec.get(path) != cur[path]:
        rebuild("%s changed since .venv was installed: rebuilding it with %s" % (path, SHOW))
endef
export VENV_CHECK
# (not GVC_* variables: gvc refuses unknown ones, and these must not reach the recipes)
VENV_ENV := VENV_GOAL='$(GOAL)' VENV_PYTHON='$(PYTHON)'

# Reuse .venv when the check passes; otherwise remove it and install from scratch. The stamp
# is written last, so a failed or interrupted install is rebuilt on the next run. uv (pinned,
# from PyPI) installs the pins of constraints.txt: 5 s against pip's 42 s, the same versions;
# where uv cannot (no uv wheel for the platform, PyPI out of reach while pip's own index
# answers, a conflict), pip installs them as before and says why when it fails too. Neither
# compiles; compileall then compiles every module on all cores (12,500 files, 24 s on 2
# cores); a failure to compile a file, which pip ignores too, leaves that file to be
# compiled when imported.
UV_VERSION := 0.13.9
venv:
	@$(VENV_ENV) $(PYTHON) -c "$$VENV_CHECK" check; rc=$$?; \
	case $$rc in \
	  0) exit 0 ;; \
	  10) ;; \
	  2) exit 2 ;; \
	  *) echo "make: could not run PYTHON=$(PYTHON) (exit $$rc). gvc-warehouse needs Python $(REQUIRES_PYTHON); pass one that is installed, e.g. make $(GOAL) PYTHON=/full/path/to/python3.X" >&2; exit 2 ;; \
	esac; \
	base=$$($(PYTHON) -c "$$VENV_CHECK" base) || exit 2; \
	rm -rf $(VENV) || exit 1; \
	$$base -m venv $(VENV) || { echo "make: '$$base -m venv' failed (on Debian/Ubuntu install the python3.X-venv package); nothing was installed" >&2; exit 1; }; \
	echo "make: installing the pinned dependencies (constraints.txt) into .venv ..."; \
	if $(BIN)/python -m pip install --quiet --progress-bar off --no-compile "uv==$(UV_VERSION)" >/dev/null 2>&1 \
	  && $(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt -e '.[dev]' 2>$(VENV)/uv-install.log; then \
	  rm -f $(VENV)/uv-install.log; \
	else \
	  echo "make: uv could not install them ($$(tail -n 1 $(VENV)/uv-install.log 2>/dev/null || echo 'uv not installed')); installing with pip ..." >&2; \
	  $(BIN)/python -m pip install --quiet --progress-bar off --no-compile --log $(VENV)/pip-install.log -c constraints.txt -e '.[dev]' || { \
	    awk '/The conflict is caused by/ {p=1} p {sub(/^[^ ]* /, ""); if ($$0 == "") exit; print}' $(VENV)/pip-install.log >&2; \
	    echo "make: pip install failed (full log: $(VENV)/pip-install.log); .venv is incomplete and will be rebuilt on the next run" >&2; exit 1; }; \
	  rm -f $(VENV)/pip-install.log; \
	fi; \
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null 2>&1 || true; \
	out=$$($(BIN)/python -m pip check 2>&1) || { echo "$$out" >&2; echo "make: pip check failed: constraints.txt and pyproject.toml disagree; .venv will be rebuilt on the next run" >&2; exit 1; }; \
	$$base -c "$$VENV_CHECK" stamp > $(STAMP).tmp && mv $(STAMP).tmp $(STAMP) || exit 1; \
	echo "make: .venv ready ($$($(BIN)/python -c 'import sys; print(sys.version.split()[0])'), $$(cd $(BIN) && pwd)/python)"

run: venv
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

# the environment (.venv) and TeX side by side, then the suite
test:
	@$(MAKE) --no-print-directory -j2 venv tex GOAL=test
	$(BIN)/python -m pytest

# A test compiles the LaTeX tables with pdflatex and the packages of TEX_STY (those of
# analysis/panel/render.py's LATEX_PACKAGES: tests/test_makefile.py). Where they are missing
# and this runs as root with apt-get (Debian, Ubuntu, CI), they are installed from Debian's
# packages (about 30-60 s, once); elsewhere the test fails naming what to install.
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-latex-extra
TEX_STY := booktabs.sty threeparttable.sty
tex:
	@if command -v pdflatex >/dev/null 2>&1 && kpsewhich $(TEX_STY) >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make: warning: pdflatex with $(TEX_STY) is missing, and the LaTeX test will fail: install them (Debian/Ubuntu: sudo apt-get install $(TEX_PACKAGES))" >&2; exit 0; fi; \
	echo "make: installing pdflatex for the LaTeX tables' test (Debian: $(TEX_PACKAGES)) ..."; \
	log=$$(mktemp); \
	if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES); } >"$$log" 2>&1; then \
	  rm -f "$$log"; echo "make: pdflatex ready ($$(command -v pdflatex))"; \
	else tail -5 "$$log" >&2; echo "make: warning: installing TeX failed (log: $$log); the LaTeX test will fail" >&2; fi

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models macros tests/generic

bench: venv
	$(BIN)/python bench/bench_decomposition.py

# the whole pipeline at full size (writes the full-size sample once, ~800 MB; about 20 min)
bench-full: venv
	$(BIN)/python bench/bench_full.py

clean:
	rm -rf warehouse target logs reports data/raw

clean-venv:
	rm -rf $(VENV)
