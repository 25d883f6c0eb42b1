"""The Makefile's targets do what the README says: `make test` in parallel, `make lint-self` real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _recipe(target: str) -> list[str]:
    match = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", MAKEFILE, re.MULTILINE)
    assert match, f"no `{target}` target with a recipe"
    return [line.strip() for line in match.group(1).splitlines()]


def test_make_test_runs_one_xdist_worker_per_cpu() -> None:
    assert "PYTEST_JOBS ?= auto" in MAKEFILE
    assert _recipe("test") == ["$(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist loadfile $(PYTEST_ARGS)"]


def test_ci_runs_the_suite_again_where_tf_keras_cannot_be_imported() -> None:
    recipe = " ".join(_recipe("test-without-tf-keras"))
    assert recipe.startswith("PYTHONPATH=$(abspath tests/without_tf_keras) $(BIN)/python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci.index("make test-without-tf-keras") == ci.index('make test PYTEST_ARGS="${PYTEST_ARGS:-}"') + 1


def test_the_hook_of_that_run_makes_tf_keras_unimportable_in_every_process() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "without_tf_keras"))
    code = (
        "import importlib, sys\n"
        "from tests import requires\n"
        "try:\n    importlib.import_module('tf_keras')\n"
        "except ModuleNotFoundError as e:\n    print('refused', e.name)\n"
        "print('HAS_TF', requires.HAS_TF)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert completed.stdout.split() == ["refused", "tf_keras", "HAS_TF", "False"], completed.stderr


def test_make_lint_self_runs_flake8_over_the_project() -> None:
    assert _recipe("lint-self") == ["$(BIN)/python -m flake8 bncheck tests bench"]
    setup = (Path(__file__).resolve().parent.parent / "setup.cfg").read_text(encoding="utf-8")
    assert "[flake8]\nmax-line-length = 110\n" in setup
