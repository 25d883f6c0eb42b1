"""The real-world corpus manifests (bench/realworld) are well formed, and the scorer refuses bad ones."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("realworld_score", ROOT / "bench" / "realworld" / "score.py")
score = sys.modules.setdefault("realworld_score", importlib.util.module_from_spec(SPEC))
SPEC.loader.exec_module(score)

MANIFESTS = sorted((ROOT / "bench" / "realworld").glob("manifest-*.toml"))


def test_every_split_but_all_holds_labelled_files():
    files = [entry for manifest in MANIFESTS for entry in score.read_manifest(manifest)]
    splits = {entry.split for entry in files}
    assert splits == set(score.SPLITS) - {"all"}


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda path: path.name)
def test_each_labelled_file_appears_once_with_all_five_labels(manifest):
    seen = set()
    for entry in score.read_manifest(manifest):
        key = (entry.repo, entry.commit, entry.path)
        assert key not in seen, f"{key} labelled twice"
        seen.add(key)
        assert set(entry.labels) == set(score.LABEL_CODES), f"{key}: labels {sorted(entry.labels)}"


def test_a_repository_is_in_one_split_only():
    split_of: dict[str, set[str]] = {}
    for manifest in MANIFESTS:
        for entry in score.read_manifest(manifest):
            split_of.setdefault(entry.repo, set()).add(entry.split)
    assert {repo: splits for repo, splits in split_of.items() if len(splits) > 1} == {}


BAD = {
    "unknown split": ('split = "holdout9"', "unknown split 'holdout9'"),
    "short commit": ('commit = "abc123"', "the commit must be 40 hex digits"),
    "label value": ('training_flag = "yes"', "training_flag = 'yes', not true, false or \"na\""),
    "true without lines": ("training_flag = true", "training_flag is true without its evidence lines"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_scorer_refuses_a_bad_manifest_with_one_clear_message(tmp_path, case):
    replacement, message = BAD[case]
    text = f"""
[[repo]]
repo = "owner/name"
commit = "{'0' * 40}"
split = "holdout5"

  [[repo.file]]
  path = "train.py"
  training_flag = false
"""
    key = replacement.split(" = ")[0]
    lines = [replacement if line.strip().startswith(key + " ") else line for line in text.splitlines()]
    manifest = tmp_path / "manifest-z.toml"
    manifest.write_text("\n".join(lines))
    with pytest.raises(SystemExit) as refused:
        score.read_manifest(manifest)
    where = "owner/name:train.py" if "label" in case or "lines" in case else "owner/name"
    assert str(refused.value) == f"score: manifest-z.toml: {where}: {message}"


def test_scorer_reads_a_good_manifest(tmp_path):
    manifest = tmp_path / "manifest-z.toml"
    manifest.write_text(
        f'[[repo]]\nrepo = "owner/name"\ncommit = "{"0" * 40}"\nsplit = "holdout5"\n'
        '[[repo.file]]\npath = "a/train.py"\ntraining_flag = true\nlines = { training_flag = [3] }\n'
    )
    (entry,) = score.read_manifest(manifest)
    assert (entry.repo, entry.split, entry.path, entry.labels, entry.lines) == (
        "owner/name", "holdout5", "a/train.py", {"training_flag": True}, {"training_flag": [3]}
    )
