# One task runner: CI (.ci/run) and the README use exactly these targets.
# Every target sets up what it needs: a tools venv with a pinned uv, then
# an exact install of requirements.lock (pinned, hash-checked, runtime and dev
# groups) into .venv plus the package itself. Stamp files make repeat runs
# skip the set-up. Bytecode is compiled at set-up, so a command starts fast
# even where PYTHONDONTWRITEBYTECODE is set.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON     ?= python3
UV_VERSION := 0.13.9
TOOLS      := .tools
UV         := $(TOOLS)/bin/uv
UV_STAMP   := $(TOOLS)/.uv-$(UV_VERSION)
VENV       := .venv
SYNC_STAMP := $(VENV)/.synced
SRC_DIRS   := src tests bench tools
# The official SARIF 2.1.0 JSON schema, which the tests validate `aar lint -f sarif` against,
# ships in this npm package (fetched from the npm registry, checked against its digest).
SARIF_PKG    := @microsoft/jest-sarif@1.0.0-beta.0
SARIF_TGZ    := microsoft-jest-sarif-1.0.0-beta.0.tgz
SARIF_SHA    := 748e2c3d1a842e7bb258416685c7ea3a0da40005b72267b2052c2856d48ad102
SARIF_SCHEMA := $(TOOLS)/sarif/sarif-2.1.0-rtm.5.json

# Never let uv fetch a Python build of its own; use the machine's python3.
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
# An activated foreign venv must not redirect uv or the tools.
unexport VIRTUAL_ENV

.PHONY: help setup test lint pytest postgres fix run demo lock clean distclean

help:
	@echo "make run        set up and start the team server on a fresh SQLite file with demo data"
	@echo "make demo       set up and write a demo postmortem in every built-in format to demo/"
	@echo "make test       set up and run the whole test suite (ruff, mypy, import contracts, pytest)"
	@echo "make lint       ruff, format check, mypy, import contracts (no pytest)"
	@echo "make fix        ruff --fix and ruff format"
	@echo "make lock       regenerate requirements.lock from pyproject.toml"
	@echo "make clean      remove caches, build output and demo/ (distclean: also the venvs)"

# ---------------------------------------------------------------- set-up
$(UV_STAMP):
	rm -rf $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)" </dev/null
	touch $@

$(SYNC_STAMP): $(UV_STAMP) pyproject.toml requirements.lock
	$(UV) venv --allow-existing --python $(PYTHON) $(VENV) </dev/null
	$(UV) pip sync --python $(VENV)/bin/python --require-hashes --compile-bytecode \
		requirements.lock </dev/null
	$(UV) pip install --python $(VENV)/bin/python --no-deps -e . </dev/null
	$(VENV)/bin/python -m compileall -q -j 0 src >/dev/null
	touch $@

setup: $(SYNC_STAMP)

$(SARIF_SCHEMA):
	mkdir -p $(TOOLS)/sarif
	cd $(TOOLS)/sarif && npm pack "$(SARIF_PKG)" --silent >/dev/null </dev/null
	echo "$(SARIF_SHA)  $(TOOLS)/sarif/$(SARIF_TGZ)" | sha256sum --check --quiet
	tar -xzOf $(TOOLS)/sarif/$(SARIF_TGZ) package/lib/schemas/sarif-2.1.0-rtm.5.json > $@.tmp
	mv $@.tmp $@

# ---------------------------------------------------------------- checks
lint: $(SYNC_STAMP)
	$(VENV)/bin/ruff check $(SRC_DIRS)
	$(VENV)/bin/ruff format --check $(SRC_DIRS)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

pytest: $(SYNC_STAMP) $(SARIF_SCHEMA) postgres
	$(VENV)/bin/pytest

test: lint $(SARIF_SCHEMA) postgres
	$(VENV)/bin/pytest

# The machine's PostgreSQL (127.0.0.1:5432, trust auth), which the store's tests use; started
# when it is down. Without one, those tests skip, except under CI, where they fail.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || \
		{ command -v pg_ctlcluster >/dev/null && \
		  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && \
		  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; } || \
		echo "No PostgreSQL at 127.0.0.1:5432: its tests will skip (fail under CI)"

fix: $(SYNC_STAMP)
	$(VENV)/bin/ruff check --fix $(SRC_DIRS)
	$(VENV)/bin/ruff format $(SRC_DIRS)

# ---------------------------------------------------------------- run
# The team server on a fresh SQLite file, filled with the demo team (address and logins printed).
DEMO_DB := $(CURDIR)/demo/team.db
run: $(SYNC_STAMP)
	mkdir -p demo
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VENV)/bin/aar serve --demo --database sqlite:///$(DEMO_DB)

# The CLI's demo: a filled-in postmortem in every built-in format, written to demo/.
demo: $(SYNC_STAMP)
	$(VENV)/bin/aar demo demo/

# ---------------------------------------------------------------- maintenance
lock: $(UV_STAMP)
	$(UV) pip compile pyproject.toml --all-extras --group dev --generate-hashes --universal \
		--python-version 3.11 --no-header --quiet -o requirements.lock </dev/null

clean:
	rm -rf demo/ dist/ build/ .aar-cache/ .pytest_cache/ .mypy_cache/ .ruff_cache/ \
		.hypothesis/ .import_linter_cache/ src/*.egg-info
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -not -path './$(TOOLS)/*' \
		-not -path './.git/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS)
