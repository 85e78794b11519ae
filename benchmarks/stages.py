"""Where a warm corpus `check` spends its time, stage by stage, beside bare parsing.

    python benchmarks/stages.py [--corpus ../shared/corpus] [--rounds 5]

Stages, each timed over the whole corpus in one warm process (best of the rounds): bare parse
(libyaml compose / json.loads), cfnfix's parse (with the source map), the typed template, the
rules' detect, their fixes with impact (detect's remainder), positions (on documents whose lazily
filled source-map nodes earlier rounds already filled: the whole check pays for filling them), and
the whole check.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402
from run import bare_parse  # noqa: E402

from cfnfix import engine  # noqa: E402
from cfnfix.parse.document import parse_bytes  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402
from cfnfix.model.template import Template  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    files = [(p, p.read_bytes()) for p in templates(Path(args.corpus))]
    settings = Settings()
    rules = settings.rule_instances()
    docs = [parse_bytes(raw, path.name) for path, raw in files]

    def parse() -> None:
        for path, raw in files:
            parse_bytes(raw, path.name)

    def typed() -> None:
        for doc in docs:
            Template.from_data(doc.data)

    def rules_detect() -> None:
        for doc in docs:
            template = Template.from_data(doc.data)
            for rule in rules:
                list(rule.detect(template))

    def detect_with_fixes() -> None:
        for doc in docs:
            engine.detect(doc, settings, rules, positions=False)

    def detect_with_positions() -> None:
        for doc in docs:
            engine.detect(doc, settings, rules, positions=True)

    def check() -> None:
        for (path, raw) in files:
            engine.check_document(parse_bytes(raw, path.name), settings, str(path))

    stages = {"bare parse": lambda: bare_parse(files), "cfnfix parse (source map)": parse,
              "typed template": typed, "rules' detect": rules_detect,
              "detect with fixes and impact": detect_with_fixes, "detect with positions (nodes already filled)": detect_with_positions,
              "whole check (parse + detect)": check}
    best = {name: float("inf") for name in stages}
    for _ in range(args.rounds + 1):  # the first round warms caches and imports
        for name, stage in stages.items():
            start = time.perf_counter()
            stage()
            best[name] = min(best[name], time.perf_counter() - start)
    bare = best["bare parse"]
    print(f"corpus: {len(files)} templates")
    print("| stage | seconds | x bare parse |")
    print("|---|---|---|")
    for name, seconds in best.items():
        print(f"| {name} | {seconds:.3f} | {seconds / bare:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
