# bncheck: `make run` installs everything and runs the main scenario; `make test` runs the suite
# (one pytest-xdist worker per CPU; PYTEST_ARGS="-n 0" runs it in one process).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
PYTEST_JOBS ?= auto

NOTF   ?= .venv-notf

.PHONY: install run test test-without-tf-keras test-tf-free test-oldest-tf bench lint-self clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[tf,plot,test,bench]'
	touch $(STAMP)

run: install
	$(BIN)/bncheck run missing-update-ops

# each test file runs in one worker: its module fixtures are built once
test: install
	$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile $(PYTEST_ARGS)

# the suite where tf-keras cannot be imported: what needs it skips, everything else passes
test-without-tf-keras: install
	PYTHONPATH=$(abspath tests/without_tf_keras) $(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile -q \
		-p no:cacheprovider $(PYTEST_ARGS)

# flake8 (and bugbear) over the project at its 110-column limit (setup.cfg [flake8])
lint-self: install
	$(BIN)/python -m flake8 bncheck tests bench

# `bncheck audit` from a plain `pip install .` (no TensorFlow) against the TensorFlow reader;
# the fixtures are built with TensorFlow in $(VENV)
test-tf-free: install
	rm -rf $(NOTF)
	$(PYTHON) -m venv $(NOTF)
	$(NOTF)/bin/python -m pip install --quiet . pytest
	BNCHECK_TFFREE_PYTHON=$(abspath $(NOTF))/bin/python $(BIN)/python -m pytest $(PYTEST_ARGS) tests/test_audit_tf_free.py

# the oldest TensorFlow the package declares, in an environment of its own: every scenario and the
# audit, graph and trace tests, so that the lower bound of tensorflow>=2.16 is measured
OLDEST_TF     ?= 2.16
VENV_OLDEST   := .venv-tf$(OLDEST_TF)
OLDEST_TESTS  ?= tests/test_audit_checkpoints.py tests/test_audit_inputs.py tests/test_audit_rules.py \
                 tests/test_audit_formats.py tests/test_audit_hostile.py \
                 tests/test_graph_checks.py tests/test_graph_rules.py tests/test_trace_api.py tests/test_trace_run.py

test-oldest-tf:
	rm -rf $(VENV_OLDEST)
	$(PYTHON) -m venv $(VENV_OLDEST)
	$(VENV_OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_OLDEST)/bin/python -m pip install --quiet -e '.[tf,test]' \
		'tensorflow==$(OLDEST_TF).*' 'tf-keras==$(OLDEST_TF).*' 'numpy<2'
	$(VENV_OLDEST)/bin/bncheck run --all --format json > $(VENV_OLDEST)/run-all.json
	$(VENV_OLDEST)/bin/python -c "import json; d = json.load(open('$(VENV_OLDEST)/run-all.json')); \
		print('bncheck run --all on TensorFlow', d['scenarios'][0]['tensorflow_version'], '-', \
		len(d['scenarios']), 'scenarios, all passed:', d['passed'])"
	$(VENV_OLDEST)/bin/python -m pytest $(PYTEST_ARGS) $(OLDEST_TESTS)

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
