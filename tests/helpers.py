"""Shared test helpers: where the corpus is, the cfn-lint oracle, and the changed-lines check."""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CFNFIX_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SUFFIXES = (".json", ".yaml", ".yml", ".template")

# The seed's critical failure in its smallest form, and a template with nothing to report.
SLR = ("arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
       "AWSServiceRoleForApplicationAutoScaling_ECSService")
HARDCODED_ROLE = f"""\
Resources:
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      MaxCapacity: 2
      MinCapacity: 1
      ResourceId: service/c/s
      RoleARN: !Sub {SLR}
      ScalableDimension: ecs:service:DesiredCount
      ServiceNamespace: ecs
"""
CLEAN = "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"


@lru_cache(maxsize=1)
def corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))


def corpus_ids() -> list[str]:
    return [str(p.relative_to(CORPUS)) for p in corpus_files()]


_VALUE_LIST = re.compile(r"\[[^\[\]]*\]")


def lint_findings(text: str) -> set[tuple[str, str]]:
    """cfn-lint's findings as (rule id, message), positions aside; run in this process. Value lists
    in messages are collapsed: "'X' is not one of [...]" lists every resource and parameter, and
    grows when a fix adds one, while the finding (the wrong 'X') is the same."""
    from cfnlint.api import lint

    return {(m.rule.id, _collapsed(m.message)) for m in lint(text)}


def _collapsed(message: str) -> str:
    previous = None
    while previous != message:
        previous, message = message, _VALUE_LIST.sub("[...]", message)
    return message


def new_lint_findings(before: str, after: str) -> set[tuple[str, str]]:
    return lint_findings(after) - lint_findings(before)


def changed_line_ranges(before: str, after: str) -> list[tuple[str, int, int]]:
    """(tag, first, last) 0-based ranges of original lines that a diff replaces, deletes or inserts at."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    out = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((tag, i1, i2))
    return out


def allowed_window(doc, op: dict) -> tuple[int, int]:
    """0-based first and last original line an operation may touch: the edited node (the parent
    for an add), its key line and the comments above it, plus one line either side."""
    from cfnfix import pointer as jp

    path = jp.split(op["path"])
    if op["op"] == "add":
        path = path[:-1]
    smap = doc.sourcemap
    chain = smap.locate(path)
    node = next(n for n in reversed(chain) if n is not None)
    depth = max(i for i, n in enumerate(chain) if n is not None)
    start = node.start
    key = smap.key_of(path[:depth]) if depth else None
    if key is not None:
        start = min(start, key.start)
    first = doc.text.count("\n", 0, start)
    last = doc.text.count("\n", 0, node.end)
    lines = doc.text.splitlines()
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    # and the comments right after it (with the blank lines between): a node's trailing comments
    # are its own, and what is added after the node goes after them
    following = last + 1
    while following < len(lines) and (not lines[following].strip() or lines[following].lstrip().startswith("#")):
        if lines[following].strip():
            last = following
        following += 1
    return max(0, first - 1), last + 1


def changed_region(before: str, after: str) -> tuple[int, int]:
    """Character offsets in ``before`` of the one span that differs from ``after``."""
    limit = min(len(before), len(after))
    start = 0
    while start < limit and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before -= 1
        end_after -= 1
    return start, end_before


def assert_local(doc, op: dict, after: str) -> None:
    """One operation is one splice: the text that changed lies in or next to the edited node."""
    first, last = allowed_window(doc, op)
    start, end = changed_region(doc.text, after)
    if start == end:
        # a pure insertion can be read at several offsets when its text repeats the text
        # before it (a leading line break); take the earliest
        inserted = after[start:start + len(after) - len(doc.text)]
        while start > 0 and inserted and doc.text[start - 1] == inserted[-1]:
            inserted = doc.text[start - 1] + inserted[:-1]
            start -= 1
        end = start
    first_changed = doc.text.count("\n", 0, start)
    last_changed = doc.text.count("\n", 0, max(start, end - 1))
    assert first <= first_changed and last_changed <= last, (
        f"{op['op']} {op['path']}: changed original lines {first_changed + 1}-{last_changed + 1} "
        f"outside {first + 1}-{last + 1}")


_KEY = re.compile(r"\s*((?:-\s+)*)([^\s#][^#]*?)\s*:(?:\s|$)")


def comment_owners(text: str) -> Counter:
    """Each whole-line YAML comment with the node that owns it: the nearest line above it at a
    lower indent, named by its key and the keys of its ancestors (values left out, as fixes may
    change them). A fix must leave every comment with its owner."""
    lines = text.replace("\r\n", "\n").split("\n")
    indents = [len(line) - len(line.lstrip(" ")) for line in lines]
    content = [bool(line.strip()) and not line.lstrip().startswith("#") for line in lines]

    def owner(i: int, indent: int) -> int | None:
        return next((j for j in range(i - 1, -1, -1) if content[j] and indents[j] < indent), None)

    def name(j: int) -> str:
        match = _KEY.match(lines[j])
        return match.group(1).replace(" ", "") + match.group(2) if match else lines[j].strip()

    found: Counter = Counter()
    for i, line in enumerate(lines):
        if content[i] or not line.strip():
            continue
        chain = []
        j = owner(i, indents[i])
        while j is not None:
            chain.append(name(j))
            j = owner(j, indents[j])
        found[(line.strip(), tuple(reversed(chain)))] += 1
    return found


def failover_records(data: dict[str, Any]) -> Counter:
    """(zone, name, type, role) of every failover record: a record whose Failover is an `Fn::If`
    stands for PRIMARY in one region and SECONDARY in the other, so it counts for both."""
    counted: Counter = Counter()
    resources = data.get("Resources") or {}
    for resource in resources.values():
        if not isinstance(resource, dict):
            continue
        properties = resource.get("Properties") or {}
        entries = [properties] if resource.get("Type") == "AWS::Route53::RecordSet" else (
            properties.get("RecordSets") or [] if resource.get("Type") == "AWS::Route53::RecordSetGroup" else [])
        zone_of_group = properties.get("HostedZoneId", properties.get("HostedZoneName"))
        for entry in entries:
            if not isinstance(entry, dict) or "Failover" not in entry:
                continue
            zone = entry.get("HostedZoneId", entry.get("HostedZoneName", zone_of_group))
            key = json.dumps([zone, entry.get("Name"), entry.get("Type")], sort_keys=True)
            failover = entry["Failover"]
            roles = [failover] if isinstance(failover, str) else ["PRIMARY", "SECONDARY"]
            for role in roles:
                counted[(key, role)] += 1
    return counted
