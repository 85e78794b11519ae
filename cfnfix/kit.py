"""The rule kit: what rules share to read values and build fixes (one place, public, documented).

A rule imports ``kit`` for: the ``Safety`` of a fix; the RFC 6902 operation builders and the
``type_pin``; walking property values at a path pattern through ``Fn::If`` branches, and every
string of a value (``strings``; ``located_strings`` with a ``Link`` that ``parts`` spells out); the
intrinsic helpers (``intrinsic``, ``referenced``, ``sub_variables``, ``escape_sub``, ``to_sub``);
``condition_of``; ``name_tag``; ``schema`` (the resource provider schema facts); the reads of
mappings (``find_in_maps``, ``map_entries``, and ``unread_entries``, what a fix that rewrites some
leaves unread, to remove, with ``removal``); and ``Plan``, the names and shared pieces
(parameters, conditions, mappings) that the fixes of one pass share.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum
from typing import Any, Iterable, Iterator, Mapping

from . import pointer as jp
from .schemas import ResourceSchema, schema
from .model.graph import NUMBERS, as_plain
from .model.template import PSEUDO_PARAMETERS, Resource, Template, references

__all__ = [
    "Safety", "Plan", "test_op", "add_op", "replace_op", "remove_op", "type_pin", "walk", "strings",
    "located_strings", "parts", "Link", "intrinsic", "referenced", "sub_variables", "escape_sub", "to_sub",
    "condition_of", "name_tag", "schema", "ResourceSchema", "valid_id", "SECTIONS", "find_in_maps",
    "map_entries", "removal", "unread_entries",
]

# the template sections whose entries have names a Ref, GetAtt, Condition or FindInMap can use
SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")
MAX_ID = 255  # CloudFormation's limit on a logical id (cfn-lint E3006 / E6001 / E2004)
_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")
_NOT_ID = re.compile(r"[^A-Za-z0-9]+")
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")


class Safety(str, Enum):
    """How a fix may be applied: by ``apply`` (safe), with ``--unsafe-fixes``, or never (shown only)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"

    def __str__(self) -> str:
        return self.value


# -- RFC 6902 operations --------------------------------------------------------------------------


def _path(path: str | Iterable[str]) -> str:
    return path if isinstance(path, str) else jp.join(path)


def test_op(path: str | Iterable[str], value: Any) -> dict[str, Any]:
    return {"op": "test", "path": _path(path), "value": value}


test_op.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported into one


def add_op(path: str | Iterable[str], value: Any, *, before: str | None = None,
           after: str | None = None) -> dict[str, Any]:
    """An ``add``; ``before``/``after`` name the sibling a new key goes next to (DESIGN section 2)."""
    op: dict[str, Any] = {"op": "add", "path": _path(path), "value": value}
    if before:
        op["position"] = {"before": before}
    elif after:
        op["position"] = {"after": after}
    return op


def replace_op(path: str | Iterable[str], value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": _path(path), "value": value}


def remove_op(path: str | Iterable[str]) -> dict[str, Any]:
    return {"op": "remove", "path": _path(path)}


def type_pin(resource: Resource) -> dict[str, Any]:
    """The ``test`` op a fix leads with: the resource still has the type the fix was built for."""
    return test_op(("Resources", resource.name, "Type"), resource.type)


# -- values ---------------------------------------------------------------------------------------


def intrinsic(value: Any) -> str | None:
    """The function a value calls (``Ref``, ``Fn::Sub``, ``Condition``...), or None for a literal."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::")):
            return key
    return None


def _branches(path: tuple[str, ...], value: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The value, or each branch of an ``Fn::If`` (nested ones too); ``AWS::NoValue`` is absence."""
    if intrinsic(value) == "Fn::If" and isinstance(value["Fn::If"], list) and len(value["Fn::If"]) == 3:
        for index in (1, 2):
            yield from _branches(path + ("Fn::If", str(index)), value["Fn::If"][index])
    elif value != {"Ref": "AWS::NoValue"}:
        yield path, value


def walk(properties: Any, pattern: str, base: Iterable[str] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(pointer parts, value) for every value at ``pattern`` under ``properties``.

    ``pattern`` is keys separated by ``/``; ``*`` is every item of a list (or value of a mapping).
    An ``Fn::If`` met on the way, or at the end, is walked into both branches, and its branch's
    parts are in the pointer (``.../Fn::If/1/...``). Pointers start with ``base`` (for instance
    ``("Resources", name, "Properties")``), so they can be used in a finding or an operation.
    """
    steps = [s for s in pattern.split("/") if s] if pattern else []
    yield from _walk(tuple(base), properties, steps)


def placed(template: Template, places: Mapping[str, Iterable[str]]
           ) -> Iterator[tuple[Resource, str, tuple[str, ...], Any]]:
    """(resource, pattern, pointer parts, value) for every value at a property pattern that
    ``places`` lists for the resource's type (a data table of type -> patterns, as ``walk`` reads
    them), resources in the template's order."""
    for resource in template.resources.values():
        patterns = places.get(resource.type)
        if not patterns or not resource.properties:
            continue
        base = ("Resources", resource.name, "Properties")
        for pattern in patterns:
            for path, value in walk(resource.properties, pattern, base):
                yield resource, pattern, path, value


def find_in_maps(data: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(pointer parts, arguments) of every ``Fn::FindInMap`` in a template's ``data`` outside its
    ``Mappings``, in the file's order (one in the arguments of another after it)."""
    stack: list[tuple[tuple[str, ...], Any]] = [((section,), value) for section, value in reversed(data.items())
                                                if section != "Mappings"]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            if intrinsic(item) == "Fn::FindInMap":
                yield where, item["Fn::FindInMap"]
            stack.extend((where + (key,), child) for key, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((where + (str(index),), child) for index, child in reversed(list(enumerate(item))))


def map_entries(mappings: Mapping[str, Any], args: Any) -> tuple[tuple[Any, Any], ...]:
    """The (top-level key, second-level key) entries of ``mappings`` that a ``Fn::FindInMap`` of
    arguments ``args`` may read, in the mapping's order: a literal key reads itself (when the
    table has it), a Ref, a function or a ``${}`` text (which ``Fn::ForEach`` fills in) any key.
    Nothing when the mapping's name is not a literal or there are not three or four arguments."""
    if not (isinstance(args, list) and len(args) in (3, 4) and isinstance(args[0], str)):
        return ()
    table = mappings.get(args[0])
    return tuple((top, second) for top in _keys(args[1], table) for second in _keys(args[2], table[top]))


def _keys(key: Any, table: Any) -> list[Any]:
    """The keys of ``table`` a FindInMap key may name."""
    if not isinstance(table, dict):
        return []
    if isinstance(key, str) and "${" not in key:
        return [key] if key in table else []
    return list(table)


def removal(template: Template, section: str, name: str) -> tuple[str, ...]:
    """What goes with entry ``name`` of ``section``: the entry, or the section when it is the only
    one, so no empty section is left."""
    entries = template.data.get(section)
    return (section,) if isinstance(entries, dict) and len(entries) == 1 and name in entries else (section, name)


def unread_entries(template: Template, mapping: str, rewritten: Iterable[tuple[str, ...]], *,
                   whole_keys: bool = False, maps: Iterable[tuple[tuple[str, ...], Any]] | None = None
                   ) -> list[tuple[str, ...]]:
    """The pointer parts to remove of what a fix leaves of ``mapping`` that nothing reads, when
    it rewrites the ``Fn::FindInMap``s at ``rewritten`` (reads of ``mapping``; one inside their
    arguments goes with them): ``removal`` of the mapping when no other FindInMap reads it, else
    the entries only the rewritten ones read. [] when none are, or when another FindInMap's mapping
    is not a literal (or its arguments are not three or four): it may read this one. ``maps``:
    ``find_in_maps(template.data)``, for a caller that has them already.

    Entry by entry (the default), an entry goes when no other FindInMap may read it, a top-level
    key when all its entries go (one without entries is invalid), and the mapping when every
    top-level key goes. CFX601 counts so: a zone table is read with literal keys as well
    (``[SubnetConfig, Private, AZ]``), and another read keeps only the entries it may read. With
    ``whole_keys``, another FindInMap that reads a second-level key under any top-level key keeps
    it under all, and a top-level key the removal would leave empty keeps everything (nothing is
    removed). CFX603 says of its fix "only its fixed key is removed from each region": its reads
    look an AMI key up by region, the key goes from the table as a column or stays, and the fix
    never drops a region.
    """
    table = template.mappings.get(mapping)
    if not isinstance(table, dict):
        return []
    fixed = set(rewritten)
    freed: set[tuple[Any, Any]] = set()
    kept: set[tuple[Any, Any]] = set()
    read_elsewhere = False
    for path, args in find_in_maps(template.data) if maps is None else maps:
        if path in fixed:
            if isinstance(args, list) and args and args[0] == mapping:
                freed.update(map_entries(template.mappings, args))
            continue
        if any(path[:end] in fixed for end in range(1, len(path))):
            continue
        if not (isinstance(args, list) and len(args) in (3, 4) and isinstance(args[0], str)):
            return []
        if args[0] == mapping:
            read_elsewhere = True
            if whole_keys:
                kept.update((top, second) for top in table for second in _keys(args[2], table[top]))
            else:
                kept.update(map_entries(template.mappings, args))
    if not read_elsewhere:
        return [removal(template, "Mappings", mapping)]
    gone = freed - kept
    removes: list[tuple[str, ...]] = []
    emptied = 0
    for top, entries in table.items():
        if not isinstance(entries, dict):
            continue
        going = [second for second in entries if (top, second) in gone]
        if going and len(going) == len(entries):
            if whole_keys:
                return []
            removes.append(("Mappings", mapping, top))
            emptied += 1
        else:
            removes += [("Mappings", mapping, top, second) for second in going]
    return [removal(template, "Mappings", mapping)] if emptied and emptied == len(table) else removes


def _walk(path: tuple[str, ...], value: Any, steps: list[str]) -> Iterator[tuple[tuple[str, ...], Any]]:
    for where, item in _branches(path, value):
        if not steps:
            yield where, item
            continue
        step, rest = steps[0], steps[1:]
        if step == "*":
            if isinstance(item, list):
                for index, child in enumerate(item):
                    yield from _walk(where + (str(index),), child, rest)
            elif isinstance(item, dict) and intrinsic(item) is None:
                for key, child in item.items():
                    yield from _walk(where + (key,), child, rest)
        elif isinstance(item, dict) and intrinsic(item) is None and step in item:
            yield from _walk(where + (step,), item[step], rest)


def strings(value: Any, *, containing: tuple[str, ...] = (), skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string under ``value`` (mapping values, list items, intrinsics' arguments; not keys),
    in document order.

    ``containing``: only the strings holding one of these texts. ``skip``: intrinsic functions
    whose arguments are not walked (``{"Ref": ...}`` with ``"Ref"`` in it); anything else is
    walked, both branches of an ``Fn::If`` included. ``located_strings`` says where each one is.
    """
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, str):
            if not containing:
                yield item
                continue
            for text in containing:
                if text in item:
                    yield item
                    break
        elif isinstance(item, dict):
            if skip and len(item) == 1 and next(iter(item)) in skip:
                continue
            push(reversed(item.values()))
        elif isinstance(item, list):
            push(reversed(item))


# Where ``located_strings`` found a string: a (parent's link, key) pair, a list index as an int; the
# root's link is (None, base). A tuple per value would cost the walk its depth at every value:
# ``parts`` builds one only for the strings a rule keeps.
Link = tuple[Any, Any]


def located_strings(value: Any, base: Iterable[str] = (), *, containing: tuple[str, ...] = (),
                    skip: frozenset[str] = frozenset(), searched: bool = False) -> Iterator[tuple[Link, str]]:
    """(link, string) for each string ``strings`` gives, in the same order; ``parts(link)`` is
    where it is, as pointer parts starting with ``base``.

    With ``containing``, a value without such a string is only searched, never walked with links:
    give each resource (not a whole section) its own call, and most of them cost no more than that.
    ``searched``: the caller knows one does (from ``graph.contents``), so that search is not made.
    """
    if containing and not searched and not _holds(value, containing, skip):
        return
    root: Link = (None, tuple(base))
    if isinstance(value, str):
        yield root, value
        return
    if isinstance(value, dict):
        if skip and len(value) == 1 and next(iter(value)) in skip:
            return
        stack: list[tuple[Link, Iterator[tuple[Any, Any]]]] = [(root, iter(value.items()))]
    elif isinstance(value, list):
        stack = [(root, enumerate(value))]
    else:
        return
    # one iterator per open container, resumed where it left off: a link is made per container
    # and per string kept, not per value
    push, pop = stack.append, stack.pop
    while stack:
        link, children = stack[-1]
        for key, child in children:
            if isinstance(child, str):
                if not containing:
                    yield (link, key), child
                    continue
                for text in containing:
                    if text in child:
                        yield (link, key), child
                        break
            elif isinstance(child, dict):
                if skip and len(child) == 1 and next(iter(child)) in skip:
                    continue
                push(((link, key), iter(child.items())))
                break
            elif isinstance(child, list):
                push(((link, key), enumerate(child)))
                break
        else:
            pop()


def _holds(value: Any, containing: tuple[str, ...], skip: frozenset[str]) -> bool:
    """Whether ``strings`` would give anything: the strings gathered without order or links, and
    searched at once (a search per string costs more than the walk)."""
    found: list[str] = []
    stack = [value]
    pop, push, keep = stack.pop, stack.extend, found.append
    while stack:
        item = pop()
        cls = item.__class__
        if cls is str:
            keep(item)
        elif cls is dict:
            if skip and len(item) == 1 and next(iter(item)) in skip:
                continue
            push(item.values())
        elif cls is list:
            push(item)
        # classes compared, not isinstance: a third of the walk; a subclass (from a library
        # caller) is taken as its plain class
        elif cls not in NUMBERS and (plain := as_plain(item)) is not None:
            stack.append(plain)
    # the separator is no text's part, so no text matches across two strings
    text = "\0".join(found)
    return any(part in text for part in containing)


def parts(link: Link) -> tuple[str, ...]:
    """The pointer parts of a ``located_strings`` link: its base, then each key (indexes as text)."""
    keys: list[str] = []
    while link[0] is not None:
        link, key = link
        keys.append(key if isinstance(key, str) else str(key))
    return link[1] + tuple(reversed(keys))


def referenced(value: Any) -> frozenset[str]:
    """The template names a value references by Ref, GetAtt or a Sub variable (no pseudo parameters)."""
    return frozenset(target for target, _, _ in references(value))


def sub_variables(text: str) -> list[str]:
    """The variables of an ``Fn::Sub`` string (``${Name}``, ``${Res.Attr}``; ``${!Literal}`` is none)."""
    return _SUB_VARIABLE.findall(text)


def escape_sub(text: str) -> str:
    """A literal string as ``Fn::Sub`` text: every ``${`` becomes ``${!`` so nothing is substituted."""
    return text.replace("${", "${!")


def to_sub(text: str, replacements: Mapping[str, str]) -> Any:
    """``text`` with each literal of ``replacements`` replaced by its ``Fn::Sub`` text.

    ``to_sub("arn:aws:s3:::logs-us-east-1", {"us-east-1": "${AWS::Region}"})`` is
    ``{"Fn::Sub": "arn:aws:s3:::logs-${AWS::Region}"}``. The rest is escaped (``${`` stays literal);
    longer literals win over shorter ones they contain. Nothing to replace: ``text`` as it is.
    """
    literals = sorted((k for k in replacements if k), key=len, reverse=True)
    if not literals:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in literals))
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        parts.append(escape_sub(text[last:match.start()]))
        parts.append(replacements[match.group(0)])
        last = match.end()
    if not parts:
        return text
    parts.append(escape_sub(text[last:]))
    return {"Fn::Sub": "".join(parts)}


def condition_of(resource: Resource) -> dict[str, str]:
    """What a new entry serving ``resource`` carries so it exists exactly when the resource does."""
    return {"Condition": resource.condition} if resource.condition else {}


def defined_names(template: Template) -> frozenset[str]:
    """What a new value may reference: the template's parameters and resources, and pseudo parameters."""
    return frozenset(template.parameters) | frozenset(template.resources) | PSEUDO_PARAMETERS


def _undefined(value: Any, template: Template) -> bool:
    names = defined_names(template)
    return any(target not in names for target, _, _ in references(value))


def name_tag(template: Template, words: str, like: Resource | None = None) -> dict[str, Any] | None:
    """A ``{"Key": "Name", "Value": ...}`` tag for a new resource, named the way the template names.

    With ``like`` (the resource the new one serves), its own Name tag is the model: the first
    word that names its kind (``vpc`` for a VPC) is replaced by ``words``, else ``words`` is
    appended (``payment-vpc-${Env}`` gives ``payment-s3-endpoint-${Env}``); no Name tag there,
    no tag. Without ``like``, the template's habit of ending names with a ``...Suffix`` parameter
    is followed (``payment-task-role-${EnvironmentSuffix}`` gives
    ``payment-<words>-${EnvironmentSuffix}``). None when there is no model, or when the value would
    reference a name the template does not define.
    """
    value = _like_tag(like, words) if like is not None else _suffix_tag(template, words)
    if value is None or _undefined(value, template):
        return None
    return {"Key": "Name", "Value": value}


def _kind_word(resource: Resource) -> str:
    return resource.type.rsplit("::", 1)[-1]


def _like_tag(resource: Resource, words: str) -> Any:
    tags = resource.properties.get("Tags")
    if not isinstance(tags, list):
        return None
    value = next((t.get("Value") for t in tags if isinstance(t, dict) and t.get("Key") == "Name"), None)
    if isinstance(value, str):
        text = value
    elif intrinsic(value) == "Fn::Sub" and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
    else:
        return None
    kind = re.escape(_kind_word(resource))
    named = re.sub(rf"(?i){kind}", words, text, count=1) if re.search(rf"(?i){kind}", text) else f"{text}-{words}"
    return named if isinstance(value, str) else {"Fn::Sub": named}


def _sub_strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if intrinsic(item) == "Fn::Sub":
                inner = item["Fn::Sub"]
                text = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(text, str):
                    yield text
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _suffix_tag(template: Template, words: str) -> Any:
    suffixes = [p for p in template.parameters if "suffix" in p.lower()]
    if not suffixes:
        return None
    prefixes: Counter[str] = Counter()
    used: Counter[str] = Counter()
    for resource in template.resources.values():
        for text in _sub_strings(resource.properties):
            for parameter in suffixes:
                marker = "${" + parameter + "}"
                if marker in text:
                    used[parameter] += 1
                    head = text.split("$", 1)[0].split("-", 1)[0]
                    if head and text.index(marker) > 0:
                        prefixes[head] += 1
    if not used:
        return None
    parameter = used.most_common(1)[0][0]
    head = prefixes.most_common(1)[0][0] + "-" if prefixes else ""
    return {"Fn::Sub": f"{head}{words}-${{{parameter}}}"}


# -- names and shared pieces ----------------------------------------------------------------------


def valid_id(name: str) -> bool:
    """Whether ``name`` can be a logical id: letters and digits only, 1 to 255 of them."""
    return bool(_ID.match(name))


def _id_base(base: str, section: str) -> str:
    """``base`` made a valid id: ``prod-vpc`` -> ``prodVpc`` (each later word capitalised)."""
    words = [w for w in _NOT_ID.split(base) if w]
    text = words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:]) if words else section.rstrip("s")
    return text[:MAX_ID]


_SPEC_NOTES = ("Description", "ConstraintDescription")


def _same_parameter(existing: Any, spec: Mapping[str, Any]) -> bool:
    """An existing parameter serves as ``spec`` when all but its descriptions agree."""
    if not isinstance(existing, dict):
        return False
    strip = (lambda d: {k: v for k, v in d.items() if k not in _SPEC_NOTES})
    return strip(existing) == strip(dict(spec))


class Plan:
    """What the fixes of one pass share: the names they take and the pieces they add.

    The engine makes one Plan per pass of ``apply`` and hands it to every fix it builds in that
    pass, in the order fixes are chosen; for a report, each fix gets a Plan of its own. So two
    fixes of one pass never pick the same new name, and a parameter, condition or mapping that
    several of them need is added by the first and reused by the rest (whose ops then omit it).
    The engine applies a fix only together with the earlier fixes whose pieces it reuses.
    """

    def __init__(self, template: Template):
        self.template = template
        # the template's names, shared by every Plan of the template rather than copied per fix
        self._taken: frozenset[str] = template.names
        self._reserved: dict[str, int] = {}             # name -> the fix that reserved it
        self._pieces: dict[tuple[str, str, str], tuple[str, int]] = {}  # (section, wanted, body) -> (name, fix)
        self._section_ops: dict[tuple[str, int], dict[str, Any]] = {}   # a section this fix creates
        self._fix = 0
        self._needs: set[int] = set()
        self._mine: list[tuple[dict[Any, Any], Any]] = []  # (table, key) this fix entered

    # -- what the engine calls around each fix -------------------------------------------------

    def begin(self, number: int) -> None:
        """The fix numbered ``number`` (in the order they are chosen) is being built."""
        self._fix = number
        self._needs = set()
        self._mine = []

    def end(self, keep: bool) -> frozenset[int]:
        """The fix is built: the earlier fixes it reuses pieces of. ``keep=False`` (a fix that this
        pass will not apply) gives back what it reserved, so later fixes add those pieces themselves."""
        if not keep:
            # only what this fix entered goes: a pass builds thousands of fixes
            for table, key in self._mine:
                table.pop(key, None)
        self._mine = []
        return frozenset(self._needs)

    # -- what rules call -------------------------------------------------------------------------

    def is_free(self, name: str) -> bool:
        """No parameter, mapping, condition, resource or output has ``name``, nor a fix of this pass."""
        return name not in self._taken and name not in self._reserved

    def fresh_id(self, base: str, section: str = "Resources") -> str:
        """A valid logical id derived from ``base`` (``base``, ``base2``, ``base3``...) that no
        section uses and no other fix of this pass has; it is reserved for this fix."""
        stem = _id_base(base, section)
        name, number = stem, 2
        while not self.is_free(name):
            tail = str(number)
            name = stem[:MAX_ID - len(tail)] + tail
            number += 1
        self._reserve(name)
        return name

    def _reserve(self, name: str) -> None:
        self._reserved[name] = self._fix
        self._mine.append((self._reserved, name))

    def ensure_parameter(self, name: str, spec: Mapping[str, Any], *,
                         after: str | None = None) -> tuple[str, list[dict[str, Any]]]:
        """The parameter to ``Ref`` for ``spec`` and the ops that add it: ``name`` itself (or a name
        derived from it, ``name2``) when the template has it with the same spec (descriptions aside),
        else ``name`` or a fresh name, added (right after the parameter ``after`` when given)."""
        existing = self.template.data.get("Parameters")
        if isinstance(existing, dict):
            # the name itself, or one this method gave before (DeploymentRole2 beside another DeploymentRole)
            derived = re.compile(re.escape(_id_base(name, "Parameters")) + r"\d*")
            for candidate in [name] + [n for n in existing if n != name and derived.fullmatch(n)]:
                if _same_parameter(existing.get(candidate), spec):
                    return candidate, []
        return self._ensure("Parameters", name, dict(spec), reuse_any=False,
                            after=jp.join(("Parameters", after)) if after else None)

    def ensure_condition(self, name: str, expression: Any) -> tuple[str, list[dict[str, Any]]]:
        """The condition that is ``expression``: an existing one equal to it (``name`` first), else
        ``name`` or a fresh name, added."""
        return self._ensure("Conditions", name, expression, reuse_any=True)

    def ensure_mapping(self, name: str, body: Any) -> tuple[str, list[dict[str, Any]]]:
        """The mapping that is ``body``: an existing equal one, else ``name`` or a fresh name, added."""
        return self._ensure("Mappings", name, body, reuse_any=True)

    def ensure_resource(self, name: str, body: Any, *, before: str | None = None,
                        after: str | None = None) -> tuple[str, list[dict[str, Any]]]:
        """A new resource that several fixes of this pass share (one role for many targets): the
        first adds it under ``name`` or a fresh name (``before``/``after`` place it); a later fix
        asking for an equal body gets that name and no ops. Existing resources are the rule's to
        look for: this never reuses one."""
        return self._ensure("Resources", name, body, reuse_any=False, by_body=True, before=before, after=after)

    def _ensure(self, section: str, name: str, body: Any, reuse_any: bool, by_body: bool | None = None,
                before: str | None = None, after: str | None = None) -> tuple[str, list[dict[str, Any]]]:
        entries = self.template.data.get(section)
        entries = entries if isinstance(entries, dict) else {}
        if reuse_any:
            if entries.get(name) == body:
                return name, []
            equal = next((key for key, value in entries.items() if value == body), None)
            if equal is not None:
                return equal, []
        # a condition, mapping or shared resource is the same piece whatever it was asked as; a
        # parameter is an input of its own name
        key = (section, "" if (reuse_any if by_body is None else by_body) else name, repr(body))
        if key in self._pieces:
            chosen, owner = self._pieces[key]
            if owner != self._fix:
                self._needs.add(owner)
            return chosen, []
        chosen = name if valid_id(name) and self.is_free(name) else self.fresh_id(name, section)
        self._reserve(chosen)
        self._pieces[key] = (chosen, self._fix)
        self._mine.append((self._pieces, key))
        if isinstance(self.template.data.get(section), dict):
            return chosen, [add_op((section, chosen), body, before=before, after=after)]
        created = self._section_ops.get((section, self._fix))
        if created is not None:
            # this fix already creates the section: the new entry goes into that one op, so the
            # section is written in one piece
            created["value"][chosen] = body
            return chosen, []
        op = add_op((section,), {chosen: body})
        self._section_ops[(section, self._fix)] = op
        self._mine.append((self._section_ops, (section, self._fix)))
        return chosen, [op]
