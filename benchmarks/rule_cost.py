"""Warm `check` over a corpus beside bare parsing, with all rules and without some of them.

    python benchmarks/rule_cost.py [--corpus ../shared/corpus] [--without CFX102,CFX5] [--rounds 7]

One process; the best of the rounds, each measurement interleaved with the others.
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
from cfnfix.settings import Settings  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--without", default="CFX102,CFX5", help="rule code prefixes to leave out")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    files = [(p, p.read_bytes()) for p in templates(Path(args.corpus))]
    left_out = tuple(c.strip() for c in args.without.split(",") if c.strip())
    runs = {"all rules": Settings(), f"without {', '.join(left_out)}": Settings(ignore=left_out)}

    def warm(settings: Settings) -> float:
        start = time.perf_counter()
        for path, raw in files:
            check_document(parse_bytes(raw, path.name), settings, str(path))
        return time.perf_counter() - start

    for settings in runs.values():
        warm(settings)
    times: dict[str, list[float]] = {name: [] for name in runs}
    parses = []
    for _ in range(args.rounds):
        parses.append(bare_parse(files))
        for name, settings in runs.items():
            times[name].append(warm(settings))
    best = {"bare parse": min(parses), **{name: min(t) for name, t in times.items()}}
    print(f"corpus: {len(files)} templates")
    for name, seconds in best.items():
        print(f"{name:32s} {seconds:7.3f} s   {seconds / best['bare parse']:5.2f} x bare parse")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
