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


def pytest_terminal_summary(terminalreporter):
    """Print how many cases the robustness modules (tests/test_robust_*.py) tried, per command."""
    import sys

    totals: dict[str, int] = {}
    notes: dict[str, dict[str, int]] = {}
    for name, module in sorted(sys.modules.items()):
        tried = getattr(module, "TRIED", None) if name.startswith("tests.test_robust_") else None
        if not isinstance(tried, dict):
            continue
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
