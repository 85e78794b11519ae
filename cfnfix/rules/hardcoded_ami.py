"""CFX603 hardcoded-ami: a literal AMI id exists in one region only and goes stale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from .. import kit
from .. import pointer as jp
from ..kit import Plan, Safety
from ..model.template import Template
from ..options import option
from ..rule import Finding, Fix, Rule
from ..values import aws_data

SSM_IMAGE_TYPE = "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
# parameter types a literal AMI default is read through: String only where an image property Refs it
IMAGE_PARAMETER_TYPES = ("AWS::EC2::Image::Id", "String")
# the keys a retyped parameter may have: AllowedValues or AllowedPattern would refuse the path
RETYPABLE_KEYS = frozenset({"Type", "Default", "Description", "ConstraintDescription"})
PARAMETER_BASE = "LatestAmiId"  # the name AWS's own templates give this parameter
AMI_LIKE = re.compile(r"^ami-[0-9A-Za-z]+$")
AMI_ID = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
# ids people type when they have none: counting runs (ami-12345678, ami-1234567890abcdef0)
COUNTING = ("1234567890abcdef0", "0123456789abcdef0", "abcdef0123456789a")
PUBLIC_PATH = re.compile(r"^/aws/service/[A-Za-z0-9_./-]+$")
_SEPARATORS = re.compile(r"[\s_.\-]+")


@lru_cache(maxsize=1)
def image_places() -> dict[str, tuple[str, ...]]:
    """Resource type -> the property paths that hold an AMI id (cfn-lint W2506's own list)."""
    table = aws_data("placement_properties.json")["image_ids"]
    return {resource_type: tuple(paths) for resource_type, paths in table.items()}


@lru_cache(maxsize=1)
def public_images() -> dict[str, Any]:
    return aws_data("public_images.json")


@lru_cache(maxsize=1)
def _hint_patterns() -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    """(pattern, family key or unpublished family name, published) for every hint."""
    data = public_images()
    out = []
    for key, family in data["families"].items():
        out += [(re.compile(rf"(?<![a-z0-9])(?:{hint})(?![0-9])"), key, True) for hint in family["hints"]]
    for name, hints in data["unpublished"].items():
        if not name.startswith("_"):
            out += [(re.compile(rf"(?<![a-z0-9])(?:{hint})(?![0-9])"), name, False) for hint in hints]
    return tuple(out)


def placeholder(value: str) -> bool:
    """Whether an ``ami-`` value is a stand-in: not of AMI id form, one digit repeated, or a count."""
    digits = value[4:]
    return not AMI_ID.match(value) or len(set(digits)) == 1 or any(run.startswith(digits) for run in COUNTING)


class Stated(NamedTuple):
    """What a template says of an image family: a published one (``key``), or ``label`` alone."""

    key: str | None
    label: str


def stated_family(*texts: Any) -> Stated | None:
    """The image family the texts name (the longest hint wins), None when they name none; two
    families named is a Stated without a key."""
    found: dict[str, tuple[int, str | None]] = {}
    for text in texts:
        if not isinstance(text, str):
            continue
        plain = _SEPARATORS.sub(" ", text.lower())
        best: tuple[int, str, bool] | None = None
        for pattern, family, published in _hint_patterns():
            for match in pattern.finditer(plain):
                if best is None or len(match.group(0)) > best[0]:
                    best = (len(match.group(0)), family, published)
        if best is not None:
            label = public_images()["families"][best[1]]["name"] if best[2] else best[1]
            found[label] = (best[0], best[1] if best[2] else None)
    if not found:
        return None
    if len(found) > 1:
        return Stated(None, " and ".join(sorted(found)))
    ((label, (_, key)),) = found.items()
    return Stated(key, label)


@lru_cache(maxsize=1)
def _arm64() -> re.Pattern[str]:
    return re.compile(public_images()["arm64_instance_types"]["pattern"])


def architecture(template: Template, instance_type: Any) -> str:
    """``arm64`` for a Graviton instance type the template states (a literal, or the Default of
    the parameter it Refs), else ``x86_64``."""
    if kit.intrinsic(instance_type) == "Ref" and instance_type["Ref"] in template.parameters:
        instance_type = template.parameters[instance_type["Ref"]].default
    return "arm64" if isinstance(instance_type, str) and _arm64().match(instance_type) else "x86_64"


def _known_image(value: str | None) -> str | None:
    if value is None or value in public_images()["families"] or PUBLIC_PATH.match(value):
        return value
    raise ValueError(f"{value!r} is neither an image family ({', '.join(public_images()['families'])}) "
                     "nor a public SSM path (/aws/service/...)")


@dataclass(frozen=True)
class Options:
    image: str | None = option(None, check=_known_image,
                               description="the image family (a key of cfnfix/data/public_images.json, "
                                           "such as al2023) or public SSM path that an AMI the template "
                                           "does not name a family for becomes")


class ImageSite(NamedTuple):
    """One value an image property reads: a literal, a Ref to a parameter, or a FindInMap."""

    resource: str
    path: tuple[str, ...]
    value: Any
    arch: str


class AmiPayload(NamedTuple):
    kind: str                          # "literal", "parameter" or "mapping"
    ami: str                           # the id (the first one, for a mapping)
    sites: tuple[ImageSite, ...]       # what becomes a Ref (for a parameter: what Refs it)
    stated: Stated | None
    arches: tuple[str, ...]
    name: str | None = None            # the parameter, or the mapping
    key: str | None = None             # the mapping's second-level key
    fixable: bool = True               # False: reported only (why is in the message)


class HardcodedAmi(Rule):
    """## What it does
    Finds AMI ids written into a template: a literal `ami-...` in an image property (the list
    cfn-lint's W2506 checks: `ImageId` of instances and launch configurations,
    `LaunchTemplateData.ImageId` of launch templates, spot fleet launch specifications, Batch
    compute resources), in either branch of an `Fn::If`; the `Default` of a parameter of type
    `AWS::EC2::Image::Id` (or `String`, when an image property Refs it); and a region-keyed table
    in `Mappings` read through `Fn::FindInMap [Map, !Ref AWS::Region, Key]`. Ids that cannot be
    real (`ami-12345678`, `ami-xxxxxxxx`, `ami-00000000`, ids not of AMI form) are reported too.

    ## Why does this fail?
    An AMI id exists in one region: the stack fails in any other (`The image id '[ami-...]' does
    not exist`), in a region missing from a mapping, and once the image is deregistered; until
    then every launch boots an image without the security fixes released since.

    ## Fix
    The image property Refs a parameter of type
    `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` whose default is the public SSM parameter of
    the image family, resolved in each region at deploy time: an existing parameter with that
    default, else a new `LatestAmiId` (`LatestAmiId2`... for a second family). A parameter with a
    literal default is retyped in place. A mapping read only by the fixed `Fn::FindInMap`s is
    removed; read elsewhere with other keys, only its fixed key is removed from each region.

    An AMI id does not say what it is, so the family is taken from what the template states, never
    guessed: the mapping's name and key (`AMZNLINUX2`, `AL2023`, `amzn2`) or the parameter's name
    and description, matched against the hints of `cfnfix/data/public_images.json` (Amazon Linux
    2023 and 2, ECS-optimized Amazon Linux 2023, Bottlerocket for ECS, Ubuntu 20.04 and 22.04,
    Windows Server 2019 and 2022); else the option `image`. The architecture is `arm64` where the
    resource's instance type is a Graviton one (`t4g`, `m7g`, `c7g`...), else `x86_64`. When
    nothing names the family the fix is display-only, shown with Amazon Linux 2023. When the
    template names a family with no public parameter here (Red Hat, SUSE, CentOS, Debian, a
    Windows or Ubuntu without its version, EKS-optimized, whose path names a Kubernetes version),
    or two families, or a placeholder id, or a table whose key is chosen at deploy time, it is
    reported with no fix or a display-only one.

    ## Fix safety
    Unsafe: `ImageId` is a create-only property of an instance and a launch configuration, so
    they are replaced (a launch template gets a new version, and its instances are replaced as
    they are refreshed), and the current image of the family is not the image the id named. A
    retyped parameter no longer accepts the `ami-` ids deployments may pass today.

    ## Options
    `image`: the family (`al2023`, `ubuntu-22.04`..., a key of the data table) or the public SSM
    path (`/aws/service/...`) that an AMI the template states no family for becomes; unset, such
    an AMI is reported with a display-only fix.
    """

    code = "CFX603"
    name = "hardcoded-ami"
    severity = "medium"
    summary = "An AMI id is hard-coded"
    fix_title = "Read the AMI from a public SSM parameter"
    # W2506: a String parameter an image property Refs is retyped; E1152 (an id of wrong form) is
    # a placeholder this rule only reports
    resolves = ("W2506",)
    Options = Options

    def detect(self, template: Template) -> Iterator[Finding]:
        literals, refs, maps = _image_sites(template)
        for site in literals:
            ami = site.value
            stand_in = placeholder(ami)
            what = (f"placeholder AMI id {ami}, which names no image" if stand_in
                    else f"AMI id {ami}, which exists in one region only")
            yield self.finding(f"{site.resource} hard-codes {what}",
                               site.path, site.resource,
                               AmiPayload("literal", ami, (site,), None, (site.arch,), fixable=not stand_in))
        for name, parameter in template.parameters.items():
            default = parameter.default
            if not (isinstance(default, str) and AMI_LIKE.match(default) and parameter.type in IMAGE_PARAMETER_TYPES):
                continue
            readers = tuple(refs.get(name, ()))
            if parameter.type == "String" and not readers:
                continue
            stated = stated_family(name, parameter.raw.get("Description"))
            arches = tuple(sorted({s.arch for s in readers})) or ("x86_64",)
            why = ""
            if placeholder(default):
                why = "; the id is a placeholder, which names no image"
            elif set(parameter.raw) - RETYPABLE_KEYS:
                why = "; its AllowedValues or AllowedPattern would refuse a parameter path, so it is reported only"
            why = why or _reported_only(stated, arches)
            yield self.finding(f"Parameter {name} defaults to AMI id {default}, which exists in one region only{why}",
                               ("Parameters", name), None,
                               AmiPayload("parameter", default, readers, stated, arches, name,
                                          fixable=not why))
        for (mapping, key), sites in maps.items():
            body = template.data["Mappings"][mapping]
            ids = [entry[key] for entry in body.values()
                   if isinstance(entry, dict) and key is not None and key in entry]
            stated = stated_family(mapping, key)
            arches = tuple(sorted({s.arch for s in sites}))
            readers = ", ".join(dict.fromkeys(s.resource for s in sites))
            if key is None:
                yield self.finding(f"Mapping {mapping} is a table of AMI ids, which exist in one region each; "
                                   f"{readers} read it with a key chosen at deploy time, so it is reported only",
                                   ("Mappings", mapping), None,
                                   AmiPayload("mapping", "", sites, stated, arches, mapping, None, fixable=False))
                continue
            yield self.finding(f"Mapping {mapping} hard-codes an AMI id per region under {key} "
                               f"({len(ids)} region{'s' * (len(ids) != 1)}), read by {readers}; a region "
                               f"missing from it fails{_reported_only(stated, arches)}", ("Mappings", mapping), None,
                               AmiPayload("mapping", ids[0], sites, stated, arches, mapping, key,
                                          fixable=not all(placeholder(i) for i in ids)))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: AmiPayload = finding.payload
        if payload.stated is not None and payload.stated.key is None:
            return None  # the template names a family without a public parameter, or two
        if payload.kind == "mapping" and payload.key is None:
            return None
        if len(payload.arches) > 1:
            return None  # one parameter cannot serve an x86_64 and an arm64 instance
        family = payload.stated.key if payload.stated is not None else self.options.image
        shown = family is None or not payload.fixable
        path = _path(family or public_images()["default_family"], payload.arches[0])
        if path is None:
            return None  # a family published for x86_64 only, on a Graviton instance
        label = _label(family or public_images()["default_family"], payload.arches[0])
        if payload.kind == "parameter":
            name = payload.name
            ops = [kit.test_op(("Parameters", name, "Type"), template.parameters[name].type),
                   kit.test_op(("Parameters", name, "Default"), payload.ami),
                   kit.replace_op(("Parameters", name, "Type"), SSM_IMAGE_TYPE),
                   kit.replace_op(("Parameters", name, "Default"), path)]
            title = f"Make {name} read {label} from its public SSM parameter"
            reason = ("The resources that Ref it are replaced with the current image of the family, and "
                      "deployments that pass an AMI id fail.")
        else:
            name, ops = _parameter_for(template, plan, path, label)
            for site in payload.sites:
                ops += [kit.test_op(site.path, site.value), kit.replace_op(site.path, {"Ref": name})]
            if payload.kind == "mapping":
                # the fixed key goes from every region, or the mapping when nothing else reads it
                fixed = [site.path for site in payload.sites]
                unread = kit.unread_entries(template, payload.name, fixed, whole_keys=True)  # type: ignore[arg-type]
                ops += [kit.remove_op(path) for path in unread]
            title = f"Read {label} from its public SSM parameter through {name}"
            reason = ("An instance or launch configuration is replaced, and boots the current image of the "
                      "family, not the one the id named.")
        if shown:
            why = ("the id is a placeholder" if not payload.fixable else
                   "the template does not say which image family the AMI is; set the option `image`")
            return Fix(title + " (shown)", Safety.DISPLAY_ONLY, f"Shown only: {why}.", tuple(ops))
        return Fix(title, Safety.UNSAFE, reason, tuple(ops))


def _reported_only(stated: Stated | None, arches: tuple[str, ...]) -> str:
    """Why an AMI whose family the template states cannot be fixed, as a message's tail ("" if it can)."""
    if stated is not None and stated.key is None:
        return f"; it names {stated.label}, which has no public SSM parameter here, so it is reported only"
    if len(arches) > 1:
        return "; x86_64 and arm64 instances read it, so it is reported only"
    if stated is not None and _path(stated.key, arches[0]) is None:  # type: ignore[arg-type]
        return f"; {stated.label} is not published for {arches[0]}, so it is reported only"
    return ""


def _path(family: str, arch: str) -> str | None:
    if PUBLIC_PATH.match(family):
        return family
    return public_images()["families"][family]["paths"].get(arch)


def _label(family: str, arch: str) -> str:
    if PUBLIC_PATH.match(family):
        return family
    return f"{public_images()['families'][family]['name']} ({arch})"


def _parameter_for(template: Template, plan: Plan, path: str, label: str) -> tuple[str, list[dict[str, Any]]]:
    """The parameter that holds ``path``: one the template has (whatever its name), else a new one."""
    for name, parameter in template.parameters.items():
        if parameter.type == SSM_IMAGE_TYPE and parameter.default == path:
            return name, [kit.test_op(("Parameters", name, "Default"), path)]
    name, ops = plan.ensure_parameter(PARAMETER_BASE, {"Type": SSM_IMAGE_TYPE, "Default": path,
                                                       "Description": f"The latest {label} AMI"})
    return name, list(ops)


def _property_of(path: tuple[str, ...]) -> tuple[str, ...]:
    """The path of the property itself, for a value in an ``Fn::If`` branch of it."""
    while len(path) > 2 and path[-2] == "Fn::If":
        path = path[:-2]
    return path


def _ami_table(template: Template, args: Any) -> tuple[str, str | None] | None:
    """(mapping, key) when a FindInMap reads a region-keyed table of AMI ids (key None: chosen at
    deploy time), else None."""
    if not isinstance(args, list) or len(args) != 3 or not isinstance(args[0], str):
        return None
    mappings = template.data.get("Mappings")
    body = mappings.get(args[0]) if isinstance(mappings, dict) else None
    if not isinstance(body, dict) or args[1] != {"Ref": "AWS::Region"}:
        return None
    values = [v for entry in body.values() if isinstance(entry, dict)
              for k, v in entry.items() if not isinstance(args[2], str) or k == args[2]]
    if not values or not all(isinstance(v, str) and AMI_LIKE.match(v) for v in values):
        return None
    return args[0], args[2] if isinstance(args[2], str) else None


def _image_sites(template: Template) -> tuple[list[ImageSite], dict[str, list[ImageSite]],
                                              dict[tuple[str, str | None], tuple[ImageSite, ...]]]:
    """The literal ids, the Refs to each parameter, and the reads of each AMI table, of every image property."""
    places = image_places()
    literals: list[ImageSite] = []
    refs: dict[str, list[ImageSite]] = {}
    maps: dict[tuple[str, str | None], list[ImageSite]] = {}
    for resource, _, path, value in kit.placed(template, places):
        holder = jp.resolve(template.data, _property_of(path)[:-1])
        instance_type = holder.get("InstanceType") if isinstance(holder, dict) else None
        site = ImageSite(resource.name, path, value, architecture(template, instance_type))
        if isinstance(value, str) and AMI_LIKE.match(value):
            literals.append(site)
        elif kit.intrinsic(value) == "Ref" and isinstance(value["Ref"], str):
            refs.setdefault(value["Ref"], []).append(site)
        elif kit.intrinsic(value) == "Fn::FindInMap":
            table = _ami_table(template, value["Fn::FindInMap"])
            if table is not None:
                maps.setdefault(table, []).append(site)
    return literals, refs, {key: tuple(sites) for key, sites in maps.items()}
