"""Where a warm corpus `check` spends its time, stage by stage, beside bare parsing.

    python benchmarks/stages.py [--corpus ../shared/corpus] [--rounds 9]

Each file goes through the stages of ``engine.check_document`` in order, each timed, with the
garbage collector paused for the file as `cfnfix check` pauses it (``runner.collector_paused``):
cfnfix's parse, the typed template, the rules' detect, the order of the findings, their fixes
(each with a Plan of its own, as a report builds them), the impact of the safe ones (with the
copies that attach it), the findings' positions, and the check for edits through YAML anchors.
Bare parsing (libyaml compose / json.loads) runs as a plain parser would, collector on. Each
figure is the sum over files of the file's best round, so a round another process interrupted
costs only the files it interrupted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402
from run import bare_parse  # noqa: E402

from cfnfix import engine  # noqa: E402
from cfnfix import pointer as jp  # noqa: E402
from cfnfix.kit import Plan  # noqa: E402
from cfnfix.model.template import Template  # noqa: E402
from cfnfix.parse.document import parse_bytes  # noqa: E402
from cfnfix.runner import collector_paused  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402

STAGES = ("cfnfix parse", "typed template", "rules' detect", "order of the findings", "fixes",
          "impact of safe fixes", "positions", "anchor check")


def staged_check(path: Path, raw: bytes, settings: Settings) -> dict[str, float]:
    """One file's check, as ``engine.check_document`` runs it (no suppressions are read: the
    corpus has none), the seconds of each stage."""
    seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter

    def timed(stage: str, step: Callable[[], object]) -> object:
        start = clock()
        out = step()
        seconds[stage] += clock() - start
        return out

    with collector_paused():
        doc = timed("cfnfix parse", lambda: parse_bytes(raw, path.name))
        template = timed("typed template", lambda: Template.from_data(doc.data))
        found = []
        for rule in settings.rule_instances():
            found += [(finding, rule) for finding in timed("rules' detect", lambda: list(rule.detect(template)))]
        positions: dict[int, dict[str, int]] = {}
        timed("order of the findings", lambda: found.sort(key=lambda item: (
            item[0].code, jp.document_order(doc.data, jp.split(item[0].pointer), positions), item[0].pointer)))
        findings = []
        for finding, rule in found:
            fix = timed("fixes", lambda: rule.fix(finding, template, Plan(template)))
            fix = timed("impact of safe fixes", lambda: engine._with_impact(fix, template))
            findings.append(finding.with_fix(fix))
        if findings:
            findings = timed("positions", lambda: engine._placed(doc, findings))
        timed("anchor check", lambda: [engine._marked_unwritable(doc, finding) for finding in findings])
    return seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    files = [(p, p.read_bytes()) for p in templates(Path(args.corpus))]
    settings = Settings()
    best: list[dict[str, float]] = [dict.fromkeys(("bare parse",) + STAGES, float("inf")) for _ in files]
    for _ in range(args.rounds + 1):  # the first round warms caches and imports
        for i, (path, raw) in enumerate(files):
            mine = best[i]
            mine["bare parse"] = min(mine["bare parse"], bare_parse([(path, raw)]))
            for stage, seconds in staged_check(path, raw, settings).items():
                mine[stage] = min(mine[stage], seconds)
    totals = {stage: sum(mine[stage] for mine in best) for stage in best[0]}
    bare = totals["bare parse"]
    check = sum(seconds for stage, seconds in totals.items() if stage != "bare parse")
    print(f"corpus: {len(files)} templates")
    print("| stage | seconds | x bare parse |")
    print("|---|---|---|")
    for stage, seconds in totals.items():
        print(f"| {stage} | {seconds:.4f} | {seconds / bare:.2f} |")
    print(f"| whole check (the stages' sum) | {check:.4f} | {check / bare:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
