"""Shared test set-up: TensorFlow runs on CPU, quietly; GPU tests skip without a GPU."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")

try:
    from hypothesis import settings as _hypothesis_settings

    # CI (CI=true) explores the same inputs on every run, so its verdict does not depend on luck;
    # a developer's run keeps exploring new inputs.
    _hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


def _gpu_visible() -> bool:
    from bncheck import tfcompat

    try:
        return bool(tfcompat.load().config.list_physical_devices("GPU"))
    except Exception:  # no TensorFlow: no GPU either
        return False


def pytest_collection_modifyitems(config, items):
    if not any("gpu" in item.keywords for item in items):
        return
    if _gpu_visible():
        return
    skip = pytest.mark.skip(reason="no GPU visible to TensorFlow")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _shared_fixture_root(tmp_path_factory):
    """The run's folder of fixtures built once (audit_fixtures.shared); they must end as they were built."""
    from tests import audit_fixtures
    from tests.helpers_fs import folder_state

    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp sits in the run's folder; without it basetemp is the run's folder
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-fixtures"
    root.mkdir(exist_ok=True)
    audit_fixtures.SHARED_ROOT = root
    yield root
    states = audit_fixtures.SHARED_STATES
    changed = [str(folder) for folder, state in states.items() if folder_state(folder) != state]
    assert not changed, f"a test changed a shared fixture (copy it first): {changed}"


@pytest.fixture(autouse=True)
def _fixed_terminal_width(monkeypatch):
    """Rendered tables get the same width in every environment, not the developer's terminal's.

    A test that reads a table at another width sets COLUMNS itself (or builds its own console).
    """
    monkeypatch.setenv("COLUMNS", "120")


# Robustness modules (tests/test_robust_*.py) count their cases in a module-level TRIED dict.
# Under pytest-xdist the tests run in workers, so each test's increments travel to the
# controller in its report's user_properties and are summed there.
_TRIED_PROPERTY = "robust_tried"
_tried_totals: dict[str, dict[str, int]] = {}
_tried_reported: dict[str, dict[str, int]] = {}  # per module: the counts already sent in a report


def _tried_of(item) -> dict | None:
    tried = getattr(getattr(item, "module", None), "TRIED", None)
    return (
        tried if isinstance(tried, dict) and item.module.__name__.startswith("tests.test_robust_") else None
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    tried = _tried_of(item)
    if tried is None:
        return
    before = _tried_reported.get(item.module.__name__, {})
    delta = {key: count - before.get(key, 0) for key, count in tried.items() if count != before.get(key, 0)}
    _tried_reported[item.module.__name__] = dict(tried)
    if delta:
        outcome.get_result().user_properties.append((_TRIED_PROPERTY, [item.module.__name__, delta]))


def pytest_runtest_logreport(report):
    for name, value in report.user_properties:
        if name == _TRIED_PROPERTY:
            module, delta = value
            totals = _tried_totals.setdefault(module, {})
            for key, count in delta.items():
                totals[key] = totals.get(key, 0) + count


def tried_counts() -> dict[str, dict[str, int]]:
    """The robustness cases tried so far, per module, summed over every worker."""
    return {module: dict(counts) for module, counts in _tried_totals.items()}


def pytest_terminal_summary(terminalreporter):
    """Print how many cases the robustness modules (tests/test_robust_*.py) tried, per command."""
    totals: dict[str, int] = {}
    notes: dict[str, dict[str, int]] = {}
    for name, tried in sorted(tried_counts().items()):
        for key, count in tried.items():
            # test_robust_run.py names its counts without the command; the table's are "bad input <command>"
            words = ["run", key] if name == "tests.test_robust_run" else key.split()
            if key.startswith("bad input "):
                command, note = words[2], "from the bad-input table"
            else:
                command, note = words[0], "read as valid" if "read as valid" in key else ""
            if note:
                notes.setdefault(command, {})[note] = notes.get(command, {}).get(note, 0) + count
            if note != "read as valid":  # those are a subset of the same command's cases
                totals[command] = totals.get(command, 0) + count
    if totals:
        parts = []
        for command, count in totals.items():
            extra = ", ".join(f"{n} {label}" for label, n in notes.get(command, {}).items() if n)
            parts.append(f"{command} {count}" + (f" ({extra})" if extra else ""))
        total = sum(totals.values())
        terminalreporter.write_line(f"robustness cases tried: {total} in all: " + "; ".join(parts))
