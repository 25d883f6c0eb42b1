"""Score `bncheck lint` on the hand-labelled real-world corpus (bench/realworld/manifest-*.toml).

For every repository of the chosen split, the ``*.py`` files at the recorded commit are
materialized from its fetched snapshot (a git directory under ``--mirror``) into a cache
folder outside this repository, ``bncheck lint --format json`` runs on the whole
repository, and each finding's code is mapped to a label.  A labelled file scores per
label: a finding of the label's codes in a file labelled true is a TP, none is a FN; a
finding in a file labelled false or "na" is a FP.  ``--per-file`` also lints every
labelled file alone (inside its materialized repository, as a pre-commit hook would) and
lists each difference from the whole-repository run.

    .venv/bin/python bench/realworld/score.py --split tune [MANIFEST_OR_DIR ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
LABEL_CODES: dict[str, tuple[str, ...]] = {
    "missing_update_ops": ("BN001", "BN007", "BN011"),
    "updates_read_early": ("BN002",),
    "trainable_only_saver": ("BN003",),
    "training_flag": ("BN004", "BN006", "BN008", "BN009"),
    "frozen_decay": ("BN005",),
}
SPLITS = ("tune", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "all")
CODE_LABEL = {code: label for label, codes in LABEL_CODES.items() for code in codes}
# the targets are stated for these groups of labels
GROUPS: dict[str, tuple[str, ...]] = {
    "update+saver": ("missing_update_ops", "updates_read_early", "trainable_only_saver"),
    "training_flag": ("training_flag",),
}


@dataclass(frozen=True)
class LabelledFile:
    repo: str
    commit: str
    split: str
    path: str  # inside the repository, POSIX
    labels: dict[str, object]
    lines: dict[str, list[int]]
    why: dict[str, str]
    manifest: str


@dataclass(frozen=True)
class FoundFinding:
    path: str  # inside the repository, POSIX
    line: int
    code: str
    message: str


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    false_positives: list[str] = field(default_factory=list)
    false_negatives: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def find_manifests(given: list[str]) -> list[Path]:
    """The manifests named, or found in the folders named (default: this folder)."""
    paths: list[Path] = []
    for item in given or [str(HERE)]:
        path = Path(item)
        if path.is_dir():
            paths += sorted(path.glob("manifest-*.toml"))
        elif path.is_file():
            paths.append(path)
        else:
            raise SystemExit(f"score: no such manifest or folder: {item}")
    if not paths:
        raise SystemExit("score: no bench/realworld/manifest-*.toml found; name the manifests to score")
    return paths


def read_manifest(path: Path) -> list[LabelledFile]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    files = []
    for repo in data.get("repo", []):
        where = f"{path.name}: {repo.get('repo', '?')}"
        if repo.get("split", "tune") not in SPLITS[:-1]:
            raise SystemExit(f"score: {where}: unknown split {repo.get('split')!r}")
        if len(str(repo.get("commit", ""))) != 40:
            raise SystemExit(f"score: {where}: the commit must be 40 hex digits")
        for entry in repo.get("file", []):
            labels = {label: entry[label] for label in LABEL_CODES if label in entry}
            for label, value in labels.items():
                if value not in (True, False, "na"):
                    raise SystemExit(f"score: {where}:{entry.get('path')}: {label} = {value!r}, not true, false or \"na\"")
                if value is True and not entry.get("lines", {}).get(label):
                    raise SystemExit(f"score: {where}:{entry.get('path')}: {label} is true without its evidence lines")
            files.append(
                LabelledFile(
                    repo=repo["repo"],
                    commit=repo["commit"],
                    split=repo.get("split", "tune"),
                    path=PurePosixPath(entry["path"]).as_posix(),
                    labels=labels,
                    lines={k: list(v) for k, v in entry.get("lines", {}).items()},
                    why=dict(entry.get("why", {})),
                    manifest=path.name,
                )
            )
    return files


def git_dir(mirror: Path, repo: str) -> Path | None:
    """The snapshot's git directory: ``<mirror>/<owner>+<name>/repo`` (bare, or with a ``.git``),
    or the folder itself."""
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo", base / "repo" / ".git", base, base / ".git"):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def materialize(mirror: Path, cache: Path, repo: str, commit: str) -> Path | None:
    """The repository's ``*.py`` files at ``commit`` under the cache (written once); None if no snapshot."""
    target = cache / repo.replace("/", "+") / commit
    if (target / ".materialized").is_file():
        (target / ".git").mkdir(exist_ok=True)
        return target
    source = git_dir(mirror, repo)
    if source is None:
        return None
    listing = subprocess.run(
        ["git", "--git-dir", str(source), "ls-tree", "-r", "-z", commit],
        capture_output=True,
        check=True,
    ).stdout
    blobs: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        # plain files only (no links, no submodules), and nothing that could leave the folder
        if kind != b"blob" or mode not in (b"100644", b"100755") or not path.endswith(".py"):
            continue
        if any(part in ("", ".", "..") for part in path.split("/")):
            continue
        blobs.append((sha.decode(), path))
    target.mkdir(parents=True, exist_ok=True)
    batch = subprocess.run(
        ["git", "--git-dir", str(source), "cat-file", "--batch"],
        input="".join(f"{sha}\n" for sha, _ in blobs).encode(),
        capture_output=True,
        check=True,
    ).stdout
    offset = 0
    for _, path in blobs:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        content = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
    # a clone's marker: a file linted alone (``--per-file``, a pre-commit hook) finds its project's
    # root there, as in a checkout, though only the ``*.py`` files are written
    (target / ".git").mkdir(exist_ok=True)
    (target / ".materialized").write_text(f"{repo} {commit}\n")
    return target


def run_lint(root: Path, paths: list[str], bncheck: list[str]) -> list[FoundFinding]:
    """``bncheck lint --format json`` on ``paths`` inside ``root``; paths come back relative to it."""
    command = [*bncheck, "lint", "--format", "json", "--exit-zero", *paths]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"score: `{' '.join(command)}` in {root} failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout)
    found = []
    for item in report["findings"]:
        path = Path(item["path"])
        if path.is_absolute():
            path = path.resolve().relative_to(root.resolve())
        relative = PurePosixPath(os.path.normpath(path)).as_posix()
        found.append(FoundFinding(relative, item["line"] or 0, item["code"], item["message"]))
    return found


def score(files: list[LabelledFile], findings: dict[str, list[FoundFinding]]) -> dict[str, Tally]:
    """Per-label tallies over the labelled files (``findings`` keyed by ``repo@commit:path``)."""
    tallies = {label: Tally() for label in LABEL_CODES}
    for entry in files:
        here = findings.get(f"{entry.repo}@{entry.commit}:{entry.path}", [])
        for label, value in entry.labels.items():
            hits = [f for f in here if f.code in LABEL_CODES[label]]
            tally = tallies[label]
            where = f"{entry.repo}:{entry.path}"
            if value is True:
                if hits:
                    tally.tp += 1
                else:
                    tally.fn += 1
                    lines = ",".join(map(str, entry.lines.get(label, []))) or "?"
                    tally.false_negatives.append(f"{where}:{lines}  {entry.why.get(label, '')}")
            elif hits:
                tally.fp += 1
                for hit in hits:
                    tally.false_positives.append(
                        f"{where}:{hit.line}: {hit.code} (labelled {value!r}) {hit.message}"
                        + (f"\n      label why: {entry.why[label]}" if label in entry.why else "")
                    )
            else:
                tally.tn += 1
    return tallies


def render(tallies: dict[str, Tally]) -> str:
    rows = [f"{'label':<22} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4} {'precision':>10} {'recall':>8}"]

    def row(name: str, tally: Tally) -> str:
        return (
            f"{name:<22} {tally.tp:>4} {tally.fp:>4} {tally.fn:>4} {tally.tn:>4}"
            f" {tally.precision:>10.3f} {tally.recall:>8.3f}"
        )

    for label, tally in tallies.items():
        rows.append(row(label, tally))
    for group, labels in GROUPS.items():
        parts = [tallies[label] for label in labels]
        total = Tally(
            sum(t.tp for t in parts),
            sum(t.fp for t in parts),
            sum(t.fn for t in parts),
            sum(t.tn for t in parts),
        )
        rows.append(row(f"[{group}]", total))
    return "\n".join(rows)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(tempfile.gettempdir(), "cache")
    return Path(base) / "bncheck-realworld"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("manifests", nargs="*", help="manifest files or folders holding manifest-*.toml")
    parser.add_argument("--mirror", default="/work/.mirror", help="folder of fetched snapshots (git dirs)")
    parser.add_argument(
        "--cache", default=str(default_cache()), help="where the repositories are materialized"
    )
    parser.add_argument("--split", choices=SPLITS, default="tune")
    parser.add_argument("--per-file", action="store_true", help="also lint each labelled file alone and diff")
    parser.add_argument("--bncheck", default=f"{sys.executable} -m bncheck", help="the bncheck command")
    parser.add_argument("--json", dest="json_out", help="write the tallies as JSON to this file")
    parser.add_argument("--quiet", action="store_true", help="no FP/FN listing")
    args = parser.parse_args(argv)

    mirror, cache = Path(args.mirror), Path(args.cache).resolve()
    if str(cache).startswith(str(HERE.parent.parent.resolve()) + os.sep):
        raise SystemExit("score: the cache must be outside this repository (fetched code is never committed)")
    bncheck = args.bncheck.split()
    files = [
        entry
        for manifest in find_manifests(args.manifests)
        for entry in read_manifest(manifest)
        if args.split == "all" or entry.split == args.split
    ]
    by_repo: dict[tuple[str, str], list[LabelledFile]] = defaultdict(list)
    for entry in files:
        by_repo[(entry.repo, entry.commit)].append(entry)

    findings: dict[str, list[FoundFinding]] = defaultdict(list)
    scored: list[LabelledFile] = []
    missing: list[str] = []
    unparsed: list[tuple[str, FoundFinding]] = []
    differences: list[str] = []
    for (repo, commit), entries in sorted(by_repo.items()):
        root = materialize(mirror, cache, repo, commit)
        if root is None:
            missing.append(repo)
            continue
        scored += entries
        whole = run_lint(root, ["."], bncheck)
        for finding in whole:
            findings[f"{repo}@{commit}:{finding.path}"].append(finding)
            if finding.code == "BN000":
                unparsed.append((f"{repo}@{commit}", finding))
        if args.per_file:
            for entry in entries:
                alone = {
                    (f.line, f.code) for f in run_lint(root, [entry.path], bncheck) if f.path == entry.path
                }
                together = {(f.line, f.code) for f in whole if f.path == entry.path}
                for line, code in sorted(alone - together):
                    differences.append(f"{repo}:{entry.path}:{line}: {code} only when linted alone")
                for line, code in sorted(together - alone):
                    differences.append(f"{repo}:{entry.path}:{line}: {code} only in the whole-repository run")

    tallies = score(scored, findings)
    repos = len({entry.repo for entry in scored})
    print(f"bncheck lint, real-world corpus, split {args.split}: {len(scored)} files, {repos} repositories")
    print(render(tallies))
    if missing:
        print(f"\nnot scored (no snapshot under {mirror}): {', '.join(sorted(set(missing)))}")
    labelled_paths = {f"{entry.repo}@{entry.commit}:{entry.path}" for entry in scored}
    labelled = [(repo, f) for repo, f in unparsed if f"{repo}:{f.path}" in labelled_paths]
    print(f"\nBN000 (not analysed): {len(unparsed)} file(s) in the repositories, {len(labelled)} labelled")
    for repo, finding in labelled:
        print(f"  {repo}:{finding.path}:{finding.line}: {finding.message}")
    if not args.quiet:
        for label, tally in tallies.items():
            if tally.false_positives or tally.false_negatives:
                print(f"\n== {label}")
                for item in tally.false_positives:
                    print(f"  FP {item}")
                for item in tally.false_negatives:
                    print(f"  FN {item}")
    if args.per_file:
        print(f"\nper-file runs: {len(differences)} difference(s) from the whole-repository run")
        for item in differences:
            print(f"  {item}")
    if args.json_out:
        payload = {
            "split": args.split,
            "files": len(scored),
            "repositories": repos,
            "labels": {
                label: {
                    "tp": t.tp,
                    "fp": t.fp,
                    "fn": t.fn,
                    "tn": t.tn,
                    "precision": round(t.precision, 3),
                    "recall": round(t.recall, 3),
                }
                for label, t in tallies.items()
            },
            "per_file_differences": differences if args.per_file else None,
        }
        Path(args.json_out).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
