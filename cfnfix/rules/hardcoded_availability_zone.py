"""CFX601 hardcoded-availability-zone: a literal zone name exists in one region only."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, NamedTuple

from .. import kit
from .. import pointer as jp
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
# parameter types whose value is a list of zone names (a CommaDelimitedList only when its default is one)
LIST_ZONE_TYPES = ("List<AWS::EC2::AvailabilityZone::Name>", "CommaDelimitedList")
# some regions offer two zones to a new account: more than this many is worth a warning
FEW_ZONES = 2
MOVE_REASON = "A subnet, instance or database moved to another zone is replaced, its data with it."
PARAMETER_REASON = ("The resources placed in the zones are replaced, and deployments that pass the parameter "
                    "fail: the parameter interface changes.")
# the template sections where Fn::GetAZs may stand in for a value (not Conditions, Rules or Metadata)
REWRITABLE_SECTIONS = ("Resources", "Outputs")


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


def list_zones(value: Any) -> tuple[str, ...] | None:
    """The zones of a list parameter's default (``us-east-1a, us-east-1b``) when every item is one."""
    if not isinstance(value, str):
        return None
    # CloudFormation trims the spaces around each item of a comma-delimited list
    items = tuple(item.strip() for item in value.split(","))
    return items if all(zone_of(item) for item in items) else None


class ZoneSite(NamedTuple):
    """One literal zone at ``path``, and the ``Fn::GetAZs`` index it becomes."""

    path: tuple[str, ...]
    zone: str
    index: int


class ZonePayload(NamedTuple):
    sites: tuple[ZoneSite, ...]
    # a parameter whose default is the zone: removed, and these Refs to it replaced by the zone's Select
    parameter: str | None = None
    refs: tuple[tuple[str, ...], ...] = ()


class Rewrite(NamedTuple):
    """The value at ``path`` (``old``, pinned) becomes ``new``: a zone's Select, or a list of them."""

    path: tuple[str, ...]
    old: Any
    new: Any


class SourcePayload(NamedTuple):
    """A parameter or a mapping whose zones the template reads: each read rewritten, then the
    source removed (``removes``, their values pinned by ``pins``; ``whole`` when the entry goes
    entirely); ``blocked`` says why a read cannot be rewritten, and the fix is then display-only
    and removes nothing."""

    kind: str  # "parameter" or "mapping"
    name: str
    rewrites: tuple[Rewrite, ...]
    pins: tuple[tuple[tuple[str, ...], Any], ...] = ()
    removes: tuple[tuple[str, ...], ...] = ()
    whole: bool = False
    blocked: str | None = None


class GroupPayload(NamedTuple):
    """Sources whose fixes together empty ``section``: one fix for all, which removes the section."""

    section: str
    members: tuple[SourcePayload, ...]


def select_az(index: int) -> dict[str, Any]:
    return {"Fn::Select": [index, {"Fn::GetAZs": ""}]}


class Ranks:
    """One ranking of every zone the template uses (literal, parameter default or mapping): a
    zone's index is its letter's rank among the letters of its region's zones in the template."""

    def __init__(self, zones: Iterable[str]):
        letters: dict[str, set[str]] = {}
        for zone in zones:
            region, letter = zone_of(zone)  # type: ignore[misc]
            letters.setdefault(region, set()).add(letter)
        self.regions = {region: {letter: index for index, letter in enumerate(sorted(found))}
                        for region, found in letters.items()}

    def index(self, zone: str) -> int:
        region, letter = zone_of(zone)  # type: ignore[misc]
        return self.regions[region][letter]

    def warning(self, zones: Iterable[str]) -> str:
        regions = {zone_of(zone)[0] for zone in zones}  # type: ignore[index]
        crowded = sorted(region for region in regions if len(self.regions[region]) > FEW_ZONES)
        return "".join(f"; the template uses {len(self.regions[r])} zones of {r}, and some regions offer only "
                       f"{FEW_ZONES} to a new account" for r in crowded)


class _Uses:
    """Where the template uses each parameter, found in one walk: plain Refs (by path), and the
    parameters used any other way (a Sub variable, a condition, the interface metadata)."""

    def __init__(self, template: Template, names: set[str]):
        self.refs: dict[str, list[tuple[str, ...]]] = {name: [] for name in names}
        self.other: set[str] = set()
        for section in REWRITABLE_SECTIONS:
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


def _function_at(path: tuple[str, ...]) -> str | None:
    """The function whose argument the value at ``path`` is part of (a branch of an ``Fn::If`` is
    the If's value, not its argument), else None: there a list may not stand for a Ref or a map."""
    for index, part in enumerate(path):
        if part == "Fn::If" and index + 1 < len(path) and path[index + 1] in ("1", "2"):
            continue
        if part.startswith("Fn::") or part == "Ref":
            return part
    return None


def _literal_index(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class _Read(NamedTuple):
    """One ``Fn::FindInMap``: where it is, the value it stands for (``unit``: itself, or the
    ``Fn::Select`` that picks item ``index`` of the list it reads), and the entries it may read."""

    path: tuple[str, ...]
    unit: tuple[str, ...]
    mapping: str | None  # None: the mapping's name is computed, so it may be any
    entries: tuple[tuple[str, str], ...]
    index: int | None
    by_region: bool  # the top-level key is AWS::Region
    has_default: bool  # a DefaultValue (AWS::LanguageExtensions)


def _reads(template: Template, maps: list[tuple[tuple[str, ...], Any]]) -> list[_Read]:
    """The ``Fn::FindInMap``s of ``maps`` (``kit.find_in_maps``) that have three or four arguments."""
    found: list[_Read] = []
    for where, args in maps:
        if not (isinstance(args, list) and len(args) in (3, 4)):
            continue
        index = None
        unit = where
        parent = jp.resolve(template.data, where[:-1]) if where[-2:] == ("Fn::Select", "1") else None
        if isinstance(parent, list) and len(parent) == 2:
            index = _literal_index(parent[0])
            unit = where[:-2] if index is not None else where
        found.append(_Read(where, unit, args[0] if isinstance(args[0], str) else None,
                           kit.map_entries(template.mappings, args), index, args[1] == {"Ref": "AWS::Region"},
                           len(args) == 4))
    return found


def _read_values(read: _Read, table: dict[str, Any]) -> list[Any]:
    """The values ``read`` may give (its Select's item, when it has one); missing entries give none."""
    values = []
    for top, second in read.entries:
        value = table[top][second]
        if read.index is not None:
            if not isinstance(value, list) or read.index >= len(value):
                continue
            value = value[read.index]
        values.append(value)
    return values


def _zones_in(values: Iterable[Any]) -> list[str]:
    zones: list[str] = []
    for value in values:
        for item in value if isinstance(value, list) else (value,):
            if zone_of(item):
                zones.append(item)
    return zones


def _may_hold_zones(mappings: dict[str, Any]) -> bool:
    """A quick look before the walk for reads: whether any mapping value is a zone, or lists one."""
    for table in mappings.values():
        if isinstance(table, dict):
            for entry in table.values():
                if isinstance(entry, dict) and _zones_in(entry.values()):
                    return True
    return False


def _site_paths(template: Template) -> set[tuple[str, ...]]:
    """The pointers of every value in a zone property: each item of a list of zones, and the list."""
    return {path for _, _, path, _ in kit.placed(template, _zone_and_list_places())}


@lru_cache(maxsize=1)
def _zone_and_list_places() -> dict[str, tuple[str, ...]]:
    """``zone_places`` with the list itself beside each list-item pattern."""
    return {resource_type: tuple(whole for pattern in patterns
                                 for whole in ((pattern, pattern[:-2]) if pattern.endswith("/*") else (pattern,)))
            for resource_type, patterns in zone_places().items()}


def _rewrite_read(read: _Read, values: list[Any], data: Any, ranks: Ranks) -> Rewrite | str:
    """The read's value as Selects of Fn::GetAZs, or why it cannot be one."""
    where = jp.join(read.unit)
    if read.unit[0] not in REWRITABLE_SECTIONS:
        return f"it is read in {read.unit[0]} ({where}), where Fn::GetAZs cannot stand"
    if any(part.startswith("Fn::ForEach") for part in read.unit):
        return f"it is read under Fn::ForEach ({where})"
    if read.has_default:
        return f"the read at {where} has a DefaultValue"
    old = jp.resolve(data, read.unit)
    if values and all(zone_of(value) for value in values):
        indexes = sorted({ranks.index(value) for value in values})
        if len(indexes) == 1:
            return Rewrite(read.unit, old, select_az(indexes[0]))
        return f"the read at {where} gives zones of different ranks ({', '.join(sorted(set(values)))})"
    if values and all(isinstance(value, list) and value and all(zone_of(item) for item in value) for value in values):
        rows = {tuple(ranks.index(zone) for zone in value) for value in values}
        function = _function_at(read.unit[3:])
        if len(rows) == 1 and function is None:
            return Rewrite(read.unit, old, [select_az(index) for index in next(iter(rows))])
        if function is not None:
            return f"{function} takes the whole list at {where}"
        return f"the read at {where} gives lists of zones that differ in length or rank"
    return f"the read at {where} gives values that are not all zone names"


class HardcodedAvailabilityZone(Rule):
    """## What it does
    Finds literal availability zone names (`us-east-1a`) in the properties that place a resource
    in a zone (the list cfn-lint's W3010 checks: `AvailabilityZone` of subnets, instances,
    volumes, DB instances..., `AvailabilityZones` of Auto Scaling groups, DB clusters, classic
    load balancers), in either branch of an `Fn::If`; in the `Default` of a parameter of type
    `String` or `AWS::EC2::AvailabilityZone::Name`, or of type
    `List<AWS::EC2::AvailabilityZone::Name>` or `CommaDelimitedList` whose default lists zones
    (`us-east-1a,us-east-1b`); and in a mapping whose zones an `Fn::FindInMap` reads into one of
    those properties (a zone, or a list of zones picked from with `Fn::Select`). A mapping keyed
    by region (`RegionMap: {us-east-1: {AZ1: us-east-1a}, eu-west-1: {AZ1: eu-west-1a}}`, read
    with `!Ref AWS::Region`) is a finding too: it works in the regions it lists and fails in every
    other. Zone ids (`use1-az1`), Local Zones (`us-west-2-lax-1a`) and Wavelength zones are left
    alone: they are single-region by design and `Fn::GetAZs` does not list them.

    ## Why does this fail?
    A zone name exists in one region only, so the stack cannot be created in any other region
    (`Value (us-east-1a) for parameter availabilityZone is invalid`, or for a mapping `Mapping
    key not found`), and even in its own region a zone may not be offered to a new account.

    ## Fix
    Writes `Fn::Select [i, Fn::GetAZs ""]`, where `i` is the zone's rank by letter among the zones
    of its region the template uses, counted once over every literal, default and mapping zone
    (`us-east-1a`, `us-east-1c` become indexes 0 and 1), so zones that were distinct stay distinct
    and in order. A parameter whose default is a zone is removed and each `Ref` to it becomes that
    `Fn::Select`, when nothing else uses it (a `Fn::Sub` variable, a condition, the console
    interface metadata); otherwise the fix is display-only. A list parameter is removed the same
    way: `Fn::Select [n, Ref List]` becomes the Select of item `n`'s zone, and a use of the whole list
    (`AvailabilityZones: !Ref List`) becomes the list of its zones' Selects, so a resource keeps
    its number of zones; when a use cannot be rewritten (the whole list inside `Fn::Join` or
    another function, a Select without a literal index, a Sub, a condition, the interface) the
    fix is display-only. For a mapping, every `Fn::FindInMap` that reads its zones (into a zone
    property or anywhere else in Resources and Outputs, so they stay the same zones) becomes the
    Select, or the list of Selects, when it gives one rank whatever the keys (a region-keyed
    mapping whose every region lists its own zones in the same order); then the entries nothing
    reads any more are removed, the mapping when nothing reads it, and the Mappings section when
    it is left empty. A read it cannot rewrite (in a condition, of zones of different ranks, of
    values that are not zones) makes the fix display-only, or leaves the finding without a fix
    when no read can be rewritten at all. When the parameters or mappings these
    fixes remove are all the section has, they share one fix that removes the section as well. A
    template that uses more than two zones of a region gets a warning in the message: some
    regions offer only two zones to a new account.

    ## Fix safety
    Unsafe: the zone is a create-only property of a subnet, instance or volume, so the resource is
    replaced (its data too, for a volume or database), and index `i` may name another zone than the
    literal did (for a region-keyed mapping, in every region it lists). Removing a parameter also
    breaks deployments that pass it: the stack's parameter interface changes.

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
        parameters = [(name, (parameter.default,)) for name, parameter in template.parameters.items()
                      if parameter.type in SINGLE_ZONE_TYPES and parameter.has_default
                      and zone_of(parameter.default)]
        parameters += [(name, zones) for name, parameter in template.parameters.items()
                       if parameter.type in LIST_ZONE_TYPES and parameter.has_default
                       and (zones := list_zones(parameter.default))]
        maps = list(kit.find_in_maps(template.data)) if _may_hold_zones(template.mappings) else []
        reads = _reads(template, maps)
        mappings = _zone_mappings(template, reads)
        if not properties and not parameters and not mappings:
            return
        used = [zone for _, _, zones in properties for _, zone in zones]
        used += [zone for _, zones in parameters for zone in zones]
        used += [zone for found in mappings.values() for _, values in found for zone in _zones_in(values)]
        ranks = Ranks(used)
        for resource, where, zones in properties:
            names = ", ".join(dict.fromkeys(zone for _, zone in zones))
            yield self.finding(f"{resource} hard-codes availability zone {names}, which exists in one region only"
                               f"{ranks.warning([zone for _, zone in zones])}", where, resource,
                               ZonePayload(tuple(ZoneSite(path, zone, ranks.index(zone)) for path, zone in zones)))
        sources: list[tuple[str, tuple[str, ...], SourcePayload]] = []
        uses = _Uses(template, {name for name, _ in parameters}) if parameters else None
        for name, zones in parameters:
            assert uses is not None
            payload = _parameter_payload(template, name, zones, uses, ranks)
            how = ("; it is not used" if not uses.refs[name] else
                   f"; {payload.blocked}, {_held(payload)}" if payload.blocked else "")
            what = (f"availability zone {zones[0]}, which exists" if template.parameters[name].type in SINGLE_ZONE_TYPES
                    else f"availability zones {', '.join(zones)}, which exist")
            sources.append((f"Parameter {name} defaults to {what} in one region only{how}{ranks.warning(zones)}",
                            ("Parameters", name, "Default"), payload))
        for name, found in mappings.items():
            payload = _mapping_payload(template, name, found, maps, ranks)
            sources.append((_mapping_message(template, name, found, payload, ranks), ("Mappings", name), payload))
        for message, where, payload in _grouped(template, sources):
            yield self.finding(message, where, None, payload)

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload = finding.payload
        if isinstance(payload, SourcePayload):
            return _source_fix(payload)
        if isinstance(payload, GroupPayload):
            return _group_fix(payload)
        ops = []
        for zone_site in payload.sites:
            ops += [kit.test_op(zone_site.path, zone_site.zone), kit.replace_op(zone_site.path, select_az(zone_site.index))]
        moves = ", ".join(f"{s.zone} -> zone {s.index}" for s in payload.sites)
        return Fix(f"Select the zone from Fn::GetAZs: {moves}", Safety.UNSAFE, MOVE_REASON, tuple(ops))


def _parameter_payload(template: Template, name: str, zones: tuple[str, ...], uses: _Uses,
                       ranks: Ranks) -> SourcePayload:
    """Each Ref to parameter ``name`` as a Select of Fn::GetAZs (a list of them for a whole list
    of zones), then the parameter removed."""
    default_path = ("Parameters", name, "Default")
    pins = ((default_path, template.parameters[name].default),)
    single = template.parameters[name].type in SINGLE_ZONE_TYPES
    rewrites: list[Rewrite] = []
    blocked: list[str] = []
    if name in uses.other:
        blocked.append("it is used beyond plain Refs (a Sub, a condition or the interface)")
    for path in sorted(uses.refs[name]):
        if single:
            rewrites.append(Rewrite(path, {"Ref": name}, select_az(ranks.index(zones[0]))))
        elif path[-2:] == ("Fn::Select", "1"):
            select = jp.resolve(template.data, path[:-2])
            index = _literal_index(select["Fn::Select"][0]) if len(select["Fn::Select"]) == 2 else None
            if index is None:
                blocked.append(f"the Fn::Select at {jp.join(path[:-2])} has no literal index")
            elif index >= len(zones):
                blocked.append(f"the Fn::Select at {jp.join(path[:-2])} picks item {index} of {len(zones)}")
            else:
                rewrites.append(Rewrite(path[:-2], select, select_az(ranks.index(zones[index]))))
        elif (function := _function_at(path[3:])) is not None:
            blocked.append(f"{function} takes the whole list at {jp.join(path)}")
        else:
            rewrites.append(Rewrite(path, {"Ref": name}, [select_az(ranks.index(zone)) for zone in zones]))
    if not uses.refs[name]:
        blocked.append("it is not used")
    if blocked:
        return SourcePayload("parameter", name, tuple(rewrites), pins, blocked="; ".join(blocked))
    return SourcePayload("parameter", name, tuple(rewrites), pins, (kit.removal(template, "Parameters", name),),
                         whole=True)


def _held(payload: SourcePayload) -> str:
    """What a blocked source's fix is: display-only, or none when no read could be rewritten."""
    return "so the fix is display-only" if payload.rewrites else "so it is reported only"


def _mapping_message(template: Template, name: str, found: list[tuple[_Read, list[Any]]], payload: SourcePayload,
                     ranks: Ranks) -> str:
    zones = sorted(set(_zones_in(values for _, values in found)))
    readers = ", ".join(dict.fromkeys(read.unit[1] for read, _ in found if read.unit[0] == "Resources"))
    how = f"; {payload.blocked}, {_held(payload)}" if payload.blocked else ""
    table = template.mappings[name]
    # keyed by region: every read looks up AWS::Region, and each region's entries are its own zones
    by_region = all(read.by_region and all(zone_of(zone)[0] == top  # type: ignore[index]
                                           for top, second in read.entries for zone in _zones_in([table[top][second]]))
                    for read, _ in found)
    if by_region:
        message = (f"Mapping {name} gives each region it lists its own availability zones ({', '.join(zones)}), "
                   f"read by {readers}: in any other region the stack fails")
    else:
        message = (f"Mapping {name} holds availability zone{'s' * (len(zones) > 1)} {', '.join(zones)}, "
                   f"read by {readers}, which exist{'s' * (len(zones) == 1)} in one region only")
    return f"{message}{how}{ranks.warning(zones)}"


def _grouped(template: Template, sources: list[tuple[str, tuple[str, ...], SourcePayload]]
             ) -> list[tuple[str, tuple[str, ...], Any]]:
    """The sources, where fixes that together empty a section share one fix that removes it.

    Each fix alone leaves the others' entries, so none of them could remove the section; one of
    them waiting a pass would not do either, as the zones the others removed would be gone from
    the ranking then. So every source of such a group gets the group's fix: the first applies
    it, and the others are fixed with it."""
    out: list[tuple[str, tuple[str, ...], Any]] = list(sources)
    for section in ("Parameters", "Mappings"):
        entries = template.data.get(section)
        members = [i for i, (_, _, payload) in enumerate(sources)
                   if payload.whole and payload.kind == ("parameter" if section == "Parameters" else "mapping")]
        if len(members) < 2 or not isinstance(entries, dict) or {sources[i][2].name for i in members} != set(entries):
            continue
        group = GroupPayload(section, tuple(sources[i][2] for i in members))
        for i in members:
            out[i] = (sources[i][0], sources[i][1], group)
    return out


def _zone_mappings(template: Template, reads: list[_Read]) -> dict[str, list[tuple[_Read, list[Any]]]]:
    """Mapping -> the reads of its zones (each with the values it may give), for every mapping
    whose zones a read puts in a zone property."""
    if not reads:
        return {}
    by_mapping: dict[str, list[tuple[_Read, list[Any]]]] = {}
    for read in reads:
        table = template.mappings.get(read.mapping) if read.mapping is not None else None
        if not isinstance(table, dict):
            continue
        values = _read_values(read, table)
        if _zones_in(values):
            by_mapping.setdefault(read.mapping, []).append((read, values))  # type: ignore[arg-type]
    sites = _site_paths(template) if by_mapping else set()
    return {name: found for name, found in by_mapping.items() if any(read.unit in sites for read, _ in found)}


def _mapping_payload(template: Template, name: str, found: list[tuple[_Read, list[Any]]],
                     maps: list[tuple[tuple[str, ...], Any]], ranks: Ranks) -> SourcePayload:
    """Every read of mapping ``name``'s zones as Selects of Fn::GetAZs, then what nothing reads removed."""
    rewrites: list[Rewrite] = []
    blocked: list[str] = []
    for read, values in found:
        rewrite = _rewrite_read(read, values, template.data, ranks)
        if isinstance(rewrite, Rewrite):
            rewrites.append(rewrite)
        else:
            blocked.append(rewrite)
    if blocked:
        return SourcePayload("mapping", name, tuple(rewrites), blocked="; ".join(dict.fromkeys(blocked)))
    # the reads themselves: the Select a unit adds around one holds only a literal index, no other read
    removes = kit.unread_entries(template, name, [read.path for read, _ in found], maps=maps)
    if removes == [kit.removal(template, "Mappings", name)]:
        return SourcePayload("mapping", name, tuple(rewrites), ((("Mappings", name), template.mappings[name]),),
                             tuple(removes), whole=True)
    pins = tuple((path, jp.resolve(template.data, path)) for path in removes)
    return SourcePayload("mapping", name, tuple(rewrites), pins, tuple(removes))


def _source_fix(payload: SourcePayload) -> Fix | None:
    ops = _rewrite_ops(payload)
    if payload.blocked is not None:
        if not payload.rewrites:
            return None
        return Fix(f"Select the zones of {payload.kind} {payload.name} from Fn::GetAZs where it can be done",
                   Safety.DISPLAY_ONLY, f"The {payload.kind} stays: {payload.blocked}.", tuple(ops))
    ops += [kit.remove_op(path) for path in payload.removes]
    if payload.kind == "parameter":
        indexes = sorted({select["Fn::Select"][0] for rewrite in payload.rewrites
                          for select in (rewrite.new if isinstance(rewrite.new, list) else [rewrite.new])})
        return Fix(f"Replace parameter {payload.name} by zone{'s' * (len(indexes) > 1)} "
                   f"{', '.join(map(str, indexes))} of Fn::GetAZs", Safety.UNSAFE, PARAMETER_REASON, tuple(ops))
    gone = ("the mapping" if payload.whole else "the entries nothing else reads" if payload.removes else "")
    return Fix(f"Select the zones of mapping {payload.name} from Fn::GetAZs" + (f", remove {gone}" if gone else ""),
               Safety.UNSAFE, MOVE_REASON, tuple(ops))


def _group_fix(group: GroupPayload) -> Fix:
    ops = [op for member in group.members for op in _rewrite_ops(member)]
    ops.append(kit.remove_op((group.section,)))
    kind = group.members[0].kind
    names = ", ".join(member.name for member in group.members)
    return Fix(f"Select the zones of {kind}s {names} from Fn::GetAZs, remove the {group.section} section",
               Safety.UNSAFE, PARAMETER_REASON if kind == "parameter" else MOVE_REASON, tuple(ops))


def _rewrite_ops(payload: SourcePayload) -> list[dict[str, Any]]:
    ops = [kit.test_op(path, value) for path, value in payload.pins]
    for rewrite in payload.rewrites:
        ops += [kit.test_op(rewrite.path, rewrite.old), kit.replace_op(rewrite.path, rewrite.new)]
    return ops


def _property_zones(template: Template) -> Iterator[tuple[str, tuple[str, ...], list[tuple[tuple[str, ...], str]]]]:
    """(resource, pointer of the property, [(path, zone)]) for every property that holds literal zones."""
    found: dict[tuple[str, ...], tuple[str, list[tuple[tuple[str, ...], str]]]] = {}
    for resource, pattern, path, value in kit.placed(template, zone_places()):
        if zone_of(value):
            # one finding per property, or per list of zones (each Fn::If branch its own)
            owner = path[:-1] if pattern.endswith("/*") else path
            found.setdefault(owner, (resource.name, []))[1].append((path, value))
    for owner, (resource_name, zones) in found.items():
        yield resource_name, owner, zones
