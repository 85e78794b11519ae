"""Speed and memory of cfnfix beside cfn-lint, on the same files, in one run.

    python benchmarks/run.py [--corpus ../shared/corpus] [--skip-cfn-lint]

Prints one table and writes nothing; docs/performance.md records its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import templates  # noqa: E402

from cfnfix.parse.document import parse_bytes  # noqa: E402
from cfnfix.engine import check_document  # noqa: E402
from cfnfix.settings import Settings  # noqa: E402

# Run commands as an installed package runs: with its bytecode cached (some sandboxes set
# PYTHONDONTWRITEBYTECODE, which makes every start compile cfnfix from source again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def bare_parse(files: list[tuple[Path, bytes]]) -> float:
    start = time.perf_counter()
    for path, raw in files:
        text = raw.decode("utf-8").lstrip("\ufeff")
        if path.suffix == ".json":
            json.loads(text)
        else:
            yaml.compose(text, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def warm_check(files: list[tuple[Path, bytes]]) -> float:
    settings = Settings()
    start = time.perf_counter()
    for path, raw in files:
        check_document(parse_bytes(raw, path.name), settings, str(path))
    return time.perf_counter() - start


def synthetic_template(resources: int) -> str:
    """A payment-style YAML stack of about 2 KB per resource, with the seed's hard-coded role."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Parameters:", "  EnvironmentSuffix:",
             "    Type: String", "    Default: dev", "Resources:"]
    for i in range(resources - 1):
        lines += [
            f"  # queue {i} of the payment pipeline",
            f"  Queue{i}:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            f"      QueueName: !Sub payment-queue-{i}-${{EnvironmentSuffix}}",
            "      VisibilityTimeout: 120",
            "      MessageRetentionPeriod: 1209600",
            "      KmsMasterKeyId: alias/aws/sqs",
            "      RedrivePolicy:",
            f"        deadLetterTargetArn: !Sub arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:dlq-{i}",
            "        maxReceiveCount: 5",
            "      Tags:",
            "        - Key: Name",
            f"          Value: !Sub payment-queue-{i}-${{EnvironmentSuffix}}",
            "        - Key: Description",
            "          Value: " + "'" + ("Holds payment events until the settlement workers take them. " * 22) + "'",
            "",
        ]
    lines += [
        "  Target:",
        "    Type: AWS::ApplicationAutoScaling::ScalableTarget",
        "    Properties:",
        "      MaxCapacity: 10",
        "      MinCapacity: 2",
        "      ResourceId: service/payments/api",
        "      RoleARN: !Sub arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling"
        ".amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
        "      ScalableDimension: ecs:service:DesiredCount",
        "      ServiceNamespace: ecs",
    ]
    return "\n".join(lines) + "\n"


def apply_cost(resources: int) -> tuple[float, float, int]:
    """(seconds, peak MB, bytes) of `cfnfix apply` on a synthetic template, in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        text = synthetic_template(resources)
        path.write_text(text)
        code = ("import resource, sys, time; from cfnfix import cli; t = time.perf_counter(); "
                "cli.main(['apply', '--jobs', '1', sys.argv[1]]); "
                "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                             env=ENV)
        seconds, peak_kb = out.stdout.strip().splitlines()[-1].split()
        assert "ServiceAutoScalingRole" not in text and "RoleARN" not in path.read_text()
        return float(seconds), int(peak_kb) / 1024, len(text.encode())


def process_time(args: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "cfnfix.cli", *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--skip-cfn-lint", action="store_true")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the cfnfix command line")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = templates(corpus)
    contents = [(p, p.read_bytes()) for p in files]
    size = sum(len(raw) for _, raw in contents) / 1e6
    print(f"corpus: {len(files)} templates, {size:.1f} MB ({corpus})")

    paths = [str(p) for p in files]
    command = [sys.executable, "-m", "cfnfix.cli", "check", "--jobs", str(args.jobs), *paths]
    timed(command)  # warm-up: bytecode written, files in the page cache
    cfnfix_s = min(timed(command) for _ in range(3))
    print(f"cfnfix check, one command line:      {cfnfix_s:8.2f} s")
    if not args.skip_cfn_lint:
        lint_s = timed([str(Path(sys.executable).parent / "cfn-lint"), *paths])
        print(f"cfn-lint, one command line:          {lint_s:8.2f} s")
        print(f"cfnfix is faster by:                 {lint_s / cfnfix_s:8.1f} x   (budget: >= 60 x)")

    for _ in range(2):  # warm up caches and imports
        parse_s = bare_parse(contents)
        check_s = warm_check(contents)
    parse_s = min(bare_parse(contents) for _ in range(3))
    check_s = min(warm_check(contents) for _ in range(3))
    print(f"bare parse (libyaml compose / json): {parse_s:8.3f} s")
    print(f"check, one warm process:             {check_s:8.3f} s")
    print(f"check / bare parse:                  {check_s / parse_s:8.2f}     (goal: <= 4)")

    small, small_mb, small_bytes = apply_cost(50)
    big, big_mb, big_bytes = apply_cost(500)
    print(f"apply, 50 resources ({small_bytes / 1e6:.2f} MB):        {small:8.3f} s  peak {small_mb:6.1f} MB")
    print(f"apply, 500 resources ({big_bytes / 1e6:.2f} MB):       {big:8.3f} s  peak {big_mb:6.1f} MB"
          "   (budget: < 1 s, < 200 MB)")
    print(f"apply growth 50 -> 500:              {big / small:8.1f} x   (budget: <= 12 x)")

    with tempfile.TemporaryDirectory() as folder:
        for copy in range(8):
            for path, raw in contents:
                target = Path(folder) / str(copy) / path.relative_to(corpus)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(raw)
        one = min(timed([sys.executable, "-m", "cfnfix.cli", "check", "--jobs", "1", folder]) for _ in range(3))
        two = min(timed([sys.executable, "-m", "cfnfix.cli", "check", "--jobs", "2", folder]) for _ in range(3))
    print(f"check, 8 copies of the corpus ({8 * len(files)} files): 1 process {one:.2f} s, 2 processes {two:.2f} s")
    print(f"2 processes faster by:               {one / two:8.2f} x   (budget: >= 1.6 x)")

    version = min(process_time(["--version"]) for _ in range(5))
    example = str(ROOT / "examples" / "payment-processing" / "template.yaml")
    small_check = min(process_time(["check", example]) for _ in range(5))
    print(f"cfnfix --version, process time:      {version:8.3f} s  (budget: < 0.3 s)")
    print(f"cfnfix check small template:         {small_check:8.3f} s  (budget: < 0.3 s)")


if __name__ == "__main__":
    main()
