# bncheck: `make run` installs everything and runs the main scenario; `make test` runs the suite
# (one pytest-xdist worker per CPU; PYTEST_ARGS="-n 0" runs it in one process).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
PYTEST_JOBS ?= auto

.PHONY: install run test bench lint-self clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[tf,plot,test,bench]'
	touch $(STAMP)

run: install
	$(BIN)/bncheck run missing-update-ops

test: install
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) $(PYTEST_ARGS)

# flake8 (and bugbear) over the project at its 110-column limit (setup.cfg [flake8])
lint-self: install
	$(BIN)/python -m flake8 bncheck tests bench

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
