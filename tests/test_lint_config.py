"""Lint configuration: pyproject.toml [tool.bncheck], setup.cfg [bncheck], selection rules, bad keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from bncheck.errors import InputError
from bncheck.lint.api import lint_paths
from bncheck.lint.config import LintConfig, discover_config, load_config

SCRIPT = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, momentum=1.0, training=True)\n"
    "g = tf.layers.batch_normalization(h)\n"
    "op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(g))\n"
    "saver = tf.train.Saver(tf.trainable_variables())\n"
)


def _codes(result) -> list[str]:
    return sorted({f.code for f in result.findings})


def test_pyproject_table_selects_ignores_and_sets_target_version(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bncheck]\nignore = ["BN003"]\nextend-select = ["BN010"]\ntarget-version = "2.16"\n',
        encoding="utf-8",
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text(SCRIPT, encoding="utf-8")
    config = discover_config([tmp_path / "src"])
    assert config.ignore == ("BN003",) and config.target_version == "2.16"
    assert _codes(lint_paths([tmp_path / "src"])) == ["BN001", "BN004", "BN005", "BN010"]


def test_setup_cfg_section_is_read(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[bncheck]\nselect = BN001, BN003\nexclude = generated\n", encoding="utf-8"
    )
    (tmp_path / "train.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "copy.py").write_text(SCRIPT, encoding="utf-8")
    result = lint_paths([tmp_path])
    assert _codes(result) == ["BN001", "BN003"]
    assert {Path(f.location.path).name for f in result.findings} == {"train.py"}


def test_unknown_key_and_bad_values_name_the_file_and_key(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.bncheck]\nselekt = ["BN001"]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"pyproject.toml.*unknown key `selekt`"):
        load_config(pyproject)
    pyproject.write_text('[tool.bncheck]\nselect = ["E501"]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"'E501' is not a bncheck rule code"):
        load_config(pyproject)
    pyproject.write_text('[tool.bncheck]\ntarget-version = "new"\n', encoding="utf-8")
    with pytest.raises(InputError, match="target-version"):
        load_config(pyproject)
    pyproject.write_text("[tool.bncheck\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read TOML"):
        load_config(pyproject)


def test_prefix_selection_and_longest_match_wins() -> None:
    config = LintConfig(select=("BN0",), ignore=("BN00",), extend_select=("BN003",))
    assert not config.enabled("BN001")
    assert config.enabled("BN003")
    assert config.enabled("BN010")
    assert LintConfig(ignore=("BN00",)).enabled("BN010")
    assert not LintConfig(ignore=("BN00",)).enabled("BN009")


def test_per_file_ignores_apply_to_matching_paths(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.bncheck]\n[tool.bncheck.per-file-ignores]\n"legacy/*.py" = ["BN001"]\n', encoding="utf-8"
    )
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "new.py").write_text(SCRIPT, encoding="utf-8")
    findings = lint_paths([tmp_path]).findings
    assert {(Path(f.location.path).name, f.code) for f in findings if f.code == "BN001"} == {
        ("new.py", "BN001")
    }
