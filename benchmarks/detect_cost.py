"""What each rule's detect costs over a corpus, beside bare parsing, in one warm process.

    python benchmarks/detect_cost.py [--corpus ../shared/corpus] [--rules CFX602,CFX7] [--rounds 5] [--profile]

Each rule's detect runs on a typed template of its own (made outside the timing), so a value a
rule caches on the template (``Template.derived``) is paid for by that rule, as in a check where
it is the first to ask; then its fixes are built, one Plan each (the engine's impact is not
counted). Prints, per rule, the best round's seconds of each, their share of bare parsing and the
number of findings; with ``--profile``, the functions the chosen rules' detect and fixes spend the
most time in (cProfile, one round).
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


def rule_seconds(rule: Rule, data: list[object]) -> tuple[float, float, int]:
    """(detect seconds, fix seconds, findings) of ``rule`` over every template, each typed afresh;
    a fix is built for each finding with a Plan of its own, as a report builds them."""
    fresh = [Template.from_data(d) for d in data]
    found: list[tuple[Template, list[Finding]]] = []
    start = time.perf_counter()
    for template in fresh:
        found.append((template, list(rule.detect(template))))
    detected = time.perf_counter() - start
    start = time.perf_counter()
    for template, findings in found:
        for finding in findings:
            rule.fix(finding, template, Plan(template))
    return detected, time.perf_counter() - start, sum(len(f) for _, f in found)


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

    detect = {rule.code: float("inf") for rule in rules}
    fix = dict(detect)
    findings: dict[str, int] = {}
    parse = float("inf")
    for _ in range(args.rounds + 1):  # the first round warms caches and imports
        parse = min(parse, bare_parse(files))
        for rule in rules:
            detected, fixed, findings[rule.code] = rule_seconds(rule, data)
            detect[rule.code] = min(detect[rule.code], detected)
            fix[rule.code] = min(fix[rule.code], fixed)
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
