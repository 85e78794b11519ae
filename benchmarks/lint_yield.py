"""What `cfnfix apply --unsafe-fixes` does to cfn-lint's findings, on copies of a folder's templates.

    python benchmarks/lint_yield.py FOLDER [--cfn-lint] [--json]

Copies FOLDER to a temporary folder, runs cfn-lint (in this process, through `cfnlint.api`) on
every template, runs `cfnfix apply --unsafe-fixes` on the copy, and runs cfn-lint again. Prints
the templates with at least one cfn-lint error before and after, and per cfn-lint rule the
findings removed and added (compared by rule, path and message, value lists in messages
collapsed), and the cfn-lint rules left after it. With `--cfn-lint` the fix run is `cfnfix apply
--cfn-lint --unsafe-fixes`: cfn-lint's own findings fixed too. FOLDER is never written.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402

# "... is not one of ['a', 'b']" grows when a fix adds a parameter: the list is not the finding
_LIST = re.compile(r"\[[^\[\]]*\]")

Finding = tuple[str, str, str]  # rule id, path, message with value lists collapsed


def collapse(message: str) -> str:
    previous = None
    while previous != message:
        previous, message = message, _LIST.sub("[...]", message)
    return message


def lint(text: str) -> set[Finding]:
    from cfnlint.api import lint as cfn_lint

    return {(m.rule.id, "/".join(str(p) for p in getattr(m, "path", None) or ()), collapse(m.message))
            for m in cfn_lint(text)}


def measure(folder: Path, jobs: int = os.cpu_count() or 1, cfn_lint: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copy"
        # files only, not their modes: the copies must be writable even where FOLDER is not
        shutil.copytree(folder, copy, symlinks=False, copy_function=shutil.copyfile)
        files = templates(copy)
        texts = {p: p.read_text(encoding="utf-8") for p in files}
        with ProcessPoolExecutor(jobs) as pool:
            before = dict(zip(files, pool.map(lint, [texts[p] for p in files], chunksize=4)))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        command = [sys.executable, "-m", "cfnfix.cli", "apply", "--unsafe-fixes", "--only-templates"]
        command += ["--cfn-lint"] if cfn_lint else []
        applied = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, env=env, cwd=scratch)
        # a template apply left as it was keeps its findings: only the rewritten ones are linted again
        rewritten = [p for p in files if p.read_text(encoding="utf-8") != texts[p]]
        with ProcessPoolExecutor(jobs) as pool:
            after = {**before, **dict(zip(rewritten, pool.map(lint, [p.read_text(encoding="utf-8") for p in rewritten],
                                                              chunksize=2)))}
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    added_where: dict[str, list[str]] = {}
    for path in files:
        for rule, *_ in before[path] - after[path]:
            removed[rule] += 1
        for rule, where, _ in after[path] - before[path]:
            added[rule] += 1
            added_where.setdefault(rule, []).append(f"{path.relative_to(copy)}: {where}")
    with_error = lambda lints: sum(1 for found in lints.values() if any(r.startswith("E") for r, _, _ in found))  # noqa: E731
    return {
        "templates": len(files),
        "rewritten": len(rewritten),
        "cfnfix_exit": applied.returncode,
        "with_error_before": with_error(before),
        "with_error_after": with_error(after),
        "findings_before": sum(len(f) for f in before.values()),
        "findings_after": sum(len(f) for f in after.values()),
        "errors_before": sum(1 for f in before.values() for r, _, _ in f if r.startswith("E")),
        "errors_after": sum(1 for f in after.values() for r, _, _ in f if r.startswith("E")),
        "removed": dict(sorted(removed.items())),
        "added": dict(sorted(added.items())),
        "added_where": added_where,
        "left": dict(sorted(Counter(rule for found in after.values() for rule, _, _ in found).items())),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--cfn-lint", action="store_true", help="fix with `apply --cfn-lint` (cfn-lint's findings too)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cfn-lint processes")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"lint_yield: {args.folder}: not a folder", file=sys.stderr)
        return 2
    figures = measure(args.folder, args.jobs, args.cfn_lint)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"templates: {figures['templates']}, rewritten by cfnfix: {figures['rewritten']} "
          f"(cfnfix apply exit {figures['cfnfix_exit']})")
    print(f"templates with >= 1 cfn-lint error: {figures['with_error_before']} before, "
          f"{figures['with_error_after']} after")
    print(f"cfn-lint errors: {figures['errors_before']} before, {figures['errors_after']} after; "
          f"all findings: {figures['findings_before']} before, {figures['findings_after']} after")
    print("\n| cfn-lint rule | removed | added |\n|---|---|---|")
    for rule in sorted(set(figures["removed"]) | set(figures["added"])):
        print(f"| {rule} | {figures['removed'].get(rule, 0)} | {figures['added'].get(rule, 0)} |")
    print("rules left: " + (", ".join(f"{rule} {n}" for rule, n in figures["left"].items()) or "none"))
    for rule, places in figures["added_where"].items():
        for place in places:
            print(f"added {rule}: {place}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
