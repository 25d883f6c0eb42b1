"""The lint engine: analyse each file (in parallel with ``-j``), then resolve project facts.

Which files are linted is ``bncheck.lint.files``' job.
"""

from __future__ import annotations

import gc
import io
import os
import tokenize
from dataclasses import dataclass, replace
from pathlib import Path

from bncheck.findings import Finding, Location, registered
from bncheck.lint import prefilter
from bncheck.errors import InputError
from bncheck.lint.config import LintConfig
from bncheck.lint.context import build_context
from bncheck.lint.files import collect_files
from bncheck.lint.noqa import noqa_lines, suppressed
from bncheck.lint.parse import Parsed, parse_source
from bncheck.lint.project import FileSummary, Project, project_root
from bncheck.lint.rulebase import LINT_RULES, Candidate


@dataclass(frozen=True)
class FileResult:
    """One file's candidates and summary, as a worker process returns them."""

    path: str
    summary: FileSummary
    candidates: tuple[Candidate, ...] = ()
    parsed: bool = False
    python2: bool = False  # parsed by the Python 2 grammar (bncheck.lint.parse)
    reported: bool = True  # False: a project file read only for what the reported files import or share


def _load_rules() -> None:
    import bncheck.lint.rules  # noqa: F401 - registers every lint rule


def decode_source(data: bytes) -> str:
    """Decode like Python does: a BOM or PEP 263 coding line, else UTF-8.

    Raises UnicodeDecodeError or SyntaxError.
    """
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def _syntax_finding(path: str, message: str, line: int | None = 1, column: int | None = 1) -> Finding:
    return registered("BN000").finding(
        message,
        Location(path, line or 1, column or 1),
        fix="fix the file so that Python can parse it; bncheck checked nothing in it",
    )


def _inference_script_runs(path: str, data: bytes) -> bool:
    """``semantics.runs_inference_script`` for a file the pre-filter skips (bytes and name first: cheap)."""
    if b".run(" not in data:
        return False
    from bncheck.lint import semantics

    if not (b".restore(" in data or semantics.named_for_inference(path)):
        return False
    return semantics.runs_inference_script(path, data.decode("utf-8", "replace"))


def analyze_source(path: str, data: bytes, options: dict) -> FileResult:
    """Analyse one file's bytes: candidates of every enabled rule, and the file's project summary."""
    imports = prefilter.scan_imports(data)
    relevant = prefilter.may_hold_findings(data)
    if options.get("prefilter", True) and not relevant:
        return FileResult(path, FileSummary(path, imports, evaluates=_inference_script_runs(path, data)))
    # a file that cannot hold a finding is not reported as unparsable either, so that the
    # pre-filter never changes the results (other linters report its syntax errors)
    if not relevant:
        try:
            source = decode_source(data)
            parsed = parse_source(source, path)
        except (SyntaxError, LookupError, ValueError, RecursionError, MemoryError):  # ValueError: decoding
            return FileResult(path, FileSummary(path, imports), parsed=True)
        return _analyze_tree(path, source, parsed, imports, options)
    try:
        source = decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as error:
        finding = _syntax_finding(path, f"cannot decode the file: {error}")
        return FileResult(path, FileSummary(path, imports), (Candidate(finding),))
    try:
        parsed = parse_source(source, path)
    except SyntaxError as error:
        finding = _syntax_finding(path, f"syntax error: {error.msg}", error.lineno, error.offset)
        return FileResult(path, FileSummary(path, imports), (Candidate(finding),))
    except (ValueError, RecursionError, MemoryError) as error:
        finding = _syntax_finding(path, f"cannot parse the file: {type(error).__name__}: {error}")
        return FileResult(path, FileSummary(path, imports), (Candidate(finding),))
    try:
        return _analyze_tree(path, source, parsed, imports, options)
    except RecursionError:
        finding = _syntax_finding(path, "the file is nested too deeply to analyse")
        return FileResult(path, FileSummary(path, imports), (Candidate(finding),))


def _analyze_tree(path: str, source: str, parsed: Parsed, imports, options: dict) -> FileResult:
    from bncheck.lint import semantics
    from bncheck.lint.rules.bn007_unused_stat_assign import stat_updaters
    from bncheck.lint.rules.bn011_keras_bn_update_ops import runs_layer_updates

    _load_rules()
    context = build_context(path, source, parsed.tree, options)
    enabled = options.get("enabled")
    candidates: list[Candidate] = []
    for code, rule in LINT_RULES.items() if not options.get("summary_only") else ():
        if enabled is not None and code not in enabled:
            continue
        candidates.extend(rule.check(context))
    noqa = noqa_lines(source) if candidates else None
    if noqa:
        candidates = [c for c in candidates if not suppressed(c.finding.code, c.finding.location.line, noqa)]
    wrapped = semantics.wrapped_functions(context) if "control_dependencies" in source else frozenset()
    summary = FileSummary(
        path=path,
        imports=imports,
        update_bn=bool(semantics.update_bn_producers(context)),
        any_bn=semantics.keeps_moving_stats(context),
        update_ops_idiom=(
            bool(semantics.update_ops_reads(context))
            and semantics.is_graph_mode(context)
            and not runs_layer_updates(context)
        ),
        bn_functions=frozenset(semantics.update_bn_functions(context)),
        update_bn_outside_functions=semantics.update_bn_outside_functions(context),
        used_names=semantics.used_names(context),
        keras_bn_factories=frozenset(semantics.bn_factories(context)),
        wrapped_functions=wrapped,
        evaluates=semantics.runs_evaluation(context) or semantics.runs_inference_script(path, source),
        always_training_bn=semantics.always_training_bn(context),
        training_bn_helpers=frozenset(semantics.training_bn_helpers(context)),
        if_tested_parameters=frozenset(semantics.if_tested_parameters(context)),
        training_parameters=frozenset(semantics.training_parameters(context)),
        stat_updaters=frozenset(stat_updaters(context)),
        bn_switches=frozenset(semantics.bn_switches(context)),
        any_bn_functions=frozenset(semantics.any_bn_functions(context)),
        any_bn_outside_functions=semantics.any_bn_outside_functions(context),
        any_bn_switches=frozenset(semantics.bn_switches(context, any_bn=True)),
        call_shapes=frozenset(semantics.call_shapes(context) if semantics.imports_other(imports) else ()),
    )
    return FileResult(path, summary, tuple(candidates), parsed=True, python2=parsed.python2)


def analyze_file(path: str, options: dict) -> FileResult:
    """Read and analyse one file; an unreadable file becomes a BN000 finding."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        finding = _syntax_finding(path, f"cannot read the file: {error.strerror or error}")
        return FileResult(path, FileSummary(path), (Candidate(finding),))
    return analyze_source(path, data, options)


def unreadable_folder_results(errors: list[OSError]) -> list[FileResult]:
    """One BN000 finding for each folder that could not be listed: its files were not checked."""
    results = []
    for error in errors:
        folder = str(error.filename) if error.filename is not None else "."
        finding = _syntax_finding(folder, f"cannot read the folder: {error.strerror or error}")
        finding = replace(finding, fix="make the folder readable; bncheck checked nothing in it")
        results.append(FileResult(folder, FileSummary(folder), (Candidate(finding),)))
    return results


def options_for(config: LintConfig) -> dict:
    """The plain options every worker needs."""
    _load_rules()
    # per-file ignores are applied after the run: a rule ignored only for some files still runs
    enabled = {code for code in LINT_RULES if config.enabled(code)}
    return {
        "enabled": frozenset(enabled),
        "target_version": config.target_version,
        "bn010_selected": config.explicitly_selected("BN010"),
        "prefilter": config.prefilter,
    }


# below this many files a run takes well under a second and worker processes would cost more than they save
AUTO_PARALLEL_FILES = 100


def analyze_all(files: list[str], options: dict, jobs: int | None) -> list[FileResult]:
    """Analyse every file, in ``jobs`` processes when there are enough files to pay for them.

    ``jobs=0``: one process per CPU; ``None`` (the default): the same from ``AUTO_PARALLEL_FILES``
    files on, one process below.
    """
    if jobs is None:
        jobs = 0 if len(files) >= AUTO_PARALLEL_FILES else 1
    if jobs <= 0:
        jobs = os.cpu_count() or 1
    # Each file's tree is freed by reference counting when its analysis ends; the cyclic
    # collector would only rescan millions of live AST nodes (it doubles the parse time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if jobs == 1 or len(files) < 8:
            return [analyze_file(path, options) for path in files]
        import multiprocessing  # here: a one-file run should not pay for the process pool's import
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        # small chunks: relevant files cluster in a few folders, and the last big chunk left one worker idle
        chunk = max(1, len(files) // (jobs * 32))
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                return list(pool.map(_analyze_one, [(path, options) for path in files], chunksize=chunk))
        except (OSError, NotImplementedError):
            # no process pool here (no /dev/shm, no fork in a sandbox): one process, same results
            return [analyze_file(path, options) for path in files]
    finally:
        if collecting:
            gc.enable()


def _analyze_one(arguments: tuple[str, dict]) -> FileResult:
    return analyze_file(*arguments)


# a project root bigger than this is not walked further for context (a home folder with a .git)
MAX_CONTEXT_FILES = 20_000


def analyze_project(
    paths: list[Path], files: list[str], options: dict, config: LintConfig
) -> tuple[list[FileResult], tuple[str, ...]]:
    """Analyse ``files`` (the reported ones) and what they need from the rest of their projects.

    As a type checker does, the project root of every path is found (``project.project_root``)
    and its other Python files are read too, so that ``bncheck lint train.py`` sees the BN layers
    of an unchanged ``model.py``: when a reported file has candidates that wait on project facts,
    every file's imports (from its bytes), then a summary of each file that can change a fact
    about such a file (``Project.neighbourhood``).  Returns the results (the others with
    ``reported=False`` and no candidates) and the project roots.
    """
    roots = tuple(dict.fromkeys(str(project_root(path)) for path in paths))
    results = analyze_all(files, options, config.jobs)
    # only candidates that wait on project facts depend on other files: without one, nothing to read
    waiting = {
        result.path: {fact for c in result.candidates for fact in (*c.requires, *c.any_of)}
        for result in results
    }
    waiting = {path: facts for path, facts in waiting.items() if facts}
    if not waiting:
        return results, roots
    reported = {os.path.abspath(path) for path in files}
    given_folders = [os.path.join(os.path.abspath(path), "") for path in paths if os.path.isdir(path)]
    others: list[str] = []
    for root in roots:
        if any(os.path.join(root, "").startswith(folder) for folder in given_folders):
            continue  # walked already: the root is a given folder or inside one
        for path in _context_files(Path(root), config):
            key = os.path.abspath(path)
            if key not in reported:
                reported.add(key)  # once, even where two roots overlap
                others.append(str(path))
            if len(others) >= MAX_CONTEXT_FILES:
                break
    if not others:
        return results, roots
    imports: dict[str, tuple] = {}
    for path in others:
        try:
            imports[path] = prefilter.scan_imports(Path(path).read_bytes())
        except OSError:
            continue  # gone or unreadable: it is not part of the project any more
    project = Project(
        [result.summary for result in results] + [FileSummary(path, imp) for path, imp in imports.items()],
        roots,
    )
    needed = frozenset().union(*(project.reads(path, facts) for path, facts in waiting.items()))
    context_options = {**options, "summary_only": True}
    wanted = [path for path in imports if os.path.abspath(path) in needed]
    summaries = {
        result.path: result for result in analyze_all(wanted, context_options, config.jobs if wanted else 1)
    }
    for path, found in imports.items():
        result = summaries.get(path)
        results.append(
            FileResult(path, result.summary if result else FileSummary(path, found), reported=False)
        )
    return results, roots


def _context_files(root: Path, config: LintConfig) -> list[Path]:
    """The Python files of a project root, as ``bncheck lint ROOT`` would find them."""
    try:
        return collect_files([root], config)
    except (InputError, OSError):
        return []  # the root went away or cannot be read: lint what was given


def resolve(results: list[FileResult], config: LintConfig, roots: tuple[str, ...] = ()) -> list[Finding]:
    """Keep the candidates whose project conditions hold and whose codes are enabled; sorted, unique.

    Only the ``reported`` results' candidates are kept; the others are there for their summaries.
    """
    project = Project([result.summary for result in results], roots)
    findings: dict[tuple, Finding] = {}
    for result in results:
        if not result.reported:
            continue
        for candidate in result.candidates:
            finding = candidate.finding
            if finding.code == "BN000":
                # a file that was not checked is reported whatever the selection, unless ignored by name
                if "BN000" in config.ignore:
                    continue
            elif not config.enabled(finding.code, result.path):
                continue
            if candidate.requires or candidate.any_of:
                if not project.accepts(result.path, candidate):
                    continue
            location = finding.location
            findings.setdefault((location.path, location.line, location.column, finding.code), finding)
    return sorted(
        findings.values(),
        key=lambda f: (f.location.path, f.location.line or 0, f.location.column or 0, f.code),
    )
