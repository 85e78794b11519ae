"""A corpus `check` beside bare parsing in instructions executed, which a busy machine cannot move.

    python benchmarks/instructions.py [--corpus ../shared/corpus] [--runs 2]

Timings on a shared virtual machine move by 10 to 30 % between runs (other guests take the
cores); the instructions a run executes do not. Three processes run under valgrind's callgrind
(valgrind must be installed; each takes a minute or two): one reads the corpus and warms both
workloads (imports, caches, data loaded on first use), one then parses every file ``--runs``
times as a plain parser would (libyaml compose, `json`, collector on), one checks every file as
`cfnfix check` does (collector paused per file, as ``rule_cost.py``). The first one's count is
taken from the other two. Instructions are not time (cache misses and branches differ), so this
complements ``rule_cost.py`` rather than replacing it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_WORKLOAD = """
import json, sys
from pathlib import Path
sys.path[:0] = [{root!r}, {benchmarks!r}]
import yaml
from corpus import templates
from cfnfix.engine import check_document
from cfnfix.parse.document import parse_bytes
from cfnfix.runner import collector_paused
from cfnfix.settings import Settings
files = [(p, p.read_bytes()) for p in templates(Path({corpus!r}))]
settings = Settings()
def bare():
    for path, raw in files:
        text = raw.decode("utf-8").lstrip("\\ufeff")
        json.loads(text) if path.suffix == ".json" else yaml.compose(text, Loader=yaml.CSafeLoader)
def check():
    for path, raw in files:
        with collector_paused():
            check_document(parse_bytes(raw, path.name), settings, str(path))
bare(); check()
for _ in range({runs}):
    {{"bare": bare, "check": check}}.get(sys.argv[1], lambda: None)()
"""


def instructions(script: Path, mode: str) -> int:
    """The instructions callgrind counts for ``script`` run in ``mode``."""
    with tempfile.TemporaryDirectory() as out:
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/callgrind.out",
                              sys.executable, str(script), mode], capture_output=True, text=True, check=True)
    match = re.search(r"Collected : (\d+)", run.stderr)
    if match is None:
        raise SystemExit(f"no instruction count from callgrind:\n{run.stderr[-2000:]}")
    return int(match.group(1))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "workload.py"
        script.write_text(_WORKLOAD.format(root=str(ROOT), benchmarks=str(ROOT / "benchmarks"),
                                           corpus=str(Path(args.corpus).resolve()), runs=args.runs))
        with ThreadPoolExecutor(max_workers=3) as pool:
            setup, bare, check = pool.map(lambda mode: instructions(script, mode), ("none", "bare", "check"))
    bare_run, check_run = (bare - setup) / args.runs, (check - setup) / args.runs
    print("| workload, one pass over the corpus | instructions | x bare parse |")
    print("|---|---|---|")
    print(f"| bare parse | {bare_run / 1e9:.3f} G | 1.00 |")
    print(f"| check, every rule | {check_run / 1e9:.3f} G | {check_run / bare_run:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
