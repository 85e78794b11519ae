"""Warm `check` over a corpus beside bare parsing, with all rules and without some of them.

    python benchmarks/rule_cost.py [--corpus ../shared/corpus] [--without CFX102,CFX5] [--rounds 7] [--per-file]

One process; the best of the rounds, each measurement interleaved with the others. Each file is
checked as `cfnfix check` checks it, with the garbage collector paused for the file
(``runner.collector_paused``); bare parsing runs as a plain parser would, collector on. With
``--per-file``, the sum of each file's best round: steadier where other processes share the machine.
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

from cfnfix.parse.document import parse_bytes  # noqa: E402
from cfnfix.engine import check_document  # noqa: E402
from cfnfix.runner import collector_paused  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--without", default="CFX102,CFX5", help="rule code prefixes to leave out")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--per-file", action="store_true",
                        help="sum each file's best round instead of taking the best round (for a busy machine)")
    args = parser.parse_args(argv)
    files = [(p, p.read_bytes()) for p in templates(Path(args.corpus))]
    left_out = tuple(c.strip() for c in args.without.split(",") if c.strip())
    runs = {"all rules": Settings(), f"without {', '.join(left_out)}": Settings(ignore=left_out)}

    def warm(settings: Settings) -> list[float]:
        seconds = []
        for path, raw in files:
            start = time.perf_counter()
            with collector_paused():
                check_document(parse_bytes(raw, path.name), settings, str(path))
            seconds.append(time.perf_counter() - start)
        return seconds

    def parse() -> list[float]:
        return [bare_parse([file]) for file in files] if args.per_file else [bare_parse(files)]

    def best_of(rounds: list[list[float]]) -> float:
        # a round another process interrupted costs only the files it interrupted
        return sum(min(t) for t in zip(*rounds)) if args.per_file else min(sum(r) for r in rounds)

    for settings in runs.values():
        warm(settings)
    times: dict[str, list[list[float]]] = {name: [] for name in runs}
    parses = []
    for _ in range(args.rounds):
        parses.append(parse())
        for name, settings in runs.items():
            times[name].append(warm(settings))
    best = {"bare parse": best_of(parses), **{name: best_of(t) for name, t in times.items()}}
    print(f"corpus: {len(files)} templates")
    for name, seconds in best.items():
        print(f"{name:32s} {seconds:7.3f} s   {seconds / best['bare parse']:5.2f} x bare parse")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
