"""PNG plot of a moving-average trajectory (matplotlib, optional)."""

from __future__ import annotations

from pathlib import Path

from bncheck.errors import BncheckError
from bncheck.scenarios.results import Trajectory


def plot_trajectory(trajectory: Trajectory, path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise BncheckError("--plot needs matplotlib: pip install 'bncheck[plot]'") from error
    figure, axes = plt.subplots(figsize=(7, 4), dpi=110)
    for momentum, series in trajectory.series.items():
        axes.plot(range(1, len(series) + 1), series, label=f"momentum {momentum}")
    axes.axhline(trajectory.batch_mean, color="grey", linestyle="--", linewidth=1, label="batch mean")
    axes.set_xlabel("train step")
    axes.set_ylabel("moving_mean (channel 0)")
    axes.set_title(f"moving_mean = (1 - m^k) · batch_mean  ({trajectory.api} BN, one fixed batch)")
    axes.legend()
    figure.tight_layout()
    try:
        figure.savefig(path)
    except OSError as error:
        raise BncheckError(f"{path}: cannot write the plot ({error.strerror or error})") from error
    finally:
        plt.close(figure)
