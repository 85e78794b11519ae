"""CFX506 hardcoded-physical-name: a resource's name is fixed, so a second stack in the account collides."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from .. import kit
from ..kit import Plan, Safety
from ..rule import Finding, Fix, Rule
from ..model.graph import contents
from ..model.template import Parameter, Resource, Template, references
from ..values import aws_data

# the pseudo parameters a name may hold and still be the same in every stack of one account
_ACCOUNT_WIDE = frozenset({"AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix"})
# pseudo parameters that differ per stack: a name holding one is unique already
_PER_STACK = frozenset({"AWS::StackName", "AWS::StackId"})
# the parameters a template conventionally ends its names with, most specific first
_SUFFIX_PARAMETERS = ("environmentsuffix", "environment", "stage")
_SUFFIX_VARIABLE = "StackIdSuffix"
# the first group of the stack id's UUID: 8 lowercase hex digits, different for every stack
_STACK_ID_HEX = {"Fn::Select": [0, {"Fn::Split": ["-", {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}]}]}
_HEX_LENGTH = 8
_HASH_LENGTH = 4
# what each variable stands for when a new name is checked against the type's limits: the longest
# value it can take, and a sample of its characters
_WORST = {"AWS::AccountId": "123456789012", "AWS::Partition": "aws-iso-b", "AWS::URLSuffix": "amazonaws.com.cn",
          "AWS::Region": "ap-southeast-1x", _SUFFIX_VARIABLE: "0a1b2c3d"}
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")
_REASON = ("A new name replaces the resource: CloudFormation creates it under the new name and deletes the old "
           "one, with what it holds.")


@dataclass(frozen=True)
class Options:
    strategy: Literal["suffix", "remove"] = "suffix"


class _Limits(NamedTuple):
    max_length: int | None
    pattern: str | None
    lowercase: bool


class _Found(NamedTuple):
    resource: str
    property: str
    value: Any
    text: str            # the name as Fn::Sub text
    literal: str         # the name as a reader sees it
    sibling: str | None  # the parameter the template's other names end with
    unsuffixed: bool     # built from parameters, only without the sibling suffix


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, Any]]:
    generated = aws_data("physical_names.json")["names"]
    manual = aws_data("physical_names_manual.json")
    names = {t: dict(e) for t, e in generated.items() if t not in set(manual["exclude"])}
    names.update({t: dict(e) for t, e in manual["add"].items()})
    for type_name, limits in manual["limits"].items():
        if type_name in names:
            names[type_name].update(limits)
    return names


@lru_cache(maxsize=1)
def _region_pattern() -> re.Pattern[str]:
    regions = sorted(aws_data("regions.json")["regions"], key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, regions)) + r")(?![a-z0-9])")


_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _limits(entry: dict[str, Any]) -> _Limits:
    return _Limits(entry.get("max_length"), entry.get("pattern"), bool(entry.get("lowercase")))


class HardcodedPhysicalName(Rule):
    """## What it does
    Finds a resource whose name property (the create-only property that names it, from the
    resource provider schemas, such as `BucketName`, `RoleName`, `FunctionName`, `TableName`,
    `QueueName`, `LogGroupName`, `AliasName`, `DBInstanceIdentifier`, and SAM's `FunctionName`)
    is a literal, or is built only from literals and `AWS::AccountId`, `AWS::Region`,
    `AWS::Partition` or `AWS::URLSuffix`. It also finds a name built from parameters without the
    suffix parameter that the template's other names end with (two or more of them, and at least
    half). Tags, descriptions, display names, names scoped inside a parent resource (a Lambda alias,
    an API stage) and DNS names are not physical names and are left alone.

    ## Why does this fail?
    A physical name is unique in an account and region (IAM and S3 names in an account or in
    all of AWS). The first stack creates the resource; the second stack made from the same
    template, for another environment or a test, fails with "already exists" and rolls back.
    An account id or a region in the name does not help: it is the same for every stack there.

    ## Fix
    With the default strategy `suffix`, the name becomes an `Fn::Sub` ending with the template's own
    suffix parameter: the one its other names end with, else `EnvironmentSuffix`, `Environment` or
    `Stage` (for a lowercase name such as a bucket's, only a parameter whose `AllowedValues` or
    `AllowedPattern` keep it lowercase; its length is its `MaxLength`, else its longest allowed
    value or its default). Without one it ends with `${AWS::StackName}`, or, where a 128-character stack name
    would break the type's naming rules (S3 lowercase and 63 characters, IAM roles and Lambda
    functions 64, load balancers 32, IAM names that are global to the account), with the first 8
    hex digits of the stack id's UUID (lowercase, unique per stack). A `.fifo` queue or topic keeps
    `.fifo` last; a literal too long for the new ending is shortened, with a 4-character hash of
    the full name so that two long names stay distinct. Region names and account ids in the literal become
    `${AWS::Region}` and `${AWS::AccountId}`. The new name is checked against the type's length
    and pattern for the longest value each variable can take; where none fits, no fix is offered.
    With `remove`, the property is removed, and CloudFormation generates a unique name.
    Either fix is offered only where no other value of the template holds the literal name (an
    ARN built from the bucket name, an environment variable): those would still name the old one.

    ## Fix safety
    Unsafe: renaming replaces the resource on a deployed stack, and a replaced bucket, table or
    queue loses its data; anything outside the template that uses the old name must change.

    ## Options
    `strategy`: `suffix` (default) or `remove`.
    """

    code = "CFX506"
    name = "hardcoded-physical-name"
    severity = "high"
    summary = "A resource has a fixed physical name, so a second stack in the account fails"
    fix_title = "End the name with the stack's suffix, or let CloudFormation name the resource"
    Options = Options

    def detect(self, template: Template):
        names = _names()
        named = [(r, names[r.type]["property"]) for r in template.resources.values()
                 if r.type in names and names[r.type]["property"] in r.properties]
        if not named:
            return
        suffix = _sibling_suffix(template, named)
        for resource, prop in named:
            value = resource.properties[prop]
            text = _account_wide_text(value)
            where = ("Resources", resource.name, "Properties", prop)
            if text is not None:
                literal = _unescaped(text)
                yield self.finding(
                    f"{resource.type} {resource.name} has the fixed {prop} {literal!r}: a second stack in "
                    "the account fails with \"already exists\"", where, resource.name,
                    _Found(resource.name, prop, value, text, literal, suffix, False))
            elif suffix is not None:
                sub = _parameter_text(value, template)
                if sub is not None and "${" + suffix + "}" not in sub:
                    yield self.finding(
                        f"{resource.type} {resource.name} builds its {prop} without ${{{suffix}}}, which the "
                        "template's other names end with: two stacks with the same other parameters collide",
                        where, resource.name, _Found(resource.name, prop, value, sub, _unescaped(sub), suffix, True))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        found: _Found = finding.payload
        resource = template.resources[found.resource]
        if _used_elsewhere(template, found):
            return None
        pin = (kit.type_pin(resource), kit.test_op(finding.pointer, found.value))
        if self.options.strategy == "remove":
            facts = kit.schema(resource.type)
            if facts is not None and found.property in facts.required:
                return None
            # a name that was the only property takes its Properties with it
            only = resource.raw.get("Properties") == {found.property: found.value}
            removed = kit.remove_op(finding.pointer[:finding.pointer.rindex("/")] if only else finding.pointer)
            return Fix(f"Remove {found.property} so CloudFormation names {resource.name} per stack",
                       Safety.UNSAFE, _REASON, (*pin, removed))
        entry = _names()[resource.type]
        value = _suffixed(found, resource, template, _limits(entry), entry.get("min_length"))
        if value is None:
            return None
        return Fix(f"End {resource.name}'s {found.property} with a per-stack suffix", Safety.UNSAFE, _REASON,
                   (*pin, kit.replace_op(finding.pointer, value)))


# -- detection ------------------------------------------------------------------------------------


def _sub_string(value: Any) -> str | None:
    if kit.intrinsic(value) == "Fn::Sub" and isinstance(value["Fn::Sub"], str):
        return value["Fn::Sub"]
    return None


def _account_wide_text(value: Any) -> str | None:
    """The name as Fn::Sub text when it is the same in every stack of an account, else None."""
    if isinstance(value, str):
        return kit.escape_sub(value) if value else None
    text = _sub_string(value)
    if text is None and kit.intrinsic(value) == "Fn::Join":
        text = _join_text(value["Fn::Join"])
    if text is None or not set(_SUB_VARIABLE.findall(text)) <= _ACCOUNT_WIDE:
        return None
    return text


def _join_text(inner: Any) -> str | None:
    if not (isinstance(inner, list) and len(inner) == 2 and isinstance(inner[0], str) and isinstance(inner[1], list)):
        return None
    parts = []
    for part in inner[1]:
        if isinstance(part, str):
            parts.append(kit.escape_sub(part))
        elif kit.intrinsic(part) == "Ref" and part["Ref"] in _ACCOUNT_WIDE:
            parts.append("${" + part["Ref"] + "}")
        else:
            return None
    return kit.escape_sub(inner[0]).join(parts)


def _parameter_text(value: Any, template: Template) -> str | None:
    """The Fn::Sub text of a name built from parameters and account-wide pseudo parameters only."""
    text = _sub_string(value)
    if text is None:
        return None
    variables = {v.strip() for v in _SUB_VARIABLE.findall(text)}
    if not variables or variables & _PER_STACK:
        return None
    if all(v in template.parameters or v in _ACCOUNT_WIDE for v in variables):
        return text
    return None


def _sibling_suffix(template: Template, named: list[tuple[Resource, str]]) -> str | None:
    """The parameter that two or more, and at least half, of the template's names end with, if any."""
    ends: Counter[str] = Counter()
    for resource, prop in named:
        text = _sub_string(resource.properties[prop])
        if text is None:
            continue
        variables = _SUB_VARIABLE.findall(text.removesuffix(".fifo"))
        last = variables[-1].strip() if variables else None
        if last in template.parameters and text.removesuffix(".fifo").endswith("${" + variables[-1] + "}"):
            ends[last] += 1
    if not ends:
        return None
    parameter, count = ends.most_common(1)[0]
    return parameter if count >= 2 and 2 * count >= len(named) else None


def _unescaped(text: str) -> str:
    return text.replace("${!", "${")


def _literal_chunks(text: str) -> list[str]:
    return [c for c in (_unescaped(p) for p in _SUB_VARIABLE.split(text)[::2]) if len(c.strip("-_./")) >= 3]


def _used_elsewhere(template: Template, found: _Found) -> bool:
    """Whether a value other than the name itself holds the name's longest literal part."""
    chunks = _literal_chunks(found.text)
    if not chunks:
        return False
    longest = max(chunks, key=len)
    everything, mine = _all_strings(template), "\x00".join(kit.strings(found.value))
    if everything.count(longest) <= mine.count(longest):
        return False  # a plain count settles most names: only the name itself holds it
    return _standalone(everything, longest) > _standalone(mine, longest)


_NAME_CHARACTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _standalone(text: str, name: str) -> int:
    """How often ``name`` stands alone in ``text``: in an ARN or a path, not inside a longer name."""
    count, start = 0, text.find(name)
    while start >= 0:
        end = start + len(name)
        if (start == 0 or text[start - 1] not in _NAME_CHARACTER) and \
                (end == len(text) or text[end] not in _NAME_CHARACTER):
            count += 1
        start = text.find(name, start + 1)
    return count


def _all_strings(template: Template) -> str:
    """Every string of the template but its Description, joined (one text to search); built once
    per template: its findings share it."""
    return template.derived(_all_strings, _joined_strings)


def _joined_strings(template: Template) -> str:
    # prose about the name is no use of it; the resources' strings are those of the walk the
    # template's rules share (``graph.contents``), entries that are no resource walked here
    walked = contents(template)
    resources = template.data.get("Resources")
    odd = {k: v for k, v in resources.items() if k not in walked} if isinstance(resources, dict) else resources
    rest = {k: v for k, v in template.data.items() if k not in ("Description", "Resources")}
    return "\x00".join([*(c.text for c in walked.values() if c.text), *kit.strings([odd, rest])])


# -- the new name ---------------------------------------------------------------------------------


def _suffixed(found: _Found, resource: Resource, template: Template, limits: _Limits,
              min_length: int | None) -> Any:
    stem = found.text if found.unsuffixed else _pseudo_literals(found.text)
    tail = ""
    if resource.type in ("AWS::SQS::Queue", "AWS::SNS::Topic") and stem.endswith(".fifo"):
        stem, tail = stem[:-len(".fifo")], ".fifo"
    stem = stem.rstrip("-_.") or stem
    for ending, variables, samples in _endings(found, resource, template, limits):
        for separator in ("-", "_", ""):
            text = _fit(stem, separator, ending, tail, samples, limits)
            if text is not None and _valid(text, samples, limits, min_length):
                return {"Fn::Sub": [text, variables]} if variables else {"Fn::Sub": text}
    return None


def _pseudo_literals(text: str) -> str:
    """Region names and account ids in the literal parts as ``${AWS::Region}`` and ``${AWS::AccountId}``."""
    parts = _SUB_VARIABLE.split(text)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append("${" + part + "}")
        else:
            part = _region_pattern().sub("${AWS::Region}", part)
            out.append(_ACCOUNT.sub("${AWS::AccountId}", part))
    return "".join(out)


def _endings(found: _Found, resource: Resource, template: Template,
             limits: _Limits) -> list[tuple[str, dict[str, Any], dict[str, list[str]]]]:
    """(the Sub text the name ends with, Sub variables it needs, sample values per variable), best first."""
    out = []
    parameter = found.sibling or _suffix_parameter(template)
    if parameter is not None:
        samples = _parameter_samples(template.parameters[parameter], limits)
        if samples:
            out.append(("${" + parameter + "}", {}, {parameter: samples}))
    if not found.unsuffixed:
        global_name = resource.type in aws_data("global_names.json")["properties"]
        if not global_name and not limits.lowercase:
            stack = aws_data("physical_names_manual.json")["stack_name_max"]
            out.append(("${AWS::StackName}", {}, {"AWS::StackName": ["S" + "tack-name-1" * ((stack - 1) // 11) + "x" * ((stack - 1) % 11)]}))
        out.append(("${" + _SUFFIX_VARIABLE + "}", {_SUFFIX_VARIABLE: _STACK_ID_HEX}, {}))
    return out


def _suffix_parameter(template: Template) -> str | None:
    by_name = {name.lower(): name for name, p in template.parameters.items() if p.type == "String"}
    return next((by_name[n] for n in _SUFFIX_PARAMETERS if n in by_name), None)


def _parameter_samples(parameter: Parameter, limits: _Limits) -> list[str]:
    """The values a parameter can take as far as the template says: its allowed values, or its
    default (for a lowercase name, only when its AllowedPattern rules out capitals and underscores)."""
    if parameter.type != "String":
        return []
    if parameter.allowed_values:
        return [v for v in parameter.allowed_values if isinstance(v, str)]
    if limits.lowercase and not _lowercase_only(parameter.raw.get("AllowedPattern")):
        return []
    if isinstance(parameter.default, str) and parameter.default:
        maximum = parameter.raw.get("MaxLength")
        if isinstance(maximum, int) and maximum > len(parameter.default):
            return [parameter.default, parameter.default[0] * maximum]
        return [parameter.default]
    return []


def _lowercase_only(pattern: Any) -> bool:
    compiled = _compiled(pattern) if isinstance(pattern, str) else None
    return compiled is not None and not any(compiled.fullmatch(c) for c in ("A", "_", "Z"))


def _expansions(text: str, samples: dict[str, list[str]]) -> list[str]:
    """The text with each variable replaced by each of its samples (the longest ones for pseudo parameters)."""
    values = [""]
    for index, part in enumerate(_SUB_VARIABLE.split(text)):
        if index % 2 == 0:
            options = [_unescaped(part)]
        else:
            name = part.strip()
            options = samples.get(name) or [_WORST.get(name, "x")]
        values = [v + o for v in values for o in options]
    return values


def _fit(stem: str, separator: str, ending: str, tail: str, samples: dict[str, list[str]],
         limits: _Limits) -> str | None:
    text = stem + separator + ending + tail
    if limits.max_length is None:
        return text
    longest = max(len(v) for v in _expansions(text, samples))
    over = longest - limits.max_length
    if over <= 0:
        return text
    if "${" in stem:
        return None  # only a plain literal is shortened: variables have no fixed length
    keep = len(stem) - over - _HASH_LENGTH - 1
    if keep < 1:
        return None
    import hashlib  # only a name too long to keep needs it: `check` of most templates does not load it

    digest = hashlib.sha256(_unescaped(stem).encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    short = stem[:keep].rstrip("-_.")
    return f"{short}-{digest}{separator}{ending}{tail}" if short else None


def _valid(text: str, samples: dict[str, list[str]], limits: _Limits, min_length: int | None) -> bool:
    pattern = _compiled(limits.pattern) if limits.pattern else None
    if limits.pattern and pattern is None:
        return False
    for value in _expansions(text, samples):
        if limits.lowercase and (value != value.lower() or "_" in value):
            return False
        if limits.max_length is not None and len(value) > limits.max_length:
            return False
        if min_length is not None and len(value) < min_length:
            return False
        if pattern is not None and not pattern.search(value):
            return False
    return True


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a schema pattern Python cannot read: no name is known to fit it
