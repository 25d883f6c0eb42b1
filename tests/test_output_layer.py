"""The output layer lint, audit, graph and trace share: options, renderers, exit codes, escaping."""

from __future__ import annotations

import ast
import io
import json
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from bncheck.findings import Finding, Location, Severity, face_rules, registered
import bncheck.lint.rules  # noqa: F401 - registers the lint rules, so that LINT_RULES holds them
from bncheck.lint.rulebase import LINT_RULES
from bncheck.graph.model import BnLayer, GraphAnalysis, SourceLine, TrainOp
from bncheck.reporting.output import FindingsReport, OutputOptions, exit_code, render
from bncheck.trace.report import LayerCount, TraceReport, TrainOpCount, trace_findings
from tests.helpers_cli import run_cli

PACKAGE = Path(__file__).resolve().parent.parent / "bncheck"
SCRIPT = (
    "import tensorflow.compat.v1 as tf\n"
    "h = tf.layers.batch_normalization(x, training=True)\n"
    "op = tf.train.AdamOptimizer().minimize(tf.reduce_sum(h))\n"
)
LONG = "a moving-statistics message that runs well past any terminal width " * 4


def _finding(severity: Severity = Severity.ERROR, path: str = "train.py", message: str = "bad") -> Finding:
    return Finding("BN001", severity, message, Location(path, 3, 6), "wrap it")


def _plain(width: int = 80) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=width, no_color=True, markup=False, highlight=False), buffer


def _help(capsys, command: str) -> str:
    outcome = run_cli(capsys, command, "--help")
    assert outcome.code == 0
    return " ".join(outcome.stdout.split())


@pytest.mark.parametrize("command", ["lint", "audit", "graph", "trace"])
def test_every_findings_command_has_the_same_output_options_and_default(capsys, command: str) -> None:
    text = _help(capsys, command)
    assert "--format, --output-format [text|json|sarif|github]" in text
    assert "--fail-on [error|warning|info|never]" in text
    assert "[default: warning]" in text
    assert "-o, --output-file" in text and "-q, --quiet" in text


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", (1, 0, 0)), ("warning", (1, 1, 0)), ("info", (1, 1, 1)), ("never", (0, 0, 0))],
)
def test_exit_code_is_1_from_the_fail_on_severity_up(fail_on: str, expected: tuple[int, ...]) -> None:
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    assert tuple(exit_code([_finding(severity)], fail_on) for severity in severities) == expected
    assert exit_code([], fail_on) == 0


def test_audit_accepts_fail_on_never(capsys, tmp_path: Path) -> None:
    outcome = run_cli(capsys, "audit", "--fail-on", "never", str(tmp_path / "missing.ckpt"))
    # the option is accepted: the one error is about the missing checkpoint, not about --fail-on
    assert outcome.code == 2
    assert "missing.ckpt" in outcome.stderr and "--fail-on" not in outcome.stderr


@pytest.mark.parametrize(
    ("face", "codes"),
    [
        ("lint", sorted(LINT_RULES)),
        ("audit", [f"BN10{n}" for n in range(1, 7)]),
        ("graph", ["BN201", "BN202", "BN203"]),
        ("trace", ["BN204"]),
    ],
)
def test_sarif_lists_the_rules_of_the_commands_face(face: str, codes: list[str]) -> None:
    report = FindingsReport(face, [], faces=(face,), text=lambda console, quiet: None)
    document = json.loads(render(report, OutputOptions(format="sarif"), _plain()[0]))
    assert [rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]] == codes
    assert [rule.code for rule in face_rules(face)] == codes


def test_sarif_and_github_keep_the_fix_apart_from_the_message() -> None:
    report = FindingsReport("lint", [_finding()], faces=("lint",), text=lambda console, quiet: None)
    sarif = json.loads(render(report, OutputOptions(format="sarif"), _plain()[0]))["runs"][0]["results"][0]
    assert sarif["message"]["text"] == "bad\n\nFix: wrap it"
    assert sarif["properties"] == {"fix": "wrap it"}
    github = render(report, OutputOptions(format="github"), _plain()[0])
    assert github == "::error file=train.py,line=3,col=6,title=BN001::bad%0A%0AFix: wrap it\n"


def test_sarif_uris_are_percent_encoded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    names = ["my dir/a#b%.py", os.fsdecode(b"caf\xff.py"), str(tmp_path.parent / "out side.py")]
    findings = [_finding(path=name) for name in names]
    report = FindingsReport("lint", findings, faces=("lint",), text=lambda console, quiet: None)
    results = json.loads(render(report, OutputOptions(format="sarif"), _plain()[0]))["runs"][0]["results"]
    uris = [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in results]
    assert uris[:2] == ["my%20dir/a%23b%25.py", "caf%FF.py"]
    assert uris[2].startswith("file:///") and uris[2].endswith("/out%20side.py")


def test_json_never_carries_lone_surrogates(tmp_path: Path, capsys) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"bad\xff.py"), "wb") as handle:
        handle.write(SCRIPT.encode())
    outcome = run_cli(capsys, "lint", "--format", "json", str(tmp_path))
    document = json.loads(outcome.stdout)
    assert [Path(f["path"]).name for f in document["findings"]] == ["bad\\xff.py"]
    # strict UTF-8 encoders (and JSON parsers in other languages) reject lone surrogates
    json.dumps(document, ensure_ascii=False).encode("utf-8")
    assert "\\udc" not in outcome.stdout


def test_an_escape_sequence_in_a_file_name_is_shown_escaped(tmp_path: Path, capsys) -> None:
    (tmp_path / "evil\x1b[2Jname.py").write_text(SCRIPT, encoding="utf-8")
    outcome = run_cli(capsys, "lint", str(tmp_path))
    assert outcome.code == 1
    assert "\x1b" not in outcome.stdout
    assert f"{tmp_path}/evil\\x1b[2Jname.py:3:6: BN001 " in outcome.stdout
    missing = run_cli(capsys, "lint", str(tmp_path / "gone\x1b[31m.py"))
    assert missing.code == 2 and "\x1b" not in missing.stderr
    assert missing.stderr == f"bncheck: error: {tmp_path}/gone\\x1b[31m.py: no such file or directory\n"


def _graph(name: str, path: str) -> GraphAnalysis:
    layer = BnLayer(
        name,
        "tf.layers",
        (f"{name}/moving_mean",),
        (f"{name}/AssignMovingAvg",),
        "training",
        SourceLine(path, 7),
    )
    return GraphAnalysis(
        (layer,), (TrainOp("train/[red]Adam"),), updates_run_by={"train/[red]Adam": frozenset()}
    )


def _trace(name: str, path: str, steps: int = 1) -> TraceReport:
    return TraceReport(
        steps=steps,
        train_ops=(TrainOpCount("[bold]GradientDescent", steps, SourceLine(path, 20)),),
        layers=(LayerCount(name, "tf.layers", 2, 0, 0, SourceLine(path, 7)),),
    )


@pytest.mark.parametrize("name", ["[blink red]bn", "bn[/]", "bn\x1b[5m"])
def test_markup_and_escapes_in_names_are_printed_literally_by_every_renderer(name: str) -> None:
    from bncheck.audit.model import AuditReport, BnLayer as AuditLayer, CheckpointAudit, CheckpointInfo
    from bncheck.reporting.audit_text import render as render_audit
    from bncheck.reporting.graph_text import render_graph, render_trace

    path = "sweep[/a]/base.py"
    shown = name.replace("\x1b", "\\x1b")
    finding = Finding(
        "BN204", Severity.ERROR, f"BN layer '{name}' never updated", Location(path, 7, None, name)
    )

    console, buffer = _plain(200)
    render_graph(console, path, _graph(name, path), [finding])
    render_trace(console, _trace(name, path), [finding])
    checkpoint = CheckpointAudit(
        CheckpointInfo(path, "tf1", 3, 4, 2, 100), (AuditLayer(name, 3, (), "missing"),), (finding,)
    )
    render_audit(AuditReport((checkpoint,), ()), console, verbose=True)
    text = buffer.getvalue()
    assert "\x1b" not in text
    assert text.count(shown) >= 6  # graph table and finding, trace table and finding, audit table and finding
    assert text.count("sweep[/a]/base.py") >= 5
    assert "train/[red]Adam" in text and "[bold]GradientDescent" in text


def test_findings_are_one_line_each_when_not_a_terminal() -> None:
    finding = Finding("BN201", Severity.ERROR, LONG, Location("model.meta", symbol="bn"), LONG)
    console, buffer = _plain(80)
    render_graph_args = (console, "model.meta", _graph("bn", "model.meta"), [finding])
    from bncheck.reporting.graph_text import render_graph, render_trace

    render_graph(*render_graph_args)
    render_trace(console, _trace("bn", "train.py", steps=3), [finding])
    lines = buffer.getvalue().splitlines()
    assert [line for line in lines if LONG.strip() in line and "BN201" in line] == [
        f"model.meta: BN201 error {LONG}"
    ] * 2
    assert [line for line in lines if "fix:" in line] == [f"    fix: {LONG}"] * 2


def test_trace_created_at_column_keeps_file_names_whole_at_80_columns() -> None:
    from bncheck.reporting.graph_text import render_trace

    path = "experiments/resnet50_imagenet_baseline/train_with_batchnorm.py"
    report = TraceReport(
        steps=4,
        train_ops=(TrainOpCount("GradientDescent", 4, SourceLine(path, 48)),),
        layers=tuple(
            LayerCount(
                f"resnet/block{i}/unit_1/bottleneck_v2/conv{i}/BatchNorm",
                "contrib",
                2,
                4,
                4,
                SourceLine(path, 40 + i),
            )
            for i in range(3)
        ),
    )
    console, buffer = _plain(80)
    render_trace(console, report, [])
    narrow = buffer.getvalue()
    assert [line for line in narrow.splitlines() if path in line][1:] == [
        f"    created at {path}:{40 + i}" for i in range(3)
    ]
    console, buffer = _plain(200)
    render_trace(console, report, [])
    rows = [line for line in buffer.getvalue().splitlines() if "│" in line]
    assert len(rows) == 3 and all(row.rstrip().endswith(f"{path}:{40 + i}") for i, row in enumerate(rows))


def test_counts_are_written_in_english() -> None:
    from bncheck.reporting.graph_text import render_graph, render_trace
    from bncheck.reporting.lint_text import summary_line

    assert summary_line([_finding()], 1) == (
        "bncheck: 1 finding (1 error) in 1 file; `bncheck explain CODE` explains one"
    )
    three = [_finding(), _finding(), _finding(Severity.WARNING)]
    assert summary_line(three, 2).startswith("bncheck: 3 findings (2 errors, 1 warning) in 2 files;")
    console, buffer = _plain(120)
    render_graph(console, "model.meta", _graph("bn", "model.meta"), [])
    render_trace(console, _trace("bn", "train.py", steps=1), [])
    text = buffer.getvalue()
    assert "model.meta: 1 BN layer, 1 train op\n" in text
    assert "bncheck trace: 1 training step\n" in text and ": 1 step\n" in text
    message = trace_findings(_trace("bn", "train.py", steps=1))[0].message
    assert "1 training step ran" in message and "2 moving-statistics update ops did not run in it" in message


def test_bare_bncheck_prints_help_on_stdout_and_exits_0(capsys) -> None:
    outcome = run_cli(capsys)
    assert outcome.code == 0 and outcome.stderr == ""
    assert outcome.stdout.startswith("Usage: bncheck") and "Commands:" in outcome.stdout


def test_quiet_and_output_file_and_output_format_alias(tmp_path: Path, capsys) -> None:
    (tmp_path / "train.py").write_text(SCRIPT, encoding="utf-8")
    quiet = run_cli(capsys, "lint", "-q", str(tmp_path))
    assert quiet.code == 1 and quiet.stderr == "" and quiet.stdout.count(" BN001 ") == 1
    report = tmp_path / "report.json"
    to_file = run_cli(
        capsys, "lint", "--output-format", "json", "-o", str(report), str(tmp_path / "train.py")
    )
    assert to_file.code == 1 and to_file.stdout == ""
    assert json.loads(report.read_text())["summary"]["findings"] == 1
    missing_folder = run_cli(capsys, "lint", "-o", str(tmp_path / "no" / "r.txt"), str(tmp_path))
    assert missing_folder.code == 2 and "no folder" in missing_folder.stderr
    never = run_cli(capsys, "lint", "--fail-on", "never", str(tmp_path))
    assert never.code == 0 and " BN001 " in never.stdout


def test_trace_of_a_program_that_is_not_python_says_so(capsys, tmp_path: Path) -> None:
    outcome = run_cli(capsys, "trace", "--", "ls")
    assert outcome.code == 2
    assert "ls: is a program (" in outcome.stderr and "not a Python script" in outcome.stderr
    shell = tmp_path / "run.sh"
    shell.write_text("#!/bin/sh\necho hi\n")
    outcome = run_cli(capsys, "trace", "--", "python", str(shell))
    assert outcome.code == 2 and "is not a Python script (its #! line runs /bin/sh)" in outcome.stderr


def test_every_finding_is_built_through_its_rule_in_the_registry() -> None:
    literal = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                values = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "code"]
                if any(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                    literal.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert literal == []
    assert registered("BN204").face == "trace"
    import bncheck.graph.rules
    import bncheck.trace.rules

    assert not hasattr(bncheck.graph.rules, "BN204") and bncheck.trace.rules.BN204.code == "BN204"


def test_json_members_of_each_command_come_from_the_reporting_layer() -> None:
    from bncheck.audit.model import AuditReport, BnLayer as AuditLayer, CheckpointAudit, CheckpointInfo
    from bncheck.audit.model import TensorStats
    from bncheck.reporting.json import audit_members, graph_members, trace_members

    stats = TensorStats("bn/moving_mean", 3, float("nan"), float("inf"), 3, 0, 0, False, False, "x")
    checkpoint = CheckpointAudit(
        CheckpointInfo("m.ckpt-3", "tf1", 3, 9, 2, 100),
        (AuditLayer("bn", 3, (("moving_mean", stats),), "invalid"),),
        (),
    )
    layer = audit_members(AuditReport((checkpoint,), ()))["checkpoints"][0]["layers"][0]
    assert layer["variables"]["moving_mean"] == {
        "key": "bn/moving_mean",
        "min": None,
        "max": None,
        "nan": 3,
        "inf": 0,
    }
    assert graph_members(_graph("bn", "m.meta"))["train_ops"] == ["train/[red]Adam"]
    assert trace_members(_trace("bn", "t.py"))["trace"]["layers"][0]["created_at"] == {
        "path": "t.py",
        "line": 7,
    }
    commands = (PACKAGE / "commands").glob("*.py")
    builders = re.compile(r"def _\w*(json|dict)\(")
    assert not [path.name for path in commands if builders.search(path.read_text(encoding="utf-8"))]
