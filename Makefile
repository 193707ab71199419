# The two commands of the README's quickstart:
#   make profile   build Paraguay's profile (English and Spanish, DOCX and PDF) into build/PRY/
#   make test      run the linter, the type checker and the test suite (make test-slow: the checks marked slow)
# Each sets up what it needs: a virtual environment in .venv and the Debian packages.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# make bench BENCH_ARGS='--countries 4 --memory-countries 20 --repeats 2' for a quick run.
.PHONY: profile test test-slow lint bench clean constraints bytecode

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# Bytecode for reportgen's many processes (a build's workers, the tests' builds),
# cached even where PYTHONDONTWRITEBYTECODE is set; nothing to do when current.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q reportgen

profile: $(STAMP) bytecode
	scripts/system-deps.sh run
	$(BIN)/reportgen build PRY

AXE    := tests/browser/node_modules/axe-core/axe.min.js
# The tests on one pytest-xdist worker per core (at most 4), a whole test file
# to a worker: its module fixtures are built once (README, "Tests").
XDIST  := -n auto --maxprocesses 4 --dist loadfile

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

test: $(STAMP) bytecode
	scripts/system-deps.sh test
	$(MAKE) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q $(XDIST) -m "not slow"

# The checks marked slow (> ~10 s each: archival PDF variants of Paraguay, the Nu HTML Checker).
test-slow: $(STAMP) bytecode
	scripts/system-deps.sh test
	$(MAKE) $(AXE)
	$(BIN)/pytest -q $(XDIST) -m slow

bench: $(STAMP)
	scripts/system-deps.sh run
	$(BIN)/reportgen dev bench $(BENCH_ARGS)

clean:
	rm -rf build

# The exact versions of every dependency, resolved afresh from pyproject.toml's ranges
# in a throw-away environment (review the diff before committing it).
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install -q --upgrade pip
	.venv-constraints/bin/pip install -q '.[test]'
	{ sed -n '1,2p' constraints.txt; .venv-constraints/bin/pip freeze --exclude-editable | grep -v '^reportgen'; } > constraints.txt.new
	mv constraints.txt.new constraints.txt && rm -rf .venv-constraints
