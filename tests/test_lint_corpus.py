"""Precision and recall of `bncheck lint` on the labelled corpus in tests/lint_corpus/.

Each case is one training script or one small project directory.  The expected
findings are trailing comments ``# expect: BN001`` (or ``# expect: BN001, BN003``)
on the line where the finding must be reported.  Every case is linted on its own
(a directory as one project, with its own pyproject.toml), findings are matched to
labels on (file, line, code), and the per-rule table is printed (run pytest with -s).
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

import bncheck.lint.rules  # noqa: F401 - registers the rules
from bncheck.lint.parse import parse_source
from bncheck.lint.rulebase import LINT_RULES

CORPUS = Path(__file__).parent / "lint_corpus"
# every registered rule but BN000 (no corpus file fails to parse)
RULE_CODES = tuple(sorted(code for code in LINT_RULES if code != "BN000"))
MIN_CASES = 30
MIN_PRECISION = 0.95
MIN_RECALL = 0.9

_EXPECT = re.compile(r"#\s*expect:\s*(BN\d{3}(?:\s*,\s*BN\d{3})*)")

# A finding or a label: which file (relative to the corpus), which line, which rule.
Key = tuple[str, int, str]


@dataclass(frozen=True)
class RuleScore:
    code: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        reported = self.true_positives + self.false_positives
        return self.true_positives / reported if reported else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


def corpus_cases() -> list[Path]:
    """Every case: a top-level ``*.py`` file or a project directory of the corpus."""
    return sorted(
        path
        for path in CORPUS.iterdir()
        if not path.name.startswith((".", "_"))
        and ((path.is_file() and path.suffix == ".py") or (path.is_dir() and any(path.rglob("*.py"))))
    )


def case_sources(case: Path) -> list[Path]:
    return [case] if case.is_file() else sorted(case.rglob("*.py"))


def corpus_key(path: Path) -> str:
    return path.resolve().relative_to(CORPUS.resolve()).as_posix()


def expected_labels(source: Path) -> Counter[Key]:
    """The ``# expect:`` labels of one file, read from its comment tokens only."""
    labels: Counter[Key] = Counter()
    with source.open("rb") as handle:
        for token in tokenize.tokenize(handle.readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _EXPECT.search(token.string)
            if match:
                for code in match.group(1).split(","):
                    labels[(corpus_key(source), token.start[0], code.strip())] += 1
    return labels


def all_labels() -> Counter[Key]:
    labels: Counter[Key] = Counter()
    for case in corpus_cases():
        for source in case_sources(case):
            labels += expected_labels(source)
    return labels


def lint_case(case: Path) -> Counter[Key]:
    """Lint one case the way a user would lint that file or project; fails if the engine is missing."""
    from bncheck.lint import api

    # A project's own pyproject.toml configures it (BN010 is opt-in there); lint_paths finds it by itself.
    config = None
    load_config = getattr(api, "load_config", None)
    if case.is_dir() and load_config is not None and (case / "pyproject.toml").is_file():
        config = load_config(case / "pyproject.toml")
    result = api.lint_paths([case.resolve()], config=config)
    found: Counter[Key] = Counter()
    for finding in result.findings:
        found[(finding_key_path(finding.location.path, case), finding.location.line or 0, finding.code)] += 1
    return found


def finding_key_path(reported: str, case: Path) -> str:
    """The corpus-relative name of a reported path, whether the engine reports it absolute or relative."""
    path = Path(reported)
    if not path.is_absolute():
        base = case if case.is_dir() else case.parent
        candidates = [Path.cwd() / path, base / path, CORPUS / path]
        path = next((candidate for candidate in candidates if candidate.exists()), path)
    try:
        return corpus_key(path)
    except ValueError:
        return reported


def score(expected: Counter[Key], found: Counter[Key]) -> list[RuleScore]:
    codes = sorted({key[2] for key in expected} | {key[2] for key in found} | set(RULE_CODES))
    hits = expected & found
    rows = []
    for code in codes:
        true_positives = _count(hits, code)
        rows.append(RuleScore(code, true_positives, _count(found, code) - true_positives,
                              _count(expected, code) - true_positives))
    return rows


def _count(counter: Counter[Key], code: str) -> int:
    return sum(n for key, n in counter.items() if key[2] == code)


def render_table(rows: list[RuleScore]) -> str:
    total = RuleScore(
        "all",
        sum(row.true_positives for row in rows),
        sum(row.false_positives for row in rows),
        sum(row.false_negatives for row in rows),
    )
    lines = [f"{'rule':<6} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}"]
    for row in [*rows, total]:
        lines.append(
            f"{row.code:<6} {row.true_positives:>4} {row.false_positives:>4} {row.false_negatives:>4}"
            f" {row.precision:>10.3f} {row.recall:>8.3f}"
        )
    return "\n".join(lines)


def describe(keys: Counter[Key]) -> str:
    lines = [f"  {path}:{line}: {code}" for (path, line, code) in sorted(keys.elements())]
    return "\n".join(lines) or "  (none)"


@pytest.fixture(scope="module")
def corpus_results() -> tuple[Counter[Key], Counter[Key]]:
    expected: Counter[Key] = Counter()
    found: Counter[Key] = Counter()
    for case in corpus_cases():
        for source in case_sources(case):
            expected += expected_labels(source)
        found += lint_case(case)
    return expected, found


def test_corpus_has_enough_cases_and_every_file_parses() -> None:
    cases = corpus_cases()
    assert len(cases) >= MIN_CASES, f"only {len(cases)} corpus cases"
    for case in cases:
        for source in case_sources(case):
            text = source.read_text(encoding="utf-8")
            parse_source(text, str(source))  # Python 3, or Python 2 as bncheck reads it
            # the labels must be comments, so tokenizing sees them exactly where the parser sees code
            list(tokenize.generate_tokens(io.StringIO(text).readline))


def test_corpus_is_about_half_clean() -> None:
    labels = all_labels()
    buggy = {key[0].split("/")[0] for key in labels}
    names = {case.name for case in corpus_cases()}
    clean = names - buggy
    assert 0.35 <= len(clean) / len(names) <= 0.65, f"{len(clean)} clean cases out of {len(names)}"


def test_every_rule_has_two_labelled_positives_in_two_files() -> None:
    labels = all_labels()
    for code in RULE_CODES:
        files = {path for (path, _, label) in labels if label == code}
        assert len(files) >= 2, f"{code} is labelled in {sorted(files)}; every rule needs two files"


def test_labels_name_known_rules() -> None:
    unknown = {key for key in all_labels() if key[2] not in RULE_CODES}
    assert not unknown, f"labels with unknown codes: {sorted(unknown)}"


def test_lint_corpus_precision_and_recall_meet_targets(corpus_results) -> None:
    expected, found = corpus_results
    rows = score(expected, found)
    print("\nbncheck lint on tests/lint_corpus (match on file, line, code)")
    print(render_table(rows))
    missed = expected - found
    spurious = found - expected
    print("false negatives (labelled, not reported):\n" + describe(missed))
    print("false positives (reported, not labelled):\n" + describe(spurious))

    true_positives = sum(row.true_positives for row in rows)
    precision = true_positives / max(1, true_positives + sum(row.false_positives for row in rows))
    recall = true_positives / max(1, true_positives + sum(row.false_negatives for row in rows))
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (
        f"precision {precision:.3f} (need {MIN_PRECISION}), recall {recall:.3f} (need {MIN_RECALL})\n"
        f"missed:\n{describe(missed)}\nspurious:\n{describe(spurious)}"
    )
