"""Start-up of `cfnfix check` on one small template: process time and what the imports cost.

    python benchmarks/startup.py [--rounds 10] [--top 15]

Runs `python -m cfnfix.cli check FILE` (no configuration file, in a temporary folder) on a
four-line YAML template, the same as JSON, and a copy of examples/orders-api/template.yaml (its
`.cfnfix.toml` left behind), and the `cfnfix` console script beside this Python (what a user
runs) on the YAML one. Prints the best and median process time (user + sys of the child, which
a busy machine inflates far less than wall time), a bare `python -c pass` beside them, whether
pydantic was imported, and the costliest imports of the YAML run by `python -X importtime`
(cumulative, best of three runs, with how deep each is nested). Writes nothing outside the
temporary folder. Run it with the Python of an installed (not editable) cfnfix for figures a
user sees: an editable install's import finder adds its own cost.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_YAML = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n'
SMALL_JSON = '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}\n'
# bytecode is written once and read after, as an installed package does
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _process_seconds(argv: list[str], cwd: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _row(label: str, argv: list[str], cwd: str, rounds: int) -> str:
    _process_seconds(argv, cwd)  # warm: bytecode and the page cache
    times = sorted(_process_seconds(argv, cwd) for _ in range(rounds))
    return f"| {label} | {times[0] * 1000:.0f} | {statistics.median(times) * 1000:.0f} |"


def _imports(argv: list[str], cwd: str) -> tuple[list[tuple[int, str, int]], set[str]]:
    """(depth, module, cumulative microseconds, best of three) of every import, in the order
    imported, and the names of the modules imported."""
    best: dict[tuple[int, str], int] = {}
    for _ in range(3):
        err = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], cwd=cwd, env=ENV,
                             capture_output=True, text=True, check=False).stderr
        for match in _IMPORT_LINE.finditer(err):
            key = ((len(match.group(3)) - 1) // 2, match.group(4))
            best[key] = min(best.get(key, int(match.group(2))), int(match.group(2)))
    return [(depth, module, micros) for (depth, module), micros in best.items()], {m for _, m in best}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    check = [sys.executable, "-m", "cfnfix.cli", "check"]
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "small.yaml").write_text(SMALL_YAML)
        Path(folder, "small.json").write_text(SMALL_JSON)
        shutil.copyfile(ROOT / "examples" / "orders-api" / "template.yaml", Path(folder, "orders.yaml"))
        print(f"| `cfnfix check`, process time of {args.rounds} runs | best ms | median ms |")
        print("|---|---|---|")
        print(_row("`python -c pass`", [sys.executable, "-c", "pass"], folder, args.rounds))
        for name in ("small.yaml", "small.json", "orders.yaml"):
            print(_row(f"`python -m cfnfix.cli check {name}`", [*check, name], folder, args.rounds))
        script = Path(sys.executable).with_name("cfnfix")
        if script.is_file():  # what a user runs: the console script, without runpy
            print(_row("`cfnfix check small.yaml`", [str(script), "check", "small.yaml"], folder, args.rounds))
        costs, loaded = _imports([*check, "small.yaml"], folder)
    print(f"\npydantic imported by `check small.yaml`: {'yes' if 'pydantic' in loaded else 'no'}")
    print(f"\n| import of `check small.yaml` (depth: who imports it) | depth | cumulative ms, best of 3 |")
    print("|---|---|---|")
    for depth, module, micros in sorted(costs, key=lambda cost: -cost[2])[:args.top]:
        print(f"| {module} | {depth} | {micros / 1000:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
