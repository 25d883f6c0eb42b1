"""Hand triage of every `bncheck lint` finding on the real-world corpus repositories.

Two steps:

    # lint every repository of the manifests (materialized as bench/realworld/score.py does)
    python bench/realworld/triage_report.py run --out run.json MANIFEST ...
    # join a run with the verdicts in triage.toml: precision overall and per rule code
    python bench/realworld/triage_report.py report run.json [--triage triage.toml] [--untriaged]

A verdict in ``triage.toml`` is keyed by repository, commit, path, line and code; a finding
whose line moved is still matched by (repository, commit, path, code, the message's first 80
characters).  BN000 (not parsed) findings are counted but not triaged.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("true", "false", "unclear")


def load_score(path: Path):
    """The corpus scorer (materialize, run_lint, read_manifest), imported from its file."""
    spec = importlib.util.spec_from_file_location("realworld_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"triage: cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def repos_of(manifests: list[Path]) -> list[tuple[str, str, str]]:
    """(repo, commit, manifest name) of every [[repo]], in manifest order, without repeats."""
    seen: set[tuple[str, str]] = set()
    out = []
    for manifest in manifests:
        with manifest.open("rb") as handle:
            data = tomllib.load(handle)
        for repo in data.get("repo", []):
            key = (repo["repo"], repo["commit"])
            if key not in seen:
                seen.add(key)
                out.append((*key, manifest.name))
    return out


def cmd_run(args: argparse.Namespace) -> int:
    score = load_score(Path(args.score))
    bncheck = args.bncheck.split()
    runs = []
    for repo, commit, manifest in repos_of([Path(m) for m in args.manifests]):
        root = score.materialize(Path(args.mirror), Path(args.cache), repo, commit)
        if root is None:
            print(f"triage: no snapshot for {repo}", file=sys.stderr)
            runs.append({"repo": repo, "commit": commit, "manifest": manifest, "missing": True, "findings": []})
            continue
        found = score.run_lint(root, ["."], bncheck)
        runs.append(
            {
                "repo": repo,
                "commit": commit,
                "manifest": manifest,
                "root": str(root),
                "findings": [
                    {"path": f.path, "line": f.line, "code": f.code, "message": f.message} for f in found
                ],
            }
        )
        print(f"{repo}: {len(found)} finding(s)", file=sys.stderr)
    Path(args.out).write_text(json.dumps(runs, indent=1) + "\n")
    return 0


def read_triage(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("finding", [])
    for entry in entries:
        if entry.get("verdict") not in VERDICTS:
            raise SystemExit(f"triage: bad verdict {entry.get('verdict')!r} in {entry}")
    return entries


def match(runs: list[dict], entries: list[dict]) -> tuple[list[tuple[dict, dict, dict | None]], list[dict]]:
    """Each finding of the runs with its verdict (or None), and the verdicts no finding matched."""
    exact = {(e["repo"], e["commit"], e["path"], e["line"], e["code"]): e for e in entries}
    loose: dict[tuple, list[dict]] = defaultdict(list)
    for e in entries:
        loose[(e["repo"], e["commit"], e["path"], e["code"], e.get("message", "")[:80])].append(e)
    used: set[int] = set()
    joined = []
    pending = []
    for run in runs:
        for f in run["findings"]:
            key = (run["repo"], run["commit"], f["path"], f["line"], f["code"])
            entry = exact.get(key)
            if entry is not None and id(entry) not in used:
                used.add(id(entry))
                joined.append((run, f, entry))
            else:
                pending.append((run, f))
    for run, f in pending:
        candidates = loose.get((run["repo"], run["commit"], f["path"], f["code"], f["message"][:80]), [])
        entry = next((e for e in candidates if id(e) not in used), None)
        if entry is not None:
            used.add(id(entry))
        joined.append((run, f, entry))
    gone = [e for e in entries if id(e) not in used]
    return joined, gone


def precision(counts: Counter) -> str:
    t, f = counts["true"], counts["false"]
    return f"{t / (t + f):.3f}" if t + f else "  -  "


def cmd_report(args: argparse.Namespace) -> int:
    runs = json.loads(Path(args.run).read_text())
    entries = read_triage(Path(args.triage))
    joined, gone = match(runs, entries)
    total = Counter()
    per_code: dict[str, Counter] = defaultdict(Counter)
    untriaged = []
    for run, f, entry in joined:
        code = f["code"]
        per_code[code]["findings"] += 1
        total["findings"] += 1
        if code == "BN000":
            continue
        verdict = entry["verdict"] if entry else "untriaged"
        per_code[code][verdict] += 1
        total[verdict] += 1
        if entry is None:
            untriaged.append(f"{run['repo']}@{run['commit'][:10]}:{f['path']}:{f['line']}: {code} {f['message']}")
    repos = len(runs)
    print(f"{repos} repositories, {total['findings']} findings ({per_code['BN000']['findings']} BN000 not triaged)")
    header = f"{'code':<8} {'found':>6} {'true':>5} {'false':>6} {'unclear':>8} {'open':>5} {'precision':>10}"
    print(header)
    for code in sorted(per_code):
        c = per_code[code]
        if code == "BN000":
            print(f"{code:<8} {c['findings']:>6}   (parse errors, counted only)")
            continue
        print(
            f"{code:<8} {c['findings']:>6} {c['true']:>5} {c['false']:>6} {c['unclear']:>8}"
            f" {c['untriaged']:>5} {precision(c):>10}"
        )
    lint = total["findings"] - per_code["BN000"]["findings"]
    print(
        f"{'all':<8} {lint:>6} {total['true']:>5} {total['false']:>6} {total['unclear']:>8}"
        f" {total['untriaged']:>5} {precision(total):>10}"
    )
    if gone:
        print(f"\n{len(gone)} triaged finding(s) not in this run (gone or moved):")
        for e in gone:
            print(f"  {e['repo']}:{e['path']}:{e['line']}: {e['code']} [{e['verdict']}] {e.get('message', '')}")
    if args.untriaged and untriaged:
        print(f"\n{len(untriaged)} finding(s) not yet triaged:")
        for item in untriaged:
            print(f"  {item}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="lint every repository of the manifests, write the findings as JSON")
    run.add_argument("manifests", nargs="+")
    run.add_argument("--out", required=True)
    run.add_argument("--score", default=str(HERE / "score.py"), help="the corpus scorer to import")
    run.add_argument("--mirror", default="/work/.mirror")
    run.add_argument("--cache", default="/tmp/cache/bncheck-realworld")
    run.add_argument("--bncheck", default=f"{sys.executable} -m bncheck")
    run.set_defaults(func=cmd_run)
    report = sub.add_parser("report", help="precision of a run against the verdicts")
    report.add_argument("run")
    report.add_argument("--triage", default=str(HERE / "triage.toml"))
    report.add_argument("--untriaged", action="store_true", help="list the findings without a verdict")
    report.set_defaults(func=cmd_report)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
