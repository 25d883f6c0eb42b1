"""Projects: imports resolved as Python resolves them, and a file linted alone seeing its whole project."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bncheck.lint.aliases import canonical
from bncheck.lint.api import lint_paths, lint_source
from bncheck.lint.config import LintConfig
from bncheck.lint.project import FileSummary, Project, project_root

CORPUS = Path(__file__).parent / "lint_corpus"
PROJECTS = sorted(path.name for path in CORPUS.iterdir() if path.is_dir() and any(path.rglob("*.py")))

BN_MODEL = (
    "import tensorflow.compat.v1 as tf\n\ndef build(x, training):\n"
    "    return tf.layers.batch_normalization(x, training=training)\n"
)
BARE_TRAIN = (
    "import tensorflow.compat.v1 as tf\n{imports}\n"
    "loss = tf.reduce_sum(build(tf.zeros([2, 3]), True))\n"
    "train_op = tf.train.AdamOptimizer().minimize(loss)\n"
)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(findings) -> list[tuple[str, int, int, str]]:
    findings = getattr(findings, "findings", findings)
    return [(f.location.path, f.location.line, f.location.column, f.code) for f in findings]


# --- one changed file sees what `bncheck lint .` sees ------------------------------------------


@pytest.mark.parametrize("name", PROJECTS)
def test_each_file_linted_alone_gets_the_findings_of_linting_its_whole_project(
    name: str, tmp_path: Path, monkeypatch
) -> None:
    # the project as its own repository (a .git folder marks the root), linted from its root
    root = tmp_path / name
    shutil.copytree(CORPUS / name, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    whole = lint_paths([Path(".")]).findings
    files = sorted(path.relative_to(root) for path in root.rglob("*.py"))
    assert files
    for file in files:
        alone = lint_paths([file]).findings
        assert found(alone) == [key for key in found(whole) if key[0] == str(file)], file
    # a pre-commit hook passes several changed files at once
    assert found(lint_paths(files)) == found(whole)
    labelled = sum(text.count("# expect:") for text in (path.read_text() for path in root.rglob("*.py")))
    assert len(whole) == labelled


def test_a_file_linted_alone_reports_only_itself(tmp_path: Path) -> None:
    write(tmp_path, "proj/setup.cfg", "[metadata]\nname = proj\n")
    write(tmp_path, "proj/model.py", BN_MODEL + "saver = tf.train.Saver(tf.trainable_variables())\n")
    train = write(tmp_path, "proj/train.py", BARE_TRAIN.format(imports="from model import build"))
    result = lint_paths([train])
    assert [(Path(f.location.path).name, f.code) for f in result.findings] == [("train.py", "BN001")]
    assert (result.files, result.parsed) == (1, 1)


# --- how Python resolves imports -----------------------------------------------------------------


def test_a_script_imports_the_sibling_in_its_own_folder_not_a_same_named_module_elsewhere(
    tmp_path: Path,
) -> None:
    write(tmp_path, "setup.cfg", "[metadata]\nname = two\n")
    write(tmp_path, "gan/model.py", BN_MODEL)
    write(tmp_path, "gan/train.py", BARE_TRAIN.format(imports="from model import build"))
    # a model.py without BN in another folder: its train.py builds no BN
    write(tmp_path, "mlp/model.py", "import tensorflow.compat.v1 as tf\n\ndef build(x, t):\n    return x\n")
    write(tmp_path, "mlp/train.py", BARE_TRAIN.format(imports="from model import build"))
    findings = lint_paths([tmp_path]).findings
    assert [(Path(f.location.path).parent.name, f.code) for f in findings] == [("gan", "BN001")]


def test_a_package_is_found_from_the_project_root_and_a_src_layout(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "src/nets/__init__.py", "")
    write(tmp_path, "src/nets/bn.py", BN_MODEL)
    write(tmp_path, "tools/train.py", BARE_TRAIN.format(imports="from nets.bn import build"))
    write(
        tmp_path, "tools/train_module.py", BARE_TRAIN.format(imports="import nets.bn\nbuild = nets.bn.build")
    )
    findings = lint_paths([tmp_path / "tools" / "train.py", tmp_path / "tools" / "train_module.py"]).findings
    assert [(Path(f.location.path).name, f.location.line, f.code) for f in findings] == [
        ("train.py", 4, "BN001"),
        ("train_module.py", 5, "BN001"),
    ]


def test_relative_imports_and_parent_packages(tmp_path: Path) -> None:
    write(tmp_path, "app/__init__.py", "")
    write(tmp_path, "app/core/__init__.py", "")
    write(tmp_path, "app/core/layers.py", BN_MODEL)
    write(tmp_path, "app/train/__init__.py", "")
    write(tmp_path, "app/train/loop.py", BARE_TRAIN.format(imports="from ..core.layers import build"))
    write(tmp_path, "app/train/absolute.py", BARE_TRAIN.format(imports="from app.core.layers import build"))
    findings = lint_paths([tmp_path / "app" / "train"]).findings
    assert sorted(Path(f.location.path).name for f in findings) == ["absolute.py", "loop.py"]


def test_project_model_resolves_in_python_order() -> None:
    root = os.path.abspath("/proj")
    paths = [
        "/proj/pkg/__init__.py",
        "/proj/pkg/sub/__init__.py",
        "/proj/pkg/sub/train.py",
        "/proj/pkg/sub/util.py",
        "/proj/pkg/util.py",
        "/proj/util.py",
        "/proj/src/lib/__init__.py",
        "/proj/src/lib/ops.py",
    ]
    project = Project([FileSummary(os.path.abspath(path)) for path in paths], (root,))
    train = os.path.abspath("/proj/pkg/sub/train.py")
    key = os.path.abspath
    assert project.resolve_module(train, "util") == [key("/proj/pkg/sub/util.py")]  # the script's folder
    assert project.resolve_module(train, "pkg.util") == [key("/proj/pkg/util.py")]  # above the package
    assert project.resolve_module(train, "lib", "ops") == [key("/proj/src/lib/ops.py")]  # src layout
    assert project.resolve_module(train, "..util") == [key("/proj/pkg/util.py")]
    assert project.resolve_module(train, ".", "util") == [key("/proj/pkg/sub/util.py")]
    assert project.resolve_module(train, "tensorflow") == []


def test_project_root_is_the_nearest_marker_else_the_outermost_package(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, "repo/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "repo/a/b/train.py", "")
    assert project_root(tmp_path / "repo" / "a" / "b" / "train.py") == tmp_path / "repo"
    write(tmp_path, "loose/pkg/__init__.py", "")
    write(tmp_path, "loose/pkg/inner/__init__.py", "")
    write(tmp_path, "loose/pkg/inner/model.py", "")
    if project_root(tmp_path / "loose") == tmp_path / "loose":  # no marker above tmp_path
        assert project_root(tmp_path / "loose" / "pkg" / "inner" / "model.py") == tmp_path / "loose" / "pkg"
    # a home folder under version control is not a project root
    write(tmp_path, "home/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "home/scratch/train.py", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert project_root(tmp_path / "home" / "scratch" / "train.py") == tmp_path / "home" / "scratch"
    # an installed package is its own root: nothing above site-packages is searched
    write(tmp_path, "repo/.venv/lib/site-packages/lib/__init__.py", "")
    write(tmp_path, "repo/.venv/lib/site-packages/lib/mod.py", "")
    site = tmp_path / "repo" / ".venv" / "lib" / "site-packages"
    assert project_root(site / "lib" / "mod.py") == site / "lib"


def test_a_setup_py_in_a_sub_folder_of_a_checkout_does_not_make_a_project_of_its_own(tmp_path: Path) -> None:
    """`lib/setup.py` that builds an extension: a file under lib/ linted alone (a pre-commit hook
    runs from the checkout's root) sees the whole checkout, as `bncheck lint .` there does."""
    write(tmp_path, "checkout/.git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "checkout/lib/setup.py", "from distutils.core import setup\nsetup(name='nms')\n")
    write(tmp_path, "checkout/lib/fast_rcnn/train.py", "")
    assert project_root(tmp_path / "checkout" / "lib" / "fast_rcnn" / "train.py") == tmp_path / "checkout"
    # outside a checkout the nearest marker is the root
    write(tmp_path, "unpacked/lib/setup.py", "from distutils.core import setup\nsetup(name='nms')\n")
    write(tmp_path, "unpacked/lib/fast_rcnn/train.py", "")
    if project_root(tmp_path / "unpacked") == tmp_path / "unpacked":  # no checkout above tmp_path
        assert project_root(tmp_path / "unpacked" / "lib" / "fast_rcnn" / "train.py") == (
            tmp_path / "unpacked" / "lib"
        )


# --- star imports and module-path spellings ---------------------------------------------------------


def test_star_import_from_tensorflow_binds_the_bn_function() -> None:
    source = (
        "from tensorflow.contrib.layers import *\nnet = batch_norm(images)\n"
        "def predict(sess):\n    return sess.run(net)\n"
    )
    assert [(f.location.line, f.code) for f in lint_source(source)] == [(2, "BN004")]


def test_star_import_does_not_rebind_names_the_file_binds_itself() -> None:
    source = (
        "from tensorflow.contrib.layers import *\n\ndef batch_norm(x, training):\n    return x\n\n"
        "net = batch_norm(images, False)\n"
    )
    assert lint_source(source) == []


def test_star_import_from_a_project_module_carries_its_bn(tmp_path: Path) -> None:
    write(tmp_path, "model.py", BN_MODEL)
    write(tmp_path, "train.py", BARE_TRAIN.format(imports="from model import *"))
    write(
        tmp_path,
        "early.py",
        "import tensorflow.compat.v1 as tf\nfrom model import *\n\ndef main(x):\n"
        "    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    loss = tf.reduce_sum(build(x, True))\n"
        "    with tf.control_dependencies(update_ops):\n"
        "        return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    findings = lint_paths([tmp_path / "train.py", tmp_path / "early.py"]).findings
    assert [(Path(f.location.path).name, f.location.line, f.code) for f in findings] == [
        ("early.py", 5, "BN002"),
        ("train.py", 4, "BN001"),
    ]


@pytest.mark.parametrize(
    "spelling, name",
    [
        ("tensorflow.contrib.layers.python.layers.batch_norm", "slim.batch_norm"),
        ("tensorflow.contrib.layers.python.layers.layers.batch_norm", "slim.batch_norm"),
        ("tensorflow.contrib.framework.python.ops.arg_scope", "slim.arg_scope"),
        ("tensorflow.contrib.framework.python.ops.arg_scope.arg_scope", "slim.arg_scope"),
        ("tensorflow.contrib.layers.python.layers.optimizers.optimize_loss", "slim.optimize_loss"),
        ("tensorflow.contrib.slim.python.slim.learning.create_train_op", "slim.learning.create_train_op"),
        ("tensorflow.python.ops.nn_impl.batch_normalization", "tf.nn.batch_normalization"),
        ("tensorflow.python.training.saver.Saver", "tf.train.Saver"),
        ("tensorflow.contrib.keras.layers.BatchNormalization", "keras.layers.BatchNormalization"),
        (
            "keras.layers.normalization.batch_normalization.BatchNormalization",
            "keras.layers.BatchNormalization",
        ),
    ],
)
def test_module_path_spellings_are_the_public_names(spelling: str, name: str) -> None:
    assert canonical(spelling) == name


def test_contrib_layers_imported_by_module_path_are_slim() -> None:
    source = (
        "from tensorflow.contrib.layers.python import layers as tf_layers\n"
        "net = tf_layers.batch_norm(images, decay=1.0, is_training=is_training)\n"
    )
    assert [(f.location.line, f.code) for f in lint_source(source)] == [(2, "BN005")]


def test_a_module_another_bn_file_imports_holds_no_bn_for_a_third(tmp_path, monkeypatch) -> None:
    # m0's train op imports m1 (empty) and m2 (BN inside a function m0 never names); m4, which m0 never
    # reads, builds BN and imports m1 too.  m1 is m4's helper, not BN of m0's: no finding, alone or not.
    (tmp_path / ".git").mkdir()
    head = "import tensorflow.compat.v1 as tf\n"
    bn = "def build_{i}(x, training):\n    return tf.layers.batch_normalization(x, training=training)\n"
    write(tmp_path, "m0.py", head + "from m1 import *\nfrom m2 import *\n"
          "def train_0(loss):\n    return tf.train.AdamOptimizer().minimize(loss)\n")
    write(tmp_path, "m1.py", head)
    write(tmp_path, "m2.py", head + bn.format(i=2))
    write(tmp_path, "m4.py", head + "from m1 import *\n" + bn.format(i=4))
    monkeypatch.chdir(tmp_path)
    assert found(lint_paths([Path(".")])) == found(lint_paths([Path("m0.py")])) == []
    # once m0 names the builder, the BN is its program's: found both ways
    write(tmp_path, "m0.py", head + "from m1 import *\nfrom m2 import *\n"
          "def train_0(x):\n    return tf.train.AdamOptimizer().minimize(tf.reduce_sum(build_2(x, True)))\n")
    assert found(lint_paths([Path(".")])) == found(lint_paths([Path("m0.py")])) == [("m0.py", 5, 12, "BN001")]


# --- generated projects: any import graph, any mix of BN, train ops, wrappers and Savers ------------

_PARTS = {
    "bn": "def build_{i}(x, training):\n    return tf.layers.batch_normalization(x, training=training)\n",
    "keras_bn": "def net_{i}():\n    return tf.keras.Sequential([tf.keras.layers.BatchNormalization()])\n",
    "train": "def train_{i}(loss):\n    return tf.train.AdamOptimizer().minimize(loss)\n",
    "wrap": (
        "def wrapped_{i}(loss):\n"
        "    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "        return {callee}(loss)\n"
    ),
    "saver": "saver_{i} = tf.train.Saver(tf.trainable_variables())\n",
    "read_early": (
        "def early_{i}(x):\n    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "    y = {callee}(x, True)\n    return update_ops, y\n"
    ),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_generated_projects_give_each_file_alone_the_findings_of_the_whole(tmp_path_factory, data) -> None:
    root = tmp_path_factory.mktemp("generated")
    (root / ".git").mkdir()
    count = data.draw(st.integers(2, 6), label="files")
    for i in range(count):
        others = [j for j in range(count) if j != i]
        imported = data.draw(st.lists(st.sampled_from(others), unique=True, max_size=3), label=f"imports {i}")
        parts = data.draw(
            st.lists(st.sampled_from(sorted(_PARTS)), unique=True, max_size=3), label=f"parts {i}"
        )
        lines = ["import tensorflow.compat.v1 as tf\n"] + [f"from m{j} import *\n" for j in imported]
        callee = f"train_{imported[0]}" if imported else "len"
        builder = f"build_{imported[0]}" if imported else "len"
        for part in parts:
            lines.append(_PARTS[part].format(i=i, callee=builder if part == "read_early" else callee))
        write(root, f"m{i}.py", "".join(lines))
    previous = os.getcwd()
    os.chdir(root)
    try:
        whole = found(lint_paths([Path(".")]))
        assert found(lint_paths([Path(".")], LintConfig(prefilter=False))) == whole  # the pre-filter too
        for i in range(count):
            alone = found(lint_paths([Path(f"m{i}.py")]))
            assert alone == [key for key in whole if key[0] == f"m{i}.py"], i
    finally:
        os.chdir(previous)


def test_a_train_op_helper_linted_alone_sees_the_bn_script_that_imports_it(tmp_path: Path) -> None:
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(
        tmp_path,
        "utils.py",
        "import tensorflow.compat.v1 as tf\n\ndef make_train_op(loss):\n"
        "    return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    write(
        tmp_path,
        "train.py",
        "import tensorflow.compat.v1 as tf\nimport utils\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "op = utils.make_train_op(tf.reduce_sum(h))\n",
    )
    write(
        tmp_path,
        "wrapped.py",
        "import tensorflow.compat.v1 as tf\nfrom helpers import make_op\n"
        "h = tf.layers.batch_normalization(tf.zeros([2, 3]), training=True)\n"
        "with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):\n"
        "    op = make_op(tf.reduce_sum(h))\n",
    )
    write(
        tmp_path,
        "helpers.py",
        "import tensorflow.compat.v1 as tf\n\ndef make_op(loss):\n"
        "    return tf.train.AdamOptimizer().minimize(loss)\n",
    )
    findings = lint_paths([tmp_path / "utils.py"]).findings
    alone = [(Path(f.location.path).name, f.location.line, f.code) for f in findings]
    assert alone == [("utils.py", 4, "BN001")]  # the script importing it builds the BN
    assert lint_paths([tmp_path / "helpers.py"]).findings == []  # its only caller wraps it in the updates


@pytest.mark.parametrize("application, expected", [("MobileNetV2", 1), ("VGG16", 0)])
def test_keras_application_aliased_in_another_module_builds_keras_bn(
    tmp_path, monkeypatch, application, expected
) -> None:
    # the alias spells the application without calling it: the pre-filter must still read the module
    write(
        tmp_path,
        "models.py",
        f"import tensorflow as tf\n\nBackbone = tf.keras.applications.{application}\n\n\n"
        "def build():\n    return Backbone(weights=None)\n",
    )
    write(
        tmp_path,
        "train.py",
        "import tensorflow.compat.v1 as tf\n\nfrom models import build\n\n"
        "x = tf.placeholder(tf.float32, [None, 224, 224, 3])\nloss = tf.reduce_mean(build()(x))\n"
        "update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
        "with tf.control_dependencies(update_ops):\n"
        "    train_op = tf.train.AdamOptimizer().minimize(loss)\n",
    )
    monkeypatch.chdir(tmp_path)
    filtered = found(lint_paths([Path(".")], LintConfig()))
    assert [(path, line, code) for path, line, _, code in filtered] == [("train.py", 7, "BN011")] * expected
    assert found(lint_paths([Path(".")], LintConfig(prefilter=False))) == filtered


def test_a_bn_helper_counts_once_a_file_importing_it_names_it(tmp_path, monkeypatch) -> None:
    # ops.py's contrib `batch_norm` helper lacks `is_training`; it matters only if the program calls it
    (tmp_path / ".git").mkdir()
    write(tmp_path, "ops.py", "import tensorflow as tf\n"
          "def batch_norm(x, name='bn'):\n"
          "    return tf.contrib.layers.batch_norm(x, updates_collections=None, scope=name)\n"
          "def instance_norm(x):\n    return tf.contrib.layers.instance_norm(x)\n")
    write(tmp_path, "net.py", "import tensorflow as tf\nfrom ops import *\n"
          "def generator(x):\n    return instance_norm(tf.layers.conv2d(x, 8, 3))\n")
    monkeypatch.chdir(tmp_path)
    assert found(lint_paths([Path(".")])) == found(lint_paths([Path("ops.py")])) == []
    write(tmp_path, "net.py", "import tensorflow as tf\nfrom ops import *\n"
          "def generator(x):\n    return batch_norm(tf.layers.conv2d(x, 8, 3))\n"
          "def sample(sess, z):\n    return sess.run(generator(z))\n")
    expected = [("ops.py", 3, 12, "BN004")]

    def bn004(result):
        return [f for f in found(result) if f[3] == "BN004"]

    assert bn004(lint_paths([Path(".")])) == bn004(lint_paths([Path("ops.py")])) == expected
    assert bn004(lint_paths([Path(".")], LintConfig(prefilter=False))) == expected


def test_training_mode_bn_matters_once_the_program_evaluates(tmp_path, monkeypatch) -> None:
    # slim BN without is_training stays in training mode: harmless in a GAN that only trains, a bug
    # once a script named for inference runs the model (test_*.py without test functions is a script)
    (tmp_path / ".git").mkdir()
    write(tmp_path, "gan.py", "import tensorflow as tf\nfrom tensorflow.contrib import slim\n"
          "def generator(z):\n    return tf.tanh(slim.batch_norm(slim.fully_connected(z, 64)))\n")
    write(tmp_path, "train.py", "import tensorflow as tf\nfrom gan import generator\n"
          "loss = tf.reduce_mean(generator(tf.random_normal([64, 8])))\n"
          "train_op = tf.train.AdamOptimizer().minimize(loss)\n"
          "with tf.Session() as sess:\n    sess.run(train_op)\n")
    monkeypatch.chdir(tmp_path)
    assert [f for f in found(lint_paths([Path(".")])) if f[3] == "BN004"] == []
    write(tmp_path, "test_on_images.py", "import tensorflow as tf\nfrom gan import generator\n"
          "images = generator(tf.random_normal([1, 8]))\n"
          "with tf.Session() as sess:\n    tf.train.Saver().restore(sess, 'ckpt')\n    sess.run(images)\n")
    expected = [("gan.py", 4, 20, "BN004")]
    assert [f for f in found(lint_paths([Path(".")])) if f[3] == "BN004"] == expected
    assert [f for f in found(lint_paths([Path("gan.py")])) if f[3] == "BN004"] == expected
    assert [f for f in found(lint_paths([Path(".")], LintConfig(prefilter=False))) if f[3] == "BN004"] == expected
    # a real unit test module of the same name does not evaluate the model
    write(tmp_path, "test_on_images.py", "import tensorflow as tf\nfrom gan import generator\n"
          "def test_shape():\n    assert generator(tf.zeros([1, 8])).shape[-1] == 64\n")
    assert [f for f in found(lint_paths([Path(".")])) if f[3] == "BN004"] == []


# --- a BN function switched off by what its caller passes --------------------------------------

NETWORK = (
    "import tensorflow.compat.v1 as tf\n\n"
    "def generator(z, is_training=True, use_bn=True):\n"
    "    if use_bn:\n"
    "        z = tf.layers.batch_normalization(z, training=is_training)\n"
    "    return z\n"
)


@pytest.mark.parametrize(
    "call, switched_off",
    [
        ("network.generator(z, use_bn=False)", True),
        ("network.generator(z, True, False)", True),
        ("network.generator(z, True, 0)", True),
        ("network.generator(z)", False),  # the default builds BN
        ("network.generator(z, use_bn=True)", False),
        ("network.generator(z, use_bn=flags.use_bn)", False),  # not a constant
        ("network.generator(z, **options)", False),  # may hold use_bn
        ("network.generator(z, use_bn=False) + network.generator(z)", False),  # one call builds it
        ("network.generator(z, use_bn=False)\nmake = network.generator", False),  # handed on
    ],
)
def test_a_bn_function_built_with_its_bn_switched_off_builds_no_update_ops(
    tmp_path: Path, monkeypatch, call: str, switched_off: bool
) -> None:
    write(tmp_path, "network.py", NETWORK)
    write(
        tmp_path,
        "train.py",
        "import tensorflow.compat.v1 as tf\nimport network\n\nz = tf.zeros([2, 3])\n"
        f"out = {call}\n"
        "train_op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(z))\n",
    )
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    codes = [f.code for f in lint_paths([Path(".")]).findings]
    alone = [f.code for f in lint_paths([Path("train.py")]).findings]
    assert codes == alone == ([] if switched_off else ["BN001"])


def test_a_switch_is_a_parameter_the_function_never_rebinds() -> None:
    from bncheck.lint.context import build_context
    from bncheck.lint.semantics import bn_switches

    def found_switches(source: str) -> set[tuple]:
        context = build_context("network.py", source, ast.parse(source), {})
        return {(s.function, s.parameter, s.index, s.default, s.builds_when) for s in bn_switches(context)}

    rebound = NETWORK.replace("    if use_bn:\n", "    use_bn = use_bn or is_training\n    if use_bn:\n")
    both = NETWORK.replace("    return z\n", "    return tf.layers.batch_normalization(z, training=True)\n")
    assert found_switches(NETWORK) == {("generator", "use_bn", 2, True, True)}
    assert found_switches(rebound) == set()
    assert found_switches(both) == set()  # BN outside the `if` too
