# Two commands for a new user:   make        (set up, then build build/hw4.pdf)
#                                make test   (set up, then run the whole test suite)
# After set-up, inside the environment (. .venv/bin/activate):  snakemake -c all

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
CORES  ?= all

.PHONY: all pdf setup tex test test-fast lint bench clean

all: pdf

$(BIN)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e .
	touch $@

setup: $(BIN)/.installed tex

tex:
	@bash setup/ensure_tex.sh

pdf: setup
	$(BIN)/snakemake -c $(CORES)

# Two workers (pytest-xdist): run one after another, the tests keep about one of the two cores busy (a build's
# steps mostly run one at a time); tests/conftest.py keeps the tests of one build on one worker.
test: setup
	$(BIN)/python -m pytest -q -n 2

# Unit tests of the package only: no pipeline build, no training run (about 20 seconds).
test-fast: setup
	$(BIN)/python -m pytest -q -m "not e2e and not slow"

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/snakefmt --check . && $(BIN)/snakemake --lint

bench: setup
	$(BIN)/python bench/build.py

clean:
	rm -rf build figures/*.pdf .snakemake
