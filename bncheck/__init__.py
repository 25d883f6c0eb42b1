"""bncheck: find and explain batch-normalization bugs in TensorFlow training code."""

__version__ = "0.1.0"

_API = {"assert_updates_run", "watch_updates"}


def __getattr__(name: str):  # noqa: ANN202 - module attribute hook (PEP 562)
    # the test API needs TensorFlow; importing it here, on first use, keeps `import bncheck` light
    if name in _API:
        from bncheck import api  # noqa: PLC0415

        return getattr(api, name)
    raise AttributeError(f"module 'bncheck' has no attribute {name!r}")
