# bncheck: `make run` installs everything and runs the main scenario; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

NOTF   ?= .venv-notf

.PHONY: install run test test-tf-free bench lint-self clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[tf,plot,test,bench]'
	touch $(STAMP)

run: install
	$(BIN)/bncheck run missing-update-ops

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# `bncheck audit` from a plain `pip install .` (no TensorFlow) against the TensorFlow reader;
# the fixtures are built with TensorFlow in $(VENV)
test-tf-free: install
	rm -rf $(NOTF)
	$(PYTHON) -m venv $(NOTF)
	$(NOTF)/bin/python -m pip install --quiet . pytest
	BNCHECK_TFFREE_PYTHON=$(abspath $(NOTF))/bin/python $(BIN)/python -m pytest $(PYTEST_ARGS) tests/test_audit_tf_free.py

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
