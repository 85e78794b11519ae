"""CPU time of `check` and `apply` from 10 to 5,000 resources, YAML, JSON and minified JSON, with
the fitted log-log slope from 500 resources up.

    python benchmarks/scaling.py [--sizes 10,100,500,1000,2000,5000] [--corpus ../shared/corpus]

Each run is a fresh process that times `cfnfix.cli.main` (the command after its imports) by
process time; apply runs on a copy and reports its passes and peak memory. Writes nothing else.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import RENDERINGS, SIZES, write_all  # noqa: E402
from run import ENV  # noqa: E402

# the command's own process time, its peak memory, and for apply the passes it took
_MEASURE = """
import json, resource, sys, time
from cfnfix import cli, engine
passes = []
real = engine._fix_passes
def counted(*args, **kwargs):
    out = real(*args, **kwargs)
    passes.append(out.passes)
    return out
engine._fix_passes = counted
start = time.process_time()
status = cli.main(sys.argv[1:])
seconds = time.process_time() - start
print(json.dumps({"seconds": seconds, "status": status, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "passes": max(passes, default=None)}))
"""


def measure(command: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, cwd=ROOT,
                         env=ENV)
    return json.loads(out.stdout.strip().splitlines()[-1])


def slope(points: list[tuple[int, float]]) -> float:
    """The least-squares slope of log(seconds) on log(resources)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=1, help="best of this many runs per point")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "generated"
        write_all(source, sizes, Path(args.corpus))
        rows: dict[tuple[str, str], list[tuple[int, float]]] = {}
        print("| resources | rendering | check s | apply s | apply passes | apply peak MB | apply exit |")
        print("|---|---|---|---|---|---|---|")
        for size in sizes:
            for rendering in RENDERINGS:
                path = source / f"generated-{size}.{rendering}"
                check = min((measure(["check", "--exit-zero", "--jobs", "1", str(path)])
                             for _ in range(args.rounds)), key=lambda r: r["seconds"])
                applied = []
                for _ in range(args.rounds):
                    copy = Path(folder) / f"copy.{rendering}"
                    copy.write_bytes(path.read_bytes())
                    applied.append(measure(["apply", "--exit-zero", "--unsafe-fixes", "--jobs", "1", str(copy)]))
                best = min(applied, key=lambda r: r["seconds"])
                rows.setdefault(("check", rendering), []).append((size, check["seconds"]))
                rows.setdefault(("apply", rendering), []).append((size, best["seconds"]))
                print(f"| {size:,} | {rendering} | {check['seconds']:.3f} | {best['seconds']:.3f} | {best['passes']} "
                      f"| {best['peak_mb']:.0f} | {best['status']} |", flush=True)
        print()
        print("| command | rendering | log-log slope, 500 resources and up |")
        print("|---|---|---|")
        for (command, rendering), points in rows.items():
            upper = [(n, s) for n, s in points if n >= 500]
            if len(upper) >= 2:
                print(f"| {command} | {rendering} | {slope(upper):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
