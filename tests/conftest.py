"""Shared test set-up: TensorFlow runs on CPU, quietly; GPU tests skip without a GPU."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")


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
