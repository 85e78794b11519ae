"""How many processes `cfnfix check` should use: one, two (or all cores), and the default, on
small and large batches, with cfn-lint beside it on the small one.

    python benchmarks/jobs.py [--corpus ../shared/corpus] [--skip-cfn-lint] [--repeat 3]

Prints one table and writes nothing outside a temporary folder. The default must never be slower
than one process (beyond noise); the small batch is the issue's: 100 small SAM templates.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
SUFFIXES = (".json", ".yaml", ".yml", ".template")

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Description: function {i} of a small SAM application
Parameters:
  Stage:
    Type: String
    Default: dev
Resources:
  Function{i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      MemorySize: 256
      Timeout: 30
      Environment:
        Variables:
          TABLE: !Ref Table{i}
      Events:
        Api:
          Type: Api
          Properties:
            Path: /items/{i}
            Method: get
  Table{i}:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
Outputs:
  Api:
    Value: !Sub https://${{ServerlessRestApi}}.execute-api.${{AWS::Region}}.amazonaws.com/${{Stage}}/
"""


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def best(command: list[str], repeat: int) -> float:
    timed(command)  # warm-up: bytecode and page cache
    return min(timed(command) for _ in range(repeat))


def sam_batch(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"function{i:03}.yaml").write_text(SAM.format(i=i))


def corpus_batch(folder: Path, corpus: Path, copies: int) -> None:
    for copy in range(copies):
        for path in corpus.rglob("*"):
            if path.is_file() and path.suffix.lower() in SUFFIXES:
                target = folder / str(copy) / path.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())


def row(name: str, folder: Path, repeat: int, lint: bool) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    cfnfix = [sys.executable, "-m", "cfnfix.cli", "check"]
    one = best([*cfnfix, "--jobs", "1", str(folder)], repeat)
    cores = os.cpu_count() or 1
    many = best([*cfnfix, "--jobs", str(cores), str(folder)], repeat)
    default = best([*cfnfix, str(folder)], repeat)
    line = (f"{name:<28} {len(files):>6} {size:>7.1f}  {one:>8.2f} {many:>8.2f} {default:>8.2f}"
            f"  {default / one:>7.2f}")
    if lint:
        lint_s = timed([str(Path(sys.executable).parent / "cfn-lint"), *map(str, sorted(files))])
        line += f"  {lint_s:>8.1f} {lint_s / default:>7.0f} x"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--skip-cfn-lint", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    cores = os.cpu_count() or 1
    print(f"{'batch':<28} {'files':>6} {'MB':>7}  {'jobs 1':>8} {f'jobs {cores}':>8} {'default':>8}"
          f"  {'def/1':>7}" + ("" if args.skip_cfn_lint else f"  {'cfn-lint':>8} {'faster':>9}"))
    with tempfile.TemporaryDirectory() as tmp:
        for count in (10, 100, 400):
            folder = Path(tmp) / f"sam{count}"
            folder.mkdir()
            sam_batch(folder, count)
            row(f"{count} small SAM templates", folder, args.repeat, not args.skip_cfn_lint and count == 100)
        if corpus.is_dir():
            for copies in (1, 4):
                folder = Path(tmp) / f"corpus{copies}"
                corpus_batch(folder, corpus, copies)
                row(f"corpus x {copies}", folder, args.repeat, False)


if __name__ == "__main__":
    main()
