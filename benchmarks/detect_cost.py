"""What each rule's detect costs over a corpus, beside bare parsing, in one warm process.

    python benchmarks/detect_cost.py [--corpus ../shared/corpus] [--rules CFX602,CFX7] [--rounds 5] [--profile]

Each rule's detect runs on a typed template of its own (made outside the timing), so a value a
rule caches on the template (``Template.derived``) is paid for by that rule, as in a check where
it is the first to ask (a value several rules share, such as ``graph.contents``, is paid for by
each of them here: the rows add up to more than a check's detect); then its fixes are built, one Plan each (the engine's impact is not
counted). Each template's best round counts (see ``best``). Prints, per rule, the seconds of
each, their share of bare parsing and the number of findings; with ``--profile``, the functions
the chosen rules' detect and fixes spend the most time in (cProfile, one round).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402
from run import bare_parse  # noqa: E402

from cfnfix.model.template import Template  # noqa: E402
from cfnfix.parse.document import parse_bytes  # noqa: E402
from cfnfix.kit import Plan  # noqa: E402
from cfnfix.rule import Finding, Rule  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402


def rule_seconds(rule: Rule, data: list[object]) -> tuple[list[float], list[float], int]:
    """(detect seconds, fix seconds) per template, and the number of findings, of ``rule`` over
    every template, each typed afresh; a fix is built for each finding with a Plan of its own, as
    a report builds them."""
    detect, fix, found = [], [], 0
    for template in [Template.from_data(d) for d in data]:
        start = time.perf_counter()
        findings = list(rule.detect(template))
        middle = time.perf_counter()
        for finding in findings:
            rule.fix(finding, template, Plan(template))
        detect.append(middle - start)
        fix.append(time.perf_counter() - middle)
        found += len(findings)
    return detect, fix, found


def parse_seconds(files: list[tuple[Path, bytes]]) -> list[float]:
    """Bare parsing's seconds per file."""
    return [bare_parse([file]) for file in files]


def best(rounds: list[list[float]]) -> float:
    """The sum over templates of each one's best round: a round another process interrupted
    costs only the templates it interrupted, so the figures hold on a busy machine too."""
    return sum(min(times) for times in zip(*rounds))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rules", default="", help="rule code prefixes to time (default: every rule)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print where the chosen rules' detect spends its time")
    args = parser.parse_args(argv)
    files = [(p, p.read_bytes()) for p in templates(Path(args.corpus))]
    data = [parse_bytes(raw, path.name).data for path, raw in files]
    prefixes = tuple(c.strip() for c in args.rules.split(",") if c.strip())
    rules = [r for r in Settings().rule_instances() if not prefixes or r.code.startswith(prefixes)]

    detect_rounds: dict[str, list[list[float]]] = {rule.code: [] for rule in rules}
    fix_rounds: dict[str, list[list[float]]] = {rule.code: [] for rule in rules}
    findings: dict[str, int] = {}
    parse_rounds = []
    for round_number in range(args.rounds + 1):
        parsed = parse_seconds(files)
        for rule in rules:
            detected, fixed, findings[rule.code] = rule_seconds(rule, data)
            if round_number:  # the first round warms caches and imports
                detect_rounds[rule.code].append(detected)
                fix_rounds[rule.code].append(fixed)
        if round_number:
            parse_rounds.append(parsed)
    parse = best(parse_rounds)
    detect = {code: best(rounds) for code, rounds in detect_rounds.items()}
    fix = {code: best(rounds) for code, rounds in fix_rounds.items()}
    print(f"corpus: {len(files)} templates; bare parse {parse:.3f} s")
    print("| rule | detect s | x bare parse | fixes s | x bare parse | findings |")
    print("|---|---|---|---|---|---|")
    for rule in sorted(rules, key=lambda r: -detect[r.code] - fix[r.code]):
        code = rule.code
        print(f"| {code} {rule.name} | {detect[code]:.3f} | {detect[code] / parse:.2f} | {fix[code]:.3f} | "
              f"{fix[code] / parse:.2f} | {findings[code]} |")
    all_detect, all_fix = sum(detect.values()), sum(fix.values())
    print(f"| all | {all_detect:.3f} | {all_detect / parse:.2f} | {all_fix:.3f} | {all_fix / parse:.2f} | "
          f"{sum(findings.values())} |")
    if args.profile:
        profiler = cProfile.Profile()
        fresh = [Template.from_data(d) for d in data]
        profiler.enable()
        for rule in rules:
            for template in fresh:
                for finding in list(rule.detect(template)):
                    rule.fix(finding, template, Plan(template))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
