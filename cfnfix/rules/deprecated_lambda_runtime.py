"""CFX501 deprecated-lambda-runtime: a Lambda runtime past its deprecation date, by the dated table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from .. import pointer as jp
from ..kit import Plan, Safety, remove_op, replace_op, test_op
from ..options import option
from ..rule import Finding, Fix, Rule
from ..model.template import Template
from ..values import aws_data

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
LAYER_TYPES = ("AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion")
# runtimes whose replacement is not a newer version of the same language: only named, never written
NO_SAME_FAMILY = "go"


@dataclass(frozen=True)
class Options:
    as_of: date | None = option(None, description="the date to judge by (default today, UTC)")


class Site(NamedTuple):
    """One place a deprecated runtime is written: replaced by ``new``, or removed when ``new`` is
    None (a list that already holds the successor)."""

    path: tuple[str, ...]
    old: str
    new: str | None
    keep: str | None  # for a removed entry: the successor the list holds already


class RuntimePayload(NamedTuple):
    sites: tuple[Site, ...]
    same_family: bool  # False: a successor of another family (go1.x), named but not written


def family(runtime: str) -> str:
    name = re.match(r"[a-z]+", runtime)
    word = name.group(0) if name else runtime
    return "dotnet" if word.startswith("dotnet") else word


def _version(runtime: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", runtime))


def _day(text: str) -> date:
    return date.fromisoformat(text)


class Lifecycle:
    """The dated runtime table read at one date (made once per date: see ``lifecycle_at``)."""

    def __init__(self, as_of: date):
        table = aws_data("lambda_runtimes.json")
        self.as_of = as_of
        self.entries: dict[str, dict[str, Any]] = table["runtimes"]
        self.valid: list[str] = table["valid"]
        self._deprecated = frozenset(name for name, entry in self.entries.items()
                                     if _day(entry["deprecated"]) <= as_of)
        self._successors: dict[str, tuple[str | None, bool]] = {}

    def deprecated(self, runtime: str) -> bool:
        return runtime in self._deprecated

    def create_blocked(self, runtime: str) -> bool:
        return _day(self.entries[runtime]["create-block"]) <= self.as_of

    def successor(self, runtime: str) -> tuple[str | None, bool]:
        """The newest supported runtime of the same family, else AWS's named successor; and
        whether it is of the same family."""
        if runtime not in self._successors:
            self._successors[runtime] = self._successor(runtime)
        return self._successors[runtime]

    def _successor(self, runtime: str) -> tuple[str | None, bool]:
        same = [r for r in self.valid if family(r) == family(runtime) and not self.deprecated(r)]
        if same and family(runtime) != NO_SAME_FAMILY:
            return max(same, key=_version), True
        named = self.entries[runtime]["successor"]
        while named is not None and self.deprecated(named):
            named = self.entries[named]["successor"]
        return named, False


@lru_cache(maxsize=8)
def lifecycle_at(as_of: date) -> Lifecycle:
    return Lifecycle(as_of)


class DeprecatedLambdaRuntime(Rule):
    """## What it does
    Finds Lambda runtimes past their deprecation date: `Runtime` of `AWS::Lambda::Function`,
    SAM `AWS::Serverless::Function` and SAM `Globals`, and `CompatibleRuntimes` of layers, written
    as a literal, as the `Default` or `AllowedValues` of a parameter the runtime refers to, or in a
    mapping `Fn::FindInMap` reads it from. The dates are those of the lifecycle table the pinned
    cfn-lint ships (`cfnfix/data/lambda_runtimes.json`: deprecation, create-block and update-block
    dates per runtime), read at today's date or at the `as-of` option.

    ## Why does this fail?
    After the create-block date Lambda refuses to create a function with the runtime, so a new
    stack (or a replacement) fails; after the update-block date every update of the function
    fails too, and the stack can no longer be changed. Before that, the runtime gets no security
    patches. Critical once creation is blocked, high before.

    ## Fix
    Writes the newest supported runtime of the same family (`python3.9` -> `python3.14`,
    `nodejs18.x` -> `nodejs24.x`, `java8` -> `java25`, `dotnet6` -> `dotnet10`, `ruby3.2` ->
    `ruby4.0`, `provided.al2` -> `provided.al2023`), one the runtime enum of the pinned cfn-lint
    knows. A parameter gets its `Default` and its `AllowedValues` moved; a mapping its entries; a
    list that already holds the successor loses the old entry. `go1.x` has no newer Go runtime:
    the finding names `provided.al2023` and the code must be rebuilt as a `bootstrap` binary.

    ## Fix safety
    Unsafe: the function's code, its dependencies and its layers may need the old runtime, so it
    must be tested on the new one. Display-only for `go1.x`.

    ## Options
    `as-of`: the date to judge by (`YYYY-MM-DD`; default today). Set it for reproducible runs.
    """

    code = "CFX501"
    name = "deprecated-lambda-runtime"
    severity = "critical"
    summary = "A Lambda runtime is past its deprecation date"
    fix_title = "Move to the newest supported runtime of the same family"
    cfn_lint_ids = ("E2531", "E2533", "W2531")
    resolves = cfn_lint_ids
    Options = Options

    def _lifecycle(self) -> Lifecycle:
        return lifecycle_at(self.options.as_of or datetime.now(timezone.utc).date())

    def detect(self, template: Template):
        lifecycle = self._lifecycle()
        seen: set[tuple[tuple[str, ...], ...]] = set()
        for where, resource, label in _runtime_places(template):
            found = [(path, literal) for path, literal in _candidates(template, where, jp.resolve(template.data, where))
                     if isinstance(literal, str) and lifecycle.deprecated(literal)]
            key = tuple(path for path, _ in found)
            if not found or key in seen:
                continue  # one parameter or mapping entry read by several functions: one finding
            seen.add(key)
            runtimes = list(dict.fromkeys(literal for _, literal in found))
            successors = {runtime: lifecycle.successor(runtime) for runtime in runtimes}
            parts = []
            for runtime in runtimes:
                entry = lifecycle.entries[runtime]
                creation = "blocked since" if lifecycle.create_blocked(runtime) else "blocked from"
                updates = "since" if _day(entry["update-block"]) <= lifecycle.as_of else "from"
                successor, same_family = successors[runtime]
                advice = (f"move to {successor}" if same_family
                          else f"rebuild the code for {successor}" if successor else "no successor is known")
                parts.append(f"{runtime} was deprecated on {entry['deprecated']}, creation {creation} "
                             f"{entry['create-block']}, updates {updates} {entry['update-block']}: {advice}")
            sites = tuple(_sites(template, found, {r: s for r, (s, _) in successors.items()}))
            through = _through(key)
            blocked = any(lifecycle.create_blocked(runtime) for runtime in runtimes)
            # critical once creation is blocked, high before: the finding is made with its severity
            yield Finding(self.code, self.name, "critical" if blocked else "high",
                          f"{label} uses a deprecated runtime{through}: {'; '.join(parts)}", jp.join(where),
                          resource, payload=RuntimePayload(sites, all(same for _, same in successors.values())))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: RuntimePayload = finding.payload
        if any(site.new is None and site.keep is None for site in payload.sites):
            return None  # a runtime with no successor at all
        ops: list[dict[str, Any]] = []
        removes: list[dict[str, Any]] = []
        for site in payload.sites:
            ops.append(test_op(site.path, site.old))
            if site.new is None:
                removes.append(remove_op(site.path))
            else:
                ops.append(replace_op(site.path, site.new))
        # removals last and from the end of each list, so earlier indexes stay valid
        removes.sort(key=lambda op: [int(p) if p.isdigit() else -1 for p in jp.split(op["path"])], reverse=True)
        news = ", ".join(dict.fromkeys(f"{site.old} -> {site.new or site.keep}" for site in payload.sites))
        if payload.same_family:
            return Fix(f"Change the runtime: {news}", Safety.UNSAFE,
                       "The function's code, its dependencies or its layers may need the old runtime.",
                       tuple(ops + removes))
        return Fix(f"Change the runtime: {news}", Safety.DISPLAY_ONLY,
                   "The successor is another runtime family: the code must be rebuilt for it first.",
                   tuple(ops + removes))


def _runtime_places(template: Template) -> Iterator[tuple[tuple[str, ...], str | None, str]]:
    """(path of the runtime value, resource, label) for every runtime a template writes."""
    globals_ = template.data.get("Globals")
    if isinstance(globals_, dict) and isinstance(globals_.get("Function"), dict) \
            and "Runtime" in globals_["Function"]:
        yield ("Globals", "Function", "Runtime"), None, "SAM Globals"
    for resource in template.resources.values():
        if resource.type in FUNCTION_TYPES and "Runtime" in resource.properties:
            yield ("Resources", resource.name, "Properties", "Runtime"), resource.name, f"Function {resource.name}"
        elif resource.type in LAYER_TYPES and isinstance(resource.properties.get("CompatibleRuntimes"), list):
            yield ("Resources", resource.name, "Properties", "CompatibleRuntimes"), resource.name, f"Layer {resource.name}"


def _candidates(template: Template, where: tuple[str, ...], value: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, literal) of every literal the value can take: itself, Fn::If branches, a parameter's
    Default and AllowedValues, the mapping entries Fn::FindInMap can read."""
    if isinstance(value, str):
        yield where, value
        return
    if isinstance(value, list) and where[-1] == "CompatibleRuntimes":
        for index, item in enumerate(value):
            yield from _candidates(template, where + (str(index),), item)
        return
    if not (isinstance(value, dict) and len(value) == 1):
        return
    (key, inner), = value.items()
    if key == "Fn::If" and isinstance(inner, list) and len(inner) == 3:
        for branch in (1, 2):
            yield from _candidates(template, where + ("Fn::If", str(branch)), inner[branch])
    elif key == "Ref" and isinstance(inner, str) and inner in template.parameters:
        parameter = template.parameters[inner]
        if parameter.has_default:
            yield ("Parameters", inner, "Default"), parameter.default
        for index, allowed in enumerate(parameter.allowed_values):
            yield ("Parameters", inner, "AllowedValues", str(index)), allowed
    elif key == "Fn::FindInMap" and isinstance(inner, list) and len(inner) >= 3 and isinstance(inner[0], str):
        mapping = template.mappings.get(inner[0])
        if not isinstance(mapping, dict):
            return
        tops = [inner[1]] if isinstance(inner[1], str) else list(mapping)
        for top in tops:
            entries = mapping.get(top)
            if not isinstance(entries, dict):
                continue
            seconds = [inner[2]] if isinstance(inner[2], str) else list(entries)
            for second in seconds:
                if isinstance(entries.get(second), str):
                    yield ("Mappings", inner[0], top, second), entries[second]


def _through(paths: tuple[tuple[str, ...], ...]) -> str:
    sections = {path[:2] for path in paths if path[0] in ("Parameters", "Mappings")}
    names = [f"{'parameter' if section == 'Parameters' else 'mapping'} {name}" for section, name in sorted(sections)]
    return f" (through {', '.join(names)})" if names else ""


def _sites(template: Template, found: list[tuple[tuple[str, ...], str]],
           successors: dict[str, str | None]) -> Iterator[Site]:
    """Each deprecated value replaced by its successor; in a list that holds the successor already
    (or gets it from an earlier entry), removed instead."""
    replaced = {path for path, _ in found}
    present: dict[tuple[str, ...], set[Any]] = {}
    for path, runtime in found:
        successor = successors[runtime]
        holder = jp.resolve(template.data, path[:-1])
        if not isinstance(holder, list):
            yield Site(path, runtime, successor, None)
            continue
        kept = present.setdefault(path[:-1], {
            item for index, item in enumerate(holder) if path[:-1] + (str(index),) not in replaced})
        if successor is not None and successor in kept:
            yield Site(path, runtime, None, successor)
        else:
            kept.add(successor)
            yield Site(path, runtime, successor, None)
