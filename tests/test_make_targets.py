"""The Makefile's targets do what the README says: `make test` in parallel, `make lint-self` real."""

from __future__ import annotations

import re
from pathlib import Path

MAKEFILE = (Path(__file__).resolve().parent.parent / "Makefile").read_text(encoding="utf-8")


def _recipe(target: str) -> list[str]:
    match = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", MAKEFILE, re.MULTILINE)
    assert match, f"no `{target}` target with a recipe"
    return [line.strip() for line in match.group(1).splitlines()]


def test_make_test_runs_one_xdist_worker_per_cpu() -> None:
    assert "PYTEST_JOBS ?= auto" in MAKEFILE
    assert _recipe("test") == ["$(BIN)/python -m pytest -n $(PYTEST_JOBS) $(PYTEST_ARGS)"]


def test_make_lint_self_runs_flake8_over_the_project() -> None:
    assert _recipe("lint-self") == ["$(BIN)/python -m flake8 bncheck tests bench"]
    setup = (Path(__file__).resolve().parent.parent / "setup.cfg").read_text(encoding="utf-8")
    assert "[flake8]\nmax-line-length = 110\n" in setup
