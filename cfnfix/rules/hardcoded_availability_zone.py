"""CFX601 hardcoded-availability-zone: a literal zone name exists in one region only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from .. import kit
from ..kit import Plan, Safety
from ..rule import Finding, Fix, Rule
from ..model.template import Template
from ..values import aws_data

# a zone name is its region and one letter (us-east-1a, us-gov-west-1b, cn-north-1a); Local Zones
# (us-west-2-lax-1a), Wavelength zones (us-east-1-wl1-bos-wlz-1) and zone ids (use1-az1) are not:
# they exist in one region by design, and GetAZs does not list them
ZONE = re.compile(r"^(?P<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2})(?P<letter>[a-z])$")
# parameter types whose value is one zone name
SINGLE_ZONE_TYPES = ("String", "AWS::EC2::AvailabilityZone::Name")
# some regions offer two zones to a new account: more than this many is worth a warning
FEW_ZONES = 2


@lru_cache(maxsize=1)
def zone_places() -> dict[str, tuple[str, ...]]:
    """Resource type -> the property paths that hold zone names (cfn-lint W3010's own list)."""
    table = aws_data("placement_properties.json")["availability_zones"]
    return {resource_type: tuple(paths) for resource_type, paths in table.items()}


def zone_of(value: Any) -> tuple[str, str] | None:
    """(region, letter) of a literal zone name, else None."""
    if not isinstance(value, str):
        return None
    match = ZONE.match(value)
    return (match.group("region"), match.group("letter")) if match else None


@dataclass(frozen=True)
class ZoneSite:
    """One literal zone at ``path``, and the ``Fn::GetAZs`` index it becomes."""

    path: tuple[str, ...]
    zone: str
    index: int


@dataclass(frozen=True)
class ZonePayload:
    sites: tuple[ZoneSite, ...]
    # a parameter whose default is the zone: removed, and these Refs to it replaced by the zone's Select
    parameter: str | None = None
    refs: tuple[tuple[str, ...], ...] = ()


def select_az(index: int) -> dict[str, Any]:
    return {"Fn::Select": [index, {"Fn::GetAZs": ""}]}


class _Uses:
    """Where the template uses each parameter, found in one walk: plain Refs (by path), and the
    parameters used any other way (a Sub variable, a condition, the interface metadata)."""

    def __init__(self, template: Template, names: set[str]):
        self.refs: dict[str, list[tuple[str, ...]]] = {name: [] for name in names}
        self.other: set[str] = set()
        for section in ("Resources", "Outputs"):
            entries = template.data.get(section)
            if isinstance(entries, dict):
                self._walk((section,), entries, names)
        for section in ("Conditions", "Metadata", "Rules"):
            if section in template.data:
                self.other |= {name for name in names if name in kit.referenced(template.data[section])
                               or _mentions(template.data[section], name)}

    def _walk(self, path: tuple[str, ...], value: Any, names: set[str]) -> None:
        stack = [(path, value)]
        while stack:
            where, item = stack.pop()
            if isinstance(item, dict):
                if kit.intrinsic(item) == "Ref" and item["Ref"] in names:
                    self.refs[item["Ref"]].append(where)
                    continue
                if kit.intrinsic(item) in ("Fn::Sub", "Fn::GetAtt"):
                    self.other |= names & kit.referenced(item)
                stack.extend((where + (key,), child) for key, child in item.items())
            elif isinstance(item, list):
                stack.extend((where + (str(index),), child) for index, child in enumerate(item))


def _mentions(value: Any, name: str) -> bool:
    """Whether ``name`` appears as a string anywhere in ``value`` (an interface's parameter list)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item == name:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class HardcodedAvailabilityZone(Rule):
    """## What it does
    Finds literal availability zone names (`us-east-1a`) in the properties that place a resource
    in a zone (the list cfn-lint's W3010 checks: `AvailabilityZone` of subnets, instances,
    volumes, DB instances..., `AvailabilityZones` of Auto Scaling groups, DB clusters, classic
    load balancers), in either branch of an `Fn::If`, and in the `Default` of a parameter of type
    `String` or `AWS::EC2::AvailabilityZone::Name`. Zone ids (`use1-az1`), Local Zones
    (`us-west-2-lax-1a`) and Wavelength zones are left alone: they are single-region by design and
    `Fn::GetAZs` does not list them.

    ## Why does this fail?
    A zone name exists in one region only, so the stack cannot be created in any other region
    (`Value (us-east-1a) for parameter availabilityZone is invalid`), and even in its own region a
    zone may not be offered to a new account.

    ## Fix
    Writes `Fn::Select [i, Fn::GetAZs ""]`, where `i` is the zone's rank by letter among the zones
    of its region the template uses (`us-east-1a`, `us-east-1c` become indexes 0 and 1), so zones
    that were distinct stay distinct and in order. A parameter whose default is a zone is removed
    and each `Ref` to it becomes that `Fn::Select`, when nothing else uses it (a `Fn::Sub`
    variable, a condition, the console interface metadata); otherwise it is reported only. A
    template that uses more than two zones of a region gets a warning in the message: some
    regions offer only two zones to a new account.

    ## Fix safety
    Unsafe: the zone is a create-only property of a subnet, instance or volume, so the resource is
    replaced (its data too, for a volume or database), and index `i` may name another zone than the
    literal did. Removing a parameter also breaks deployments that pass it.

    ## Options
    None.
    """

    code = "CFX601"
    name = "hardcoded-availability-zone"
    severity = "medium"
    summary = "An availability zone name is hard-coded"
    fix_title = "Select the zone from Fn::GetAZs"
    resolves = ("W3010",)

    def detect(self, template: Template) -> Iterator[Finding]:
        properties = list(_property_zones(template))
        parameters = [(name, zone) for name, parameter in template.parameters.items()
                      if parameter.type in SINGLE_ZONE_TYPES and parameter.has_default
                      and (zone := zone_of(parameter.default))]
        if not properties and not parameters:
            return
        letters: dict[str, set[str]] = {}
        for _, _, zones in properties:
            for _, zone in zones:
                region, letter = zone_of(zone)  # type: ignore[misc]
                letters.setdefault(region, set()).add(letter)
        for _, (region, letter) in parameters:
            letters.setdefault(region, set()).add(letter)
        ranks = {region: {letter: index for index, letter in enumerate(sorted(found))}
                 for region, found in letters.items()}

        def site(path: tuple[str, ...], zone: str) -> ZoneSite:
            region, letter = zone_of(zone)  # type: ignore[misc]
            return ZoneSite(path, zone, ranks[region][letter])

        def warning(zones: list[str]) -> str:
            crowded = sorted({zone_of(z)[0] for z in zones if len(ranks[zone_of(z)[0]]) > FEW_ZONES})  # type: ignore[index]
            return "".join(f"; the template uses {len(ranks[r])} zones of {r}, and some regions offer only "
                           f"{FEW_ZONES} to a new account" for r in crowded)

        for resource, where, zones in properties:
            names = ", ".join(dict.fromkeys(zone for _, zone in zones))
            yield self.finding(f"{resource} hard-codes availability zone {names}, which exists in one region only"
                               f"{warning([zone for _, zone in zones])}", where, resource,
                               ZonePayload(tuple(site(path, zone) for path, zone in zones)))
        uses = _Uses(template, {name for name, _ in parameters}) if parameters else None
        for name, _ in parameters:
            zone = template.parameters[name].default
            refs = tuple(sorted(uses.refs[name])) if uses else ()
            fixable = uses is not None and name not in uses.other and bool(refs)
            how = "" if fixable else ("; it is not used" if not refs else
                                      "; it is used beyond plain Refs (a Sub, a condition or the interface), "
                                      "so it is reported only")
            yield self.finding(f"Parameter {name} defaults to availability zone {zone}, which exists in one region "
                               f"only{how}{warning([zone])}", ("Parameters", name, "Default"), None,
                               ZonePayload((site(("Parameters", name, "Default"), zone),),
                                           name if fixable else None, refs))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: ZonePayload = finding.payload
        if payload.sites[0].path[0] == "Parameters":
            if payload.parameter is None:
                return None
            (only,) = payload.sites
            ops = [kit.test_op(only.path, only.zone)]
            for path in payload.refs:
                ops += [kit.test_op(path, {"Ref": payload.parameter}), kit.replace_op(path, select_az(only.index))]
            ops.append(kit.remove_op(("Parameters", payload.parameter)))
            if len(template.parameters) == 1 and len(template.data.get("Parameters") or {}) == 1:
                ops[-1] = kit.remove_op(("Parameters",))
            return Fix(f"Replace parameter {payload.parameter} by zone {only.index} of Fn::GetAZs", Safety.UNSAFE,
                       "The resources placed in the zone are replaced, and deployments that pass the "
                       "parameter fail.", tuple(ops))
        ops = []
        for zone_site in payload.sites:
            ops += [kit.test_op(zone_site.path, zone_site.zone), kit.replace_op(zone_site.path, select_az(zone_site.index))]
        moves = ", ".join(f"{s.zone} -> zone {s.index}" for s in payload.sites)
        return Fix(f"Select the zone from Fn::GetAZs: {moves}", Safety.UNSAFE,
                   "A subnet, instance or database moved to another zone is replaced, its data with it.", tuple(ops))


def _property_zones(template: Template) -> Iterator[tuple[str, tuple[str, ...], list[tuple[tuple[str, ...], str]]]]:
    """(resource, pointer of the property, [(path, zone)]) for every property that holds literal zones."""
    places = zone_places()
    for resource in template.resources.values():
        paths = places.get(resource.type)
        if not paths or not resource.properties:
            continue
        base = ("Resources", resource.name, "Properties")
        for pattern in paths:
            found: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
            for path, value in kit.walk(resource.properties, pattern, base):
                if zone_of(value):
                    # one finding per property, or per list of zones (each Fn::If branch its own)
                    owner = path[:-1] if pattern.endswith("/*") else path
                    found.setdefault(owner, []).append((path, value))
            for owner, zones in found.items():
                yield resource.name, owner, zones

