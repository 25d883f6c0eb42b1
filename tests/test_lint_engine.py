"""The lint engine: aliases, cross-file projects, noqa, robustness, pre-filter and -j equivalence."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bncheck.lint.api import lint_paths, lint_source
from bncheck.lint.config import LintConfig

BARE_MINIMIZE = "train_op = tf.train.AdamOptimizer(0.01).minimize(loss)\n"


def codes(findings) -> list[str]:
    return [finding.code for finding in findings]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- aliases ---------------------------------------------------------------------------------


def test_every_bn_import_spelling_resolves_to_a_producer_for_bn001() -> None:
    spellings = [
        "import tensorflow as tf\nh = tf.layers.batch_normalization(x, training=True)\n",
        "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n",
        "import tensorflow as tf\nfrom tensorflow.layers import batch_normalization as bn\nh = bn(x, "
        "training=True)\n",
        "import tensorflow as tf\nfrom tensorflow.contrib import slim\nh = slim.batch_norm(x, "
        "is_training=True)\n",
        "import tensorflow as tf\nimport tf_slim as slim\nh = slim.batch_norm(x, is_training=True)\n",
        "import tensorflow as tf\nslim = tf.contrib.slim\nh = slim.batch_norm(x, is_training=True)\n",
        "import tensorflow as tf\nfrom tensorflow.contrib.layers import batch_norm\nh = batch_norm(x, "
        "is_training=True)\n",
        "import tensorflow as tf\nimport functools\n"
        "bn = functools.partial(tf.layers.batch_normalization, training=True)\nh = bn(x)\n",
        "import tensorflow as tf\nimport tensorflow.contrib.slim as slim\n"
        "with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, "
        "normalizer_params={'is_training': True}):\n"
        "    h = slim.conv2d(x, 8, 3)\n",
    ]
    for source in spellings:
        assert codes(lint_source(source + BARE_MINIMIZE)) == ["BN001"], source


def test_unrelated_batch_norm_names_are_not_producers() -> None:
    source = (
        "import tensorflow as tf\n"
        "def batch_norm(x):\n"
        "    return x\n"
        "h = batch_norm(tf.zeros([2]))\n"
        "import torch\n"
        "m = torch.nn.BatchNorm2d(3)\n" + BARE_MINIMIZE
    )
    assert codes(lint_source(source)) == []


def test_updates_collections_none_in_an_arg_scope_means_in_place_updates() -> None:
    source = (
        "import tensorflow as tf\nslim = tf.contrib.slim\n"
        "params = {'is_training': True, 'updates_collections': None, 'decay': 0.9}\n"
        "with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm, normalizer_params=params):\n"
        "    h = slim.conv2d(x, 8, 3)\n" + BARE_MINIMIZE
    )
    assert codes(lint_source(source)) == []


def test_keras_spellings_are_keras_bn_for_bn011() -> None:
    tail = (
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n    op = tf.train.AdamOptimizer().minimize(loss)\n"
        "sess = tf.Session()\n"
    )
    for head in (
        "import tensorflow.compat.v1 as tf\nh = tf.keras.layers.BatchNormalization()(x, training=True)\n",
        "import tensorflow.compat.v1 as tf\nfrom tensorflow.keras import layers\nh = "
        "layers.BatchNormalization()(x, training=True)\n",
        "import tensorflow.compat.v1 as tf\nimport tf_keras\n"
        "h = tf_keras.layers.BatchNormalization()(x, training=True)\n",
    ):
        assert codes(lint_source(head + tail)) == ["BN011"], head


# --- cross-file projects ------------------------------------------------------------------------


def test_bn_in_model_py_and_bare_minimize_in_train_py_is_bn001_in_train_py(tmp_path: Path) -> None:
    write(
        tmp_path,
        "proj/model.py",
        "import tensorflow.compat.v1 as tf\n\ndef build(x, training):\n"
        "    return tf.layers.batch_normalization(x, training=training)\n",
    )
    train = write(
        tmp_path,
        "proj/train.py",
        "import tensorflow.compat.v1 as tf\nfrom model import build\n\n"
        "loss = tf.reduce_sum(build(tf.zeros([2, 3]), True))\n" + BARE_MINIMIZE,
    )
    result = lint_paths([tmp_path / "proj"], LintConfig())
    assert [(Path(f.location.path).name, f.location.line, f.code) for f in result.findings] == [
        ("train.py", 5, "BN001")
    ]
    # named alone (as a pre-commit hook passes a changed file), train.py still sees model.py's BN
    assert lint_paths([train], LintConfig()).findings == result.findings
    # and the unchanged model.py is read, not reported
    assert lint_paths([train], LintConfig()).files == 1


def test_package_relative_imports_carry_bn_across_files(tmp_path: Path) -> None:
    write(tmp_path, "pkg/__init__.py", "")
    write(tmp_path, "pkg/nets/__init__.py", "")
    write(
        tmp_path,
        "pkg/nets/resnet.py",
        "from tensorflow.contrib import slim\n\ndef net(x, is_training):\n"
        "    return slim.batch_norm(x, is_training=is_training)\n",
    )
    write(
        tmp_path,
        "pkg/train.py",
        "import tensorflow as tf\nfrom .nets import resnet\n\nloss = tf.reduce_sum(resnet.net(x, True))\n"
        "saver = tf.train.Saver(var_list=tf.trainable_variables())\n",
    )
    result = lint_paths([tmp_path / "pkg"], LintConfig())
    assert [(Path(f.location.path).name, f.code) for f in result.findings] == [("train.py", "BN003")]


def test_update_ops_read_before_a_model_built_in_another_file_is_bn002(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p/net.py",
        "import tensorflow.compat.v1 as tf\n\ndef inference(x):\n"
        "    return tf.layers.batch_normalization(x, training=True)\n",
    )
    write(
        tmp_path,
        "p/main.py",
        "import tensorflow.compat.v1 as tf\nimport net\n\ndef main():\n"
        "    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    loss = tf.reduce_sum(net.inference(tf.zeros([2, 3])))\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    found = [
        (Path(f.location.path).name, f.location.line, f.code)
        for f in lint_paths([tmp_path / "p"], LintConfig()).findings
    ]
    assert found == [("main.py", 5, "BN002")]


def test_helper_called_under_update_dependencies_in_another_file_is_not_bn001(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p/opt.py",
        "import tensorflow.compat.v1 as tf\n\ndef make_train_op(loss):\n"
        "    return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    write(
        tmp_path,
        "p/train.py",
        "import tensorflow.compat.v1 as tf\nfrom opt import make_train_op\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "    op = make_train_op(tf.reduce_sum(h))\n",
    )
    assert lint_paths([tmp_path / "p"], LintConfig()).findings == []


# --- noqa ---------------------------------------------------------------------------------------


def test_noqa_with_the_code_or_bare_silences_only_that_line() -> None:
    head = "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n"
    assert codes(lint_source(head + "op = tf.train.AdamOptimizer().minimize(loss)  # noqa: BN001\n")) == []
    assert codes(lint_source(head + "op = tf.train.AdamOptimizer().minimize(loss)  # noqa\n")) == []
    assert (
        codes(lint_source(head + "op = tf.train.AdamOptimizer().minimize(loss)  # NOQA:BN003,BN001\n")) == []
    )
    assert codes(lint_source(head + "op = tf.train.AdamOptimizer().minimize(loss)  # noqa: BN003\n")) == [
        "BN001"
    ]
    assert codes(lint_source(head + "op = tf.train.AdamOptimizer().minimize(loss)  # noqa: E501\n")) == [
        "BN001"
    ]


# --- robustness ---------------------------------------------------------------------------------


def test_unparsable_file_is_one_bn000_finding_and_linting_goes_on(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a_broken.py",
        "import tensorflow as tf\ndef f(:\n    return tf.layers.batch_normalization(x)\n",
    )
    write(tmp_path, "b_ok.py", "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x)\n")
    findings = lint_paths([tmp_path], LintConfig()).findings
    assert [(Path(f.location.path).name, f.code, f.location.line) for f in findings] == [
        ("a_broken.py", "BN000", 2),
        ("b_ok.py", "BN004", 2),
    ]


def test_non_utf8_empty_and_coding_line_files(tmp_path: Path) -> None:
    (tmp_path / "latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nimport tensorflow.compat.v1 as tf\n# caf\xe9\nh = "
        b"tf.layers.batch_normalization(x)\n"
    )
    (tmp_path / "bad_bytes.py").write_bytes(
        b"import tensorflow as tf\nx = '\xff\xfe'\nbn = tf.layers.batch_normalization\n"
    )
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "bom.py").write_bytes(
        b"\xef\xbb\xbfimport tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x)\n"
    )
    findings = lint_paths([tmp_path], LintConfig()).findings
    assert [(Path(f.location.path).name, f.code) for f in findings] == [
        ("bad_bytes.py", "BN000"),
        ("bom.py", "BN004"),
        ("latin.py", "BN004"),
    ]


def test_huge_file_is_linted_with_findings_at_the_right_lines(tmp_path: Path) -> None:
    body = "".join(f"y{i} = tf.nn.relu(x)\n" for i in range(50_000))
    path = write(
        tmp_path,
        "huge.py",
        "import tensorflow.compat.v1 as tf\n" + body + "h = tf.layers.batch_normalization(x)\n",
    )
    findings = lint_paths([path], LintConfig()).findings
    assert [(f.code, f.location.line) for f in findings] == [("BN004", 50_002)]


def test_deeply_nested_expression_does_not_crash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deep.py",
        "import tensorflow as tf\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\nopt.minimize(x)\n",
    )
    findings = lint_paths([path], LintConfig()).findings
    assert codes(findings) in ([], ["BN000"])


# --- pre-filter and parallel runs ---------------------------------------------------------------

CORPUS = Path(__file__).parent / "lint_corpus"


def _keyed(findings) -> list[tuple]:
    return [(f.location.path, f.location.line, f.location.column, f.code, f.message) for f in findings]


def test_prefilter_never_changes_results_on_the_corpus_and_skips_unrelated_files(tmp_path: Path) -> None:
    write(tmp_path, "unrelated.py", "import os\nprint(os.getcwd())\n")
    write(tmp_path, "broken_unrelated.py", "def f(:\n")
    paths = [CORPUS, tmp_path]
    with_filter = lint_paths(paths, LintConfig())
    without = lint_paths(paths, LintConfig(prefilter=False))
    assert _keyed(with_filter.findings) == _keyed(without.findings)
    assert len(with_filter.findings) > 20
    assert with_filter.parsed < without.parsed == without.files


def test_prefilter_never_changes_results_on_tf_keras_sources() -> None:
    tf_keras = pytest.importorskip("tf_keras")

    root = Path(tf_keras.__file__).parent / "src" / "layers" / "normalization"
    assert (
        lint_paths([root], LintConfig()).findings == lint_paths([root], LintConfig(prefilter=False)).findings
    )


# companions for the cross-file pre-filter checks: BN of every kind built in another file
_COMPANION_MODEL = (
    "import tensorflow.compat.v1 as tf\nfrom tensorflow.contrib import slim\n\n"
    "def build(x, training):\n    return tf.layers.batch_normalization(x, training=training)\n\n"
    "def build_slim(x, is_training):\n    return slim.batch_norm(x, is_training=is_training)\n\n"
    "def build_model():\n    return tf.keras.Sequential([tf.keras.layers.BatchNormalization()])\n\n"
    "def make_train_op(loss):\n    return tf.train.AdamOptimizer().minimize(loss)\n"
)
_COMPANION_TRAIN = (
    "import tensorflow.compat.v1 as tf\nfrom case import *\nfrom model import *\n"
    "x = tf.placeholder(tf.float32, [None, 4])\nnet = build(x, True)\n"
    "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    "with tf.control_dependencies(update_ops):\n    op = make_train_op(tf.reduce_sum(net))\n"
)


def _rule_examples() -> list[tuple[str, int, str]]:
    from bncheck.lint.engine import options_for
    from bncheck.lint.rulebase import LINT_RULES

    options_for(LintConfig())  # registers the rules
    return [
        (code, index, example)
        for code, rule in sorted(LINT_RULES.items())
        for index, example in enumerate(rule.bad + rule.good)
    ]


def test_prefilter_never_changes_results_for_any_rule_example_alone_or_in_a_project(tmp_path: Path) -> None:
    from bncheck.lint.rulebase import LINT_RULES

    examples = _rule_examples()
    assert {code for code, _, _ in examples} == set(LINT_RULES)  # every rule of the registry
    for code, index, example in examples:
        alone = write(tmp_path / f"{code}_{index}" / "alone", "case.py", example)
        project = tmp_path / f"{code}_{index}" / "project"
        write(project, "case.py", "from model import *\n" + example)
        write(project, "model.py", _COMPANION_MODEL)
        write(project, "train.py", _COMPANION_TRAIN)
        for paths in ([alone], [project], [project / "case.py"]):
            config = LintConfig(extend_select=("BN010",))
            expected = lint_paths(paths, replace(config, prefilter=False)).findings
            assert lint_paths(paths, config).findings == expected, (code, index, paths)


def test_every_rule_declares_triggers_that_its_bad_examples_hold() -> None:
    from bncheck.lint import prefilter
    from bncheck.lint.rulebase import LINT_RULES

    _rule_examples()
    for code, rule in LINT_RULES.items():
        if code == "BN000":
            continue  # reported by the engine for a file some other trigger let through
        assert rule.triggers, code
        checks = [prefilter._compile(trigger) for trigger in rule.triggers]
        for example in rule.bad:
            assert any(check(example.encode("utf-8")) for check in checks), (code, example)
    # the pre-filter is built from the rules' triggers and the project summary's, nothing else
    from bncheck.lint.project import SUMMARY_TRIGGERS

    declared = {trigger for rule in LINT_RULES.values() for trigger in rule.triggers} | set(SUMMARY_TRIGGERS)
    assert set(prefilter.triggers()) == declared


def test_hard_coded_parenthesized_training_true_in_an_export_function_is_found_with_the_prefilter(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "model.py",
        "import tensorflow as tf\n\ndef build_model():\n"
        "    return tf.keras.Sequential([tf.keras.layers.Dense(4), tf.keras.layers.BatchNormalization()])\n",
    )
    write(
        tmp_path,
        "export.py",
        "import tensorflow as tf\nfrom model import build_model\n\nmodel = build_model()\n\n\n"
        "def export(x):\n    return model(x, training=(True))\n",
    )
    for config in (LintConfig(), LintConfig(prefilter=False)):
        findings = lint_paths([tmp_path], config).findings
        assert [(Path(f.location.path).name, f.location.line, f.code) for f in findings] == [
            ("export.py", 8, "BN006")
        ]


def test_parallel_jobs_give_the_same_findings_as_one_process() -> None:
    serial = lint_paths([CORPUS], LintConfig(jobs=1))
    parallel = lint_paths([CORPUS], LintConfig(jobs=2))
    assert _keyed(serial.findings) == _keyed(parallel.findings)


def test_lint_never_imports_tensorflow(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.py", "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x)\n"
    )
    code = (
        "import sys\nfrom bncheck.cli import main\n"
        "try:\n    main(['lint', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'tf_keras', 'keras')], 'TF "
        "imported'\n"
        "print('clean')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert "clean" in completed.stdout and "BN004" in completed.stdout
    importtime = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bncheck", "lint", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert importtime.returncode == 1
    imported = [line.rsplit("|", 1)[-1].strip() for line in importtime.stderr.splitlines() if "|" in line]
    assert "bncheck.lint.engine" in imported
    assert not [name for name in imported if name.split(".")[0] in ("tensorflow", "tf_keras", "keras")]


def test_scan_imports_reads_relative_parenthesised_and_plain_imports() -> None:
    from bncheck.lint.prefilter import scan_imports

    data = (
        b"import os, sys\nfrom . import model\nfrom .nets import (a,\n  b as c)\n"
        b"x = 1  # import y\n  from pkg.sub import thing  # note\nimport tensorflow.compat.v1 as tf\n"
    )
    assert scan_imports(data) == (
        ("os", ()),
        ("sys", ()),
        (".", ("model",)),
        (".nets", ("a", "b")),
        ("pkg.sub", ("thing",)),
        ("tensorflow.compat.v1", ()),
    )


def test_prefilter_needs_a_framework_and_a_bn_related_spelling() -> None:
    from bncheck.lint.prefilter import may_hold_findings

    assert not may_hold_findings(b"import os\nopt.minimize(loss)\n")
    assert not may_hold_findings(b"import tensorflow as tf\ny = tf.nn.relu(x)\nv.assign(3)\n")
    assert may_hold_findings(b"import tensorflow as tf\nop = opt.minimize(loss)\n")
    assert may_hold_findings(b"import tensorflow as tf\nu = tf.assign(\n    pop_mean, m)\n")
    assert may_hold_findings(b"import tensorflow as tf\nu = self.moving_mean.assign(m)\n")
    assert may_hold_findings(b"from tensorflow import keras\nbase.trainable = False\n")
    assert may_hold_findings(b"import tensorflow as tf\nsess.run(acc, {'is_training': True})\n")


def test_prefilter_plan_says_what_every_trigger_says_one_by_one() -> None:
    import bncheck.lint.rules  # noqa: F401 - registers every lint rule
    from bncheck.lint.rulebase import LINT_RULES

    # the plan drops checks that another one implies and searches windows merged: it must still
    # answer exactly "does any trigger hold" on every corpus file, every rule example and their cuts
    import re

    from bncheck.lint import prefilter

    def naive(data: bytes) -> bool:
        framework = any(name in data for name in prefilter.FRAMEWORK)
        for trigger in prefilter.triggers():
            if trigger.framework and not framework:
                continue
            if not all(literal in data for literal in trigger.literals):
                continue
            if trigger.pattern is None:
                return True
            text = data.lower() if trigger.ignore_case else data
            first = trigger.literals[0].lower() if trigger.ignore_case else trigger.literals[0]
            before, after = trigger.window
            for match in re.finditer(re.escape(first), text):
                low, high = max(0, match.start() - before), match.end() + after
                if re.compile(trigger.pattern).search(text, low, high):
                    return True
        return False

    samples = [path.read_bytes() for path in sorted(CORPUS.rglob("*.py"))]
    samples += [example.encode() for rule in LINT_RULES.values() for example in (*rule.bad, *rule.good)]
    samples += [sample[: len(sample) // 2] for sample in list(samples)]
    assert len(samples) > 200
    verdicts = [(prefilter.may_hold_findings(sample), naive(sample)) for sample in samples]
    assert [fast for fast, _ in verdicts] == [slow for _, slow in verdicts]
    assert any(fast for fast, _ in verdicts) and not all(fast for fast, _ in verdicts)


def test_train_op_factory_imported_by_the_bn_script_is_checked_in_its_own_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p/utils.py",
        "import tensorflow.compat.v1 as tf\n\ndef make_train_op(loss):\n"
        "    return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    write(
        tmp_path,
        "p/train.py",
        "import tensorflow.compat.v1 as tf\nimport utils\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "op = utils.make_train_op(tf.reduce_sum(h))\n",
    )
    found = [
        (Path(f.location.path).name, f.location.line, f.code)
        for f in lint_paths([tmp_path / "p"], LintConfig()).findings
    ]
    assert found == [("utils.py", 4, "BN001")]


def test_compiled_excludes_match_exactly_what_fnmatch_matches() -> None:
    import fnmatch

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from bncheck.lint.config import DEFAULT_EXCLUDES
    from bncheck.lint.files import ExcludeMatcher as _ExcludeMatcher

    glob = st.text(alphabet="ab*?[]!/.-_\\", max_size=6)
    path = st.text(alphabet="ab/.-_[]!*?\\", max_size=8)

    @settings(max_examples=500, deadline=None)
    @given(st.lists(glob, max_size=4), path, path)
    def agrees(patterns: list[str], name: str, relative: str) -> None:
        patterns_ = (*patterns, *DEFAULT_EXCLUDES)
        expected = any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(relative, p) for p in patterns_)
        assert _ExcludeMatcher(patterns_)(name, relative) == expected

    agrees()
    matcher = _ExcludeMatcher(DEFAULT_EXCLUDES + ("third_party/*",))
    assert matcher("pkg.egg-info", "src/pkg.egg-info")
    assert matcher("x.py", "third_party/lib/x.py")
    assert not matcher("builder.py", "src/builder.py")


def test_default_jobs_runs_a_large_project_in_parallel_with_the_same_findings(tmp_path: Path) -> None:
    from bncheck.lint import engine

    for index in range(engine.AUTO_PARALLEL_FILES):
        write(tmp_path, f"pkg/m{index:03d}.py", "import os\n")
    write(
        tmp_path,
        "pkg/model.py",
        "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x, training=True)\n"
        "g = tf.layers.batch_normalization(h)\n",
    )
    write(tmp_path, "pkg/train.py", "import tensorflow.compat.v1 as tf\nimport model\n" + BARE_MINIMIZE)
    assert LintConfig().jobs is None
    automatic = lint_paths([tmp_path], LintConfig())
    serial = lint_paths([tmp_path], LintConfig(jobs=1))
    assert automatic.files == serial.files == engine.AUTO_PARALLEL_FILES + 2
    assert _keyed(automatic.findings) == _keyed(serial.findings)
    assert sorted(codes(serial.findings)) == ["BN001", "BN004"]


def test_a_run_where_no_process_pool_can_start_falls_back_to_one_process(tmp_path: Path, monkeypatch) -> None:
    from bncheck.lint import engine

    def no_pool(*args, **kwargs):
        raise PermissionError(13, "semaphores are not available")

    write(
        tmp_path, "pkg/model.py", "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x)\n"
    )
    for index in range(engine.AUTO_PARALLEL_FILES):
        write(tmp_path, f"pkg/m{index:03d}.py", "import os\n")
    serial = lint_paths([tmp_path], LintConfig(jobs=1))
    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    fallback = lint_paths([tmp_path], LintConfig())
    assert _keyed(fallback.findings) == _keyed(serial.findings)
    assert codes(fallback.findings) == ["BN004"]


def test_compiler_warnings_about_the_linted_code_do_not_escape(tmp_path):
    import warnings as warnings_module

    from bncheck.lint.api import lint_paths

    script = tmp_path / "escapes.py"
    script.write_text(
        'import tensorflow as tf\npattern = "\\("\n'
        "h = tf.layers.batch_normalization(pattern, training=True)\n"
    )
    with warnings_module.catch_warnings(record=True) as caught:
        warnings_module.simplefilter("always")
        result = lint_paths([script])
    assert [str(w.message) for w in caught] == []
    assert [f.code for f in result.findings] == []


# --- files and folders that go away or cannot be read during a run --------------------------------

_BUGGY = "import tensorflow.compat.v1 as tf\nh = tf.layers.batch_normalization(x)\n"


def test_a_file_deleted_during_lint_is_one_finding_and_the_others_are_kept(tmp_path: Path) -> None:
    from bncheck.lint.engine import analyze_project, collect_files, options_for, resolve

    for name in ("a.py", "b.py", "c.py"):
        write(tmp_path, name, _BUGGY)
    config = LintConfig()
    files = [str(path) for path in collect_files([tmp_path], config)]
    (tmp_path / "b.py").unlink()  # between the walk and the read
    results, roots = analyze_project([tmp_path], files, options_for(config), config)
    findings = resolve(results, config, roots)
    assert [(Path(f.location.path).name, f.code) for f in findings] == [
        ("a.py", "BN004"),
        ("b.py", "BN000"),
        ("c.py", "BN004"),
    ]
    assert "cannot read the file" in findings[1].message


def test_a_folder_that_cannot_be_listed_is_one_finding_and_the_others_are_kept(
    tmp_path: Path, monkeypatch
) -> None:
    import os

    write(tmp_path, "ok/train.py", _BUGGY)
    write(tmp_path, "locked/model.py", _BUGGY)
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == locked:  # what a folder without read permission gives (root reads anything)
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    findings = lint_paths([tmp_path]).findings
    assert [(Path(f.location.path).name, f.code) for f in findings] == [
        ("locked", "BN000"),
        ("train.py", "BN004"),
    ]
    assert findings[0].message == "cannot read the folder: Permission denied"


def test_lint_cli_reports_an_unreadable_folder_as_one_line_and_exit_1(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import os

    from tests.helpers_cli import run_cli

    write(tmp_path, "locked/model.py", _BUGGY)
    write(tmp_path, "clean.py", "import os\n")
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    outcome = run_cli(capsys, "lint", str(tmp_path))
    assert outcome.code == 1
    assert "internal error" not in outcome.stderr
    assert [line for line in outcome.stdout.splitlines() if "BN000" in line] == [
        f"{locked}:1:1: BN000 cannot read the folder: Permission denied"
    ]
