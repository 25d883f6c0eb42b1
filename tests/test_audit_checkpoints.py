"""bncheck audit on real checkpoints: the exact BN layers found and the exact findings.

Every audit goes through ``audit_both``: bncheck's file reader and TensorFlow's reader must give the
same report, down to each tensor's statistics.
"""

from __future__ import annotations

import json
import shutil

import pytest

from bncheck.cli import main
from tests import audit_fixtures as fx
from tests.audit_fixtures import audit_both as audit_paths


def run_audit(capfd, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(["audit", *args])
    out, err = capfd.readouterr()
    return exit_.value.code, out, err


def layers_of(report) -> list[tuple[str, tuple[str, ...], str]]:
    return [(layer.name, layer.roles, layer.status) for layer in report.layers]


def codes_of(report) -> list[tuple[str, str | None]]:
    return [(finding.code, finding.location.symbol) for finding in report.findings]


FULL = ("gamma", "beta", "moving_mean", "moving_variance")


@pytest.fixture(scope="module")
def tf1():
    """Every TF1 checkpoint of this module, built once per run: name -> prefix."""
    return {
        "no_update_ops": fx.shared(fx.build_tf1, updates="none"),
        "fixed": fx.shared(fx.build_tf1, updates="all", ema=True),
        "trainable_saver": fx.shared(fx.build_tf1, saver="trainable"),
        "decay_one": fx.shared(fx.build_tf1, momentum=1.0),
        "partial": fx.shared(fx.build_tf1, updates="first"),
        "nan": fx.shared(fx.build_tf1, nan_variance_in="bn2"),
        "slim": fx.shared(fx.build_tf1, style="slim"),
        "slim_no_updates": fx.shared(fx.build_tf1, style="slim", updates="none"),
        "fresh": fx.shared(fx.build_tf1, steps=0),
        "stopped": fx.shared(fx.build_tf1, steps=4, save_steps=(2, 4), stop_updates_after=2),
        "steady": fx.shared(fx.build_tf1, steps=4, save_steps=(2, 4)),
    }


def test_training_without_update_ops_leaves_stats_at_init(tf1):
    report = audit_paths([tf1["no_update_ops"]])
    assert layers_of(report) == [("bn1", FULL, "initial"), ("bn2", FULL, "initial")]
    assert codes_of(report) == [("BN102", "bn1")]
    assert "the saved step is 3" in report.findings[0].message
    assert report.checkpoints[0].info.step == 3
    assert report.checkpoints[0].info.kind == "tf1"


def test_fixed_training_is_clean_and_ignores_adam_slots_and_ema_shadows(tf1):
    report = audit_paths([tf1["fixed"]])
    assert layers_of(report) == [("bn1", FULL, "updated"), ("bn2", FULL, "updated")]
    assert report.findings == ()
    info = report.checkpoints[0].info
    # 2 layers x 4 tensors + global_step; the Adam slots, EMA shadows and conv kernels are not read
    assert info.tensors_read == 9
    assert info.tensor_count > 30


def test_trainable_only_saver_loses_moving_stats(tf1):
    report = audit_paths([tf1["trainable_saver"]])
    assert layers_of(report) == [("bn1", ("gamma", "beta"), "missing"), ("bn2", ("gamma", "beta"), "missing")]
    assert codes_of(report) == [("BN101", "bn1")]
    assert report.checkpoints[0].info.step is None


def test_decay_one_freezes_moving_stats(tf1):
    report = audit_paths([tf1["decay_one"]])
    assert layers_of(report) == [("bn1", FULL, "initial"), ("bn2", FULL, "initial")]
    assert codes_of(report) == [("BN102", "bn1")]


def test_partial_update_flags_only_the_frozen_layer(tf1):
    report = audit_paths([tf1["partial"]])
    assert layers_of(report) == [("bn1", FULL, "updated"), ("bn2", FULL, "initial")]
    assert codes_of(report) == [("BN104", "bn2")]
    assert report.findings[0].severity.label == "warning"


def test_nan_variance_is_an_error(tf1):
    report = audit_paths([tf1["nan"]])
    assert layers_of(report) == [("bn1", FULL, "updated"), ("bn2", FULL, "invalid")]
    assert codes_of(report) == [("BN103", "bn2")]
    assert report.findings[0].message == "bn2: moving_variance has 1 NaN of 4"


def test_slim_names_without_gamma_are_grouped(tf1):
    slim = ("beta", "moving_mean", "moving_variance")
    report = audit_paths([tf1["slim"]])
    assert layers_of(report) == [("conv1/BatchNorm", slim, "updated"), ("conv2/BatchNorm", slim, "updated")]
    assert report.findings == ()
    broken = audit_paths([tf1["slim_no_updates"]])
    assert layers_of(broken) == [("conv1/BatchNorm", slim, "initial"), ("conv2/BatchNorm", slim, "initial")]
    assert codes_of(broken) == [("BN102", "conv1/BatchNorm")]


def test_untrained_checkpoint_is_info_only(tf1, capfd):
    report = audit_paths([tf1["fresh"]])
    assert layers_of(report) == [("bn1", FULL, "initial"), ("bn2", FULL, "initial")]
    assert codes_of(report) == [("BN106", None)]
    assert run_audit(capfd, tf1["fresh"])[0] == 0
    assert run_audit(capfd, tf1["fresh"], "--fail-on", "info")[0] == 1


def test_all_compares_checkpoints_in_step_order(tf1, capfd):
    directory = str(fx.Path(tf1["stopped"]).parent)
    report = audit_paths([directory], all_checkpoints=True)
    assert [audit.info.step for audit in report.checkpoints] == [2, 4]
    assert [audit.findings for audit in report.checkpoints] == [(), ()]
    assert codes_of(report) == [("BN105", "bn1")]
    assert "2 BN layer(s): bn1, bn2" in report.findings[0].message
    latest_only = audit_paths([directory])
    assert [audit.info.step for audit in latest_only.checkpoints] == [4]
    assert latest_only.findings == ()
    steady = audit_paths([str(fx.Path(tf1["steady"]).parent)], all_checkpoints=True)
    assert steady.findings == ()
    code, out, err = run_audit(capfd, "--all", "--format", "json", directory)
    assert code == 1 and err == ""
    assert [finding["code"] for finding in json.loads(out)["findings"]] == ["BN105"]


def test_checkpoint_files_and_directory_resolve_to_the_prefix(tf1):
    prefix = tf1["partial"]
    for given in (
        prefix,
        prefix + ".index",
        prefix + ".data-00000-of-00001",
        prefix + ".meta",
        str(fx.Path(prefix).parent),
    ):
        report = audit_paths([given])
        assert report.checkpoints[0].info.path == prefix
        assert codes_of(report) == [("BN104", "bn2")]


def test_exit_codes_follow_fail_on(tf1, capfd):
    assert run_audit(capfd, tf1["fixed"])[0] == 0
    assert run_audit(capfd, tf1["no_update_ops"])[0] == 1
    assert run_audit(capfd, tf1["partial"])[0] == 1
    assert run_audit(capfd, tf1["partial"], "--fail-on", "error")[0] == 0
    assert run_audit(capfd, tf1["no_update_ops"], "--fail-on", "error")[0] == 1


def test_text_output_has_summary_table_and_fix(tf1, capfd):
    code, out, err = run_audit(capfd, tf1["partial"])
    assert code == 1 and err == ""
    assert "moving_variance" in out and "status" in out
    table_rows = [line for line in out.splitlines() if line.strip().startswith(("bn1 ", "bn2 "))]
    assert [row.split()[-1] for row in table_rows] == ["updated", "initial"]
    assert "BN104 warning" in out and "fix: Read `tf.get_collection" in out
    assert out.rstrip().splitlines()[-1] == (
        f"{tf1['partial']} (tf1, step 3): 2 BN layers; findings: 0 errors, 1 warning, 0 info"
    )


def test_json_and_sarif_documents(tf1, capfd):
    code, out, _ = run_audit(capfd, "--format", "json", tf1["nan"])
    document = json.loads(out)
    assert code == 1
    assert document["command"] == "audit"
    assert document["summary"] == {"findings": 1, "error": 1, "warning": 0, "info": 0}
    checkpoint = document["checkpoints"][0]
    assert checkpoint["step"] == 3 and checkpoint["kind"] == "tf1"
    assert [layer["name"] for layer in checkpoint["layers"]] == ["bn1", "bn2"]
    variance = checkpoint["layers"][1]["variables"]["moving_variance"]
    assert variance["key"] == "bn2/moving_variance" and variance["nan"] == 1
    code, out, _ = run_audit(capfd, "--format", "sarif", tf1["nan"])
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert [(result["ruleId"], result["level"]) for result in results] == [("BN103", "error")]
    assert results[0]["locations"][0]["logicalLocations"] == [{"name": "bn2"}]


def test_resnet50_sized_slim_checkpoint(tmp_path):
    frozen = "resnet_v1_50/block3/unit_5/bottleneck_v1/conv2/BatchNorm"
    prefix = fx.build_resnet50_slim(tmp_path, frozen=(frozen,))
    report = audit_paths([prefix])
    expected = sorted(fx.resnet50_slim_layers(), key=lambda item: fx_natural(item[0]))
    assert [(layer.name, layer.channels) for layer in report.layers] == expected
    assert len(report.layers) == 53
    assert {layer.roles for layer in report.layers} == {("beta", "moving_mean", "moving_variance")}
    assert [layer.name for layer in report.layers if layer.status != "updated"] == [frozen]
    assert codes_of(report) == [("BN104", frozen)]
    assert report.checkpoints[0].info.step == 120000
    assert report.checkpoints[0].info.tensors_read == 53 * 3 + 1


def fx_natural(name: str) -> list:
    from bncheck.audit.grouping import _natural_key

    return _natural_key(name)


@pytest.fixture(scope="module")
def keras_dir():
    return fx.shared(fx.build_keras_fixtures)


def test_keras3_archive_uses_config_for_roles(keras_dir):
    report = audit_paths([str(keras_dir / "trained.keras")])
    assert layers_of(report) == [
        ("bn1", FULL, "updated"),
        ("bn2", ("beta", "moving_mean", "moving_variance"), "updated"),
    ]
    assert report.findings == ()
    assert report.checkpoints[0].info.kind == "keras"
    assert report.checkpoints[0].info.step == 4


def test_keras3_weights_file_without_config(keras_dir):
    report = audit_paths([str(keras_dir / "trained.weights.h5")])
    assert layers_of(report) == [
        ("bn1", FULL, "updated"),
        ("bn2", ("gamma_or_beta", "moving_mean", "moving_variance"), "updated"),
    ]
    assert report.findings == ()


def test_keras3_momentum_one_is_bn102(keras_dir):
    for name in ("decay1.weights.h5", "decay1.keras"):
        report = audit_paths([str(keras_dir / name)])
        assert [layer.status for layer in report.layers] == ["initial", "initial"]
        assert codes_of(report) == [("BN102", "bn1")]


def test_keras3_unfitted_weights_are_info(keras_dir):
    report = audit_paths([str(keras_dir / "fresh.weights.h5")])
    assert report.checkpoints[0].info.step is None
    assert codes_of(report) == [("BN106", None)]


def test_keras2_h5_skips_layer_normalization(keras_dir):
    report = audit_paths([str(keras_dir / "keras2.h5")])
    assert layers_of(report) == [("bn", FULL, "updated")]
    assert report.findings == ()


def test_tf2_object_checkpoint_recovers_layer_names(keras_dir):
    report = audit_paths([str(keras_dir / "tf2")])
    assert report.checkpoints[0].info.kind == "tf2-object"
    assert layers_of(report) == [
        ("net/bn1", FULL, "updated"),
        ("net/bn2", ("beta", "moving_mean", "moving_variance"), "updated"),
    ]
    assert report.checkpoints[0].info.step == 4
    assert report.findings == ()


def test_savedmodel_variables_are_audited(keras_dir, tmp_path):
    copy = tmp_path / "exported"
    shutil.copytree(keras_dir / "savedmodel", copy)
    for given in (copy, copy / "variables"):
        report = audit_paths([str(given)])
        assert report.checkpoints[0].info.kind == "savedmodel"
        assert [layer.name for layer in report.layers] == ["net/bn1", "net/bn2"]
        assert report.findings == ()


def test_progress_reports_every_tensor_read(tf1):
    from bncheck.audit import audit_paths as audit_once

    events = []
    directory = str(fx.Path(tf1["stopped"]).parent)
    audit_once(
        [directory], all_checkpoints=True, on_progress=lambda done, total, label: events.append((done, total))
    )
    # 2 checkpoints x (2 layers x 4 tensors + the step)
    assert events[-1] == (18, 18)
    assert [done for done, _ in events] == list(range(1, 19))


def test_verbose_text_shows_every_checkpoint(tf1, capfd):
    directory = fx.Path(tf1["stopped"]).parent
    code, out, _ = run_audit(capfd, "--all", "--verbose", str(directory))
    assert code == 1
    headers = [line for line in out.splitlines() if line.startswith(str(directory)) and "  [tf1" in line]
    assert [header.split()[0] for header in headers] == [
        str(directory / "model.ckpt-2"),
        str(directory / "model.ckpt-4"),
    ]
    assert "BN105 warning" in out


def test_keras3_legacy_h5_model_file(keras_dir):
    report = audit_paths([str(keras_dir / "keras3_legacy.h5")])
    assert layers_of(report) == [
        ("bn1", FULL, "updated"),
        ("bn2", ("beta", "moving_mean", "moving_variance"), "updated"),
    ]
    assert report.checkpoints[0].info.step == 4
    assert report.findings == ()


def test_renorm_extras_join_their_layer(keras_dir):
    renorm = FULL + ("renorm_mean", "renorm_stddev", "moving_stddev")
    report = audit_paths([str(keras_dir / "renorm.h5")])
    assert layers_of(report) == [("bn_renorm", renorm, "updated")]
    assert report.findings == ()
    object_based = audit_paths([str(keras_dir / "tf2_keras2")])
    assert object_based.checkpoints[0].info.kind == "tf2-object"
    assert [layer.name for layer in object_based.layers] == ["bn_renorm"]
    assert set(object_based.layers[0].roles) >= set(FULL + ("renorm_mean", "renorm_stddev"))
    assert object_based.checkpoints[0].info.step == 2
    assert object_based.findings == ()


# Each audit rule's bad example, built as a checkpoint above, and the good one (fixed training).
RULE_EXAMPLES = {
    "BN101": ("trainable_saver", False),
    "BN102": ("no_update_ops", False),
    "BN103": ("nan", False),
    "BN104": ("partial", False),
    "BN105": ("stopped", True),
    "BN106": ("fresh", False),
}


@pytest.mark.parametrize("code", sorted(RULE_EXAMPLES))
def test_each_audit_rule_fires_on_its_bad_example_only(tf1, code):
    name, whole_run = RULE_EXAMPLES[code]
    given = str(fx.Path(tf1[name]).parent) if whole_run else tf1[name]
    assert [finding.code for finding in audit_paths([given], all_checkpoints=whole_run).findings] == [code]
    good = audit_paths([str(fx.Path(tf1["steady"]).parent)], all_checkpoints=True)
    assert code not in [finding.code for finding in good.findings]


def test_keras_audit_writes_nothing(keras_dir):
    before = fx.snapshot(keras_dir)
    for name in ("trained.keras", "trained.weights.h5", "keras2.h5", "tf2", "savedmodel"):
        audit_paths([str(keras_dir / name)])
    assert fx.snapshot(keras_dir) == before


def test_progress_bar_on_a_terminal_stderr(tf1):
    """With stderr on a terminal and --all, a progress bar is drawn there; stdout keeps the report."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    directory = str(fx.Path(tf1["stopped"]).parent)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bncheck", "audit", "--all", "--format", "json", directory],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            check=False,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", COLUMNS="100"),
        )
        os.close(follower)
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["warning"] == 1
    assert b"reading BN tensors" in drawn


def test_two_shard_checkpoint(tmp_path):
    prefix = fx.build_sharded(tmp_path / "sharded")
    assert len(list(tmp_path.glob("sharded/*.data-*-of-00002"))) == 2
    report = audit_paths([prefix])
    assert layers_of(report) == [("bn1", FULL, "updated"), ("bn2", FULL, "updated")]
    assert report.findings == ()


def test_partitioned_variables_are_assembled_from_their_slices(tmp_path):
    slim = ("beta", "moving_mean", "moving_variance")
    prefix = fx.build_partitioned(tmp_path / "part", frozen=True)
    report = audit_paths([prefix])
    assert [(layer.name, layer.channels) for layer in report.layers] == [
        ("block1/BatchNorm", 300),
        ("block2/BatchNorm", 300),
    ]
    assert layers_of(report) == [("block1/BatchNorm", slim, "updated"), ("block2/BatchNorm", slim, "initial")]
    assert codes_of(report) == [("BN104", "block2/BatchNorm")]
    info = report.checkpoints[0].info
    assert info.step == 5000
    # the listed names are the variables, not their slice keys; the 20000x3 kernel is never read
    assert info.tensor_count == 8 and info.tensors_read == 7


def test_big_endian_bundle_reads_the_same_values(tmp_path):
    prefix = fx.build_partitioned(tmp_path / "little", frozen=True)
    swapped = fx.copy_big_endian(prefix, tmp_path / "big")
    little, big = audit_paths([prefix]), audit_paths([swapped])
    assert repr(big.layers) == repr(little.layers)
    assert codes_of(big) == codes_of(little) == [("BN104", "block2/BatchNorm")]
    assert big.checkpoints[0].info.step == 5000


def test_checkpoint_manager_folder_with_timestamps(keras_dir):
    state = (keras_dir / "managed" / "checkpoint").read_text()
    assert "all_model_checkpoint_timestamps" in state
    report = audit_paths([str(keras_dir / "managed")], all_checkpoints=True)
    assert [audit.info.step for audit in report.checkpoints] == [4, 6]
    assert [audit.info.path.rsplit("/", 1)[-1] for audit in report.checkpoints] == ["ckpt-1", "ckpt-2"]
    assert layers_of(report) == [
        ("net/bn1", FULL, "updated"),
        ("net/bn2", ("beta", "moving_mean", "moving_variance"), "updated"),
    ]
    assert report.findings == ()


def test_state_file_with_a_non_ascii_path_is_utf8(tf1, tmp_path):
    from bncheck import tfcompat

    folder = tmp_path / "exp\u00e9rience"
    shutil.copytree(fx.Path(tf1["partial"]).parent, folder)
    for path in folder.glob("model.ckpt-3.*"):
        path.rename(folder / path.name.replace("model.ckpt", "mod\u00e8le.ckpt"))
    prefix = str(folder / "mod\u00e8le.ckpt-3")
    # TensorFlow's own writer of the state file (raw UTF-8), then protobuf's escaped spelling of it
    tfcompat.load().compat.v1.train.update_checkpoint_state(str(folder), prefix)
    for state in ((folder / "checkpoint").read_text(encoding="utf-8"), None):
        if state is None:
            escaped = prefix.encode("utf-8").decode("latin-1")
            escaped = "".join(c if ord(c) < 128 else "\\%03o" % ord(c) for c in escaped)
            (folder / "checkpoint").write_text(f'model_checkpoint_path: "{escaped}"\n')
        report = audit_paths([str(folder)])
        assert report.checkpoints[0].info.path == prefix
        assert codes_of(report) == [("BN104", "bn2")]


def test_brackets_in_folder_and_prefix_are_not_globs(tf1, tmp_path, capfd):
    folder = tmp_path / "sweep[1]"
    shutil.copytree(fx.Path(tf1["partial"]).parent, folder)
    # a decoy that the glob ``sweep[1]`` would match instead
    shutil.copytree(fx.Path(tf1["fixed"]).parent, tmp_path / "sweep1")
    prefix = str(folder / "model.ckpt-3")
    (folder / "checkpoint").write_text('model_checkpoint_path: "model.ckpt-3"\n')
    for given in (str(folder), prefix, prefix + ".index"):
        report = audit_paths([given])
        assert report.checkpoints[0].info.path == prefix
        assert codes_of(report) == [("BN104", "bn2")]
    for path in folder.glob("model.ckpt-3.*"):
        path.rename(folder / path.name.replace("model.ckpt-3", "m[a]x-3"))
    report = audit_paths([str(folder / "m[a]x-3")])
    assert codes_of(report) == [("BN104", "bn2")]
    code, out, err = run_audit(capfd, str(folder / "m[a]x-3"))
    assert code == 1 and err == ""
    assert out.rstrip().splitlines()[-1].startswith(f"{folder}/m[a]x-3 (tf1, step 3)")
