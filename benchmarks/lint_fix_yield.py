"""What `apply --cfn-lint --unsafe-fixes` does to cfn-lint's findings on a folder, and what
`check --cfn-lint` costs beside cfn-lint alone.

    python benchmarks/lint_fix_yield.py [FOLDER ...] [--cfn-lint] [--speed] [--jobs N]

FOLDER defaults to ../shared/corpus. Every template is fixed in memory (nothing is written) with
the native rules, and with `--cfn-lint` also with the cfn-lint fixers; cfn-lint (in this process)
counts its findings before and after. Prints: templates with at least one cfn-lint error before
and after, errors and warnings by rule before and after, the rules left, every fix cfn-lint's
check rejected with its reason, and any template that gained a cfn-lint finding. `--speed` also
times `cfnfix check --cfn-lint` and `cfn-lint` on the same files, one command line each, side by
side (and `cfnfix check` without the flag).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402

from cfnfix.engine import fix_document, load  # noqa: E402
from cfnfix.lint.linter import LintFailed, Match, lint  # noqa: E402
from cfnfix.lint.verify import added  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def errors(matches: tuple[Match, ...]) -> Counter:
    return Counter(m.rule_id for m in matches if m.rule_id.startswith("E"))


def warnings(matches: tuple[Match, ...]) -> Counter:
    return Counter(m.rule_id for m in matches if m.rule_id.startswith("W"))


def table(before: Counter, after: Counter, title: str) -> list[str]:
    lines = [f"{title} by rule (before -> after):"]
    for rule in sorted(set(before) | set(after), key=lambda r: (-before[r], r)):
        lines.append(f"  {rule}  {before[rule]:5d} -> {after[rule]:5d}")
    lines.append(f"  all    {sum(before.values()):5d} -> {sum(after.values()):5d}")
    return lines


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--cfn-lint", action="store_true", help="fix with the cfn-lint fixers too")
    parser.add_argument("--speed", action="store_true", help="time check --cfn-lint beside cfn-lint")
    parser.add_argument("--jobs", type=int, default=1, help="processes for cfnfix in --speed")
    args = parser.parse_args()
    files = templates(*(Path(f) for f in args.folders))
    settings = Settings(cfn_lint=args.cfn_lint, unsafe_fixes=True)
    err_before, err_after, warn_before, warn_after = Counter(), Counter(), Counter(), Counter()
    with_errors = [0, 0]
    rejected, gained, failed = [], [], []
    applied = Counter()
    for path in files:
        doc = load(path.read_bytes(), str(path))
        try:
            before = lint(doc.text)
        except LintFailed as exc:
            failed.append(f"{path}: {exc.problem}")
            continue
        fixed = fix_document(doc, settings, str(path))
        if fixed.error is not None:
            failed.append(str(fixed.error))
            after = before
        else:
            after = lint(fixed.text)
        applied.update(f.code for f in fixed.applied)
        rejected += [f"{path}:{r.finding.line}:{r.finding.column}: {r.finding.code}: {r.reason}" for r in fixed.rejected]
        new = added(before, after)
        if new:
            gained.append(f"{path}: " + "; ".join(f"{m.rule_id} {m.message}" for m in new))
        err_before.update(errors(before))
        err_after.update(errors(after))
        warn_before.update(warnings(before))
        warn_after.update(warnings(after))
        with_errors[0] += bool(errors(before))
        with_errors[1] += bool(errors(after))
    mode = "apply --cfn-lint --unsafe-fixes" if args.cfn_lint else "apply --unsafe-fixes (native rules only)"
    print(f"{len(files)} templates in {', '.join(args.folders)}; {mode}, nothing written")
    print(f"templates with at least one cfn-lint error: {with_errors[0]} before, {with_errors[1]} after")
    print("\n".join(table(err_before, err_after, "cfn-lint errors")))
    print("\n".join(table(warn_before, warn_after, "cfn-lint warnings")))
    print("rules left: " + ", ".join(f"{r} {n}" for r, n in sorted((err_after + warn_after).items(),
                                                                    key=lambda x: (-x[1], x[0]))))
    print("fixes applied by code: " + ", ".join(f"{c} {n}" for c, n in sorted(applied.items())))
    print(f"fixes rejected by cfn-lint's check: {len(rejected)}")
    for line in rejected:
        print("  " + line)
    print(f"templates that gained a cfn-lint finding: {len(gained)}")
    for line in gained:
        print("  " + line)
    print(f"templates cfn-lint or cfnfix could not process: {len(failed)}")
    for line in failed:
        print("  " + line)
    if args.speed:
        paths = [str(p) for p in files]
        cfnfix = [sys.executable, "-m", "cfnfix.cli", "check", "--jobs", str(args.jobs)]
        timed([*cfnfix, *paths[:5]])  # warm-up: bytecode written, files in the page cache
        linted = timed([*cfnfix, "--cfn-lint", *paths])
        alone = timed([str(Path(sys.executable).parent / "cfn-lint"), *paths])
        plain = timed([*cfnfix, *paths])
        print(f"cfnfix check --cfn-lint --jobs {args.jobs}: {linted:8.2f} s")
        print(f"cfn-lint alone:                 {alone:8.2f} s")
        print(f"ratio:                          {linted / alone:8.2f} x   (budget: <= 1.2 x)")
        print(f"cfnfix check (no cfn-lint):     {plain:8.2f} s")


if __name__ == "__main__":
    main()
