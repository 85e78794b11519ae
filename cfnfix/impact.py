"""What a fix does to a deployed stack, computed from its patch and the resource provider schemas."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from . import pointer as jp
from .schemas import schema
from .model.template import Template, references
from .values import aws_data


@dataclass(frozen=True)
class Impact:
    """Logical ids a fix adds, modifies in place, replaces (a create-only property or the type
    changes) and removes, and parameters it adds and removes (a change of the stack's interface)."""

    adds: tuple[str, ...] = ()
    modifies: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    removes: tuple[str, ...] = ()
    parameters_added: tuple[str, ...] = ()
    parameters_removed: tuple[str, ...] = ()
    # the type of each resource named above, for messages (not part of the JSON)
    types: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # new parameters without a Default: every deployment must now pass them
    required_parameters_added: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, list[str]]:
        return {"adds": list(self.adds), "modifies": list(self.modifies), "replaces": list(self.replaces),
                "removes": list(self.removes), "parameters_added": list(self.parameters_added),
                "parameters_removed": list(self.parameters_removed)}

    def lines(self) -> list[str]:
        """``replaces AWS::EC2::Instance WebServer``, one line per resource or parameter touched."""
        out = []
        for verb, names in (("adds", self.adds), ("modifies", self.modifies), ("replaces", self.replaces),
                            ("removes", self.removes)):
            out += [f"{verb} {self.types.get(name, 'resource')} {name}" for name in names]
        out += [f"adds parameter {name}" for name in self.parameters_added]
        out += [f"removes parameter {name}" for name in self.parameters_removed]
        return out

    def stateful_loss(self) -> list[str]:
        """The stateful resources this fix replaces or removes (their data would be lost)."""
        stateful = _stateful()
        return [name for name in self.replaces + self.removes if self.types.get(name) in stateful]

    def changes_interface(self) -> bool:
        """Whether deployments that work today must change: a parameter removed, or one added
        without a Default (a new parameter with a Default changes nothing for them)."""
        return bool(self.parameters_removed or self.required_parameters_added)

    def never_safe(self) -> str | None:
        """Why a fix with this impact can never be safe, or None."""
        lost = self.stateful_loss()
        if lost:
            verbs = ", ".join(f"{'replaces' if n in self.replaces else 'removes'} {self.types[n]} {n}" for n in lost)
            return f"it {verbs}, and the data it holds is lost"
        if self.parameters_removed:
            return f"it removes the parameter{'s' * (len(self.parameters_removed) > 1)} " \
                   f"{', '.join(self.parameters_removed)}, which deployments pass today"
        if self.required_parameters_added:
            names = self.required_parameters_added
            return f"every deployment must now pass the new parameter{'s' * (len(names) > 1)} {', '.join(names)}"
        return None


def _stateful() -> frozenset[str]:
    return frozenset(aws_data("stateful_types.json")["types"])


def _section(data: Any, name: str) -> dict[str, Any]:
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def impact_of(patch: Iterable[dict[str, Any]], template: Template) -> Impact | None:
    """The impact of applying ``patch`` to ``template``'s data (which is not changed); None when
    the patch does not apply to it."""
    ops = [op for op in patch if op.get("op") != "test"]
    touched_resources: set[str] = set()
    touched_parameters = False
    for op in ops:
        parts = jp.split(op["path"])
        if parts and parts[0] == "Resources":
            if len(parts) == 1:
                touched_resources.update(_section(template.data, "Resources"))
                touched_resources.update(op["value"] if isinstance(op.get("value"), dict) else {})
            else:
                touched_resources.add(parts[1])
        elif parts and parts[0] == "Parameters":
            touched_parameters = True
    if not touched_resources and not touched_parameters:
        return Impact()
    # only what the patch touches is patched (``_apply`` copies it; the template stays as it is):
    # a fix changes a few entries of a large template
    before: dict[str, Any] = {}
    if "Resources" in template.data:
        resources = _section(template.data, "Resources")
        # in the template's order, so the impact lists read top to bottom; found by name, not by
        # going through every resource for every fix
        order = template.resource_order
        present = sorted((name for name in touched_resources if name in resources), key=order.__getitem__)
        before["Resources"] = {name: resources[name] for name in present}
    if touched_parameters and "Parameters" in template.data:
        before["Parameters"] = template.data["Parameters"]
    after: Any = {section: dict(entries) for section, entries in before.items()}
    try:
        for op in ops:
            if _relevant(op):
                after = _apply(after, op)
    except _DoesNotApply:
        return None  # a patch that does not apply: the writer refuses it with a position
    if touched_parameters:
        before, after = _with_parameter_readers(before, after, template)
    return _compare(before, after)


def _with_parameter_readers(before: dict[str, Any], after: dict[str, Any],
                            template: Template) -> tuple[dict[str, Any], dict[str, Any]]:
    """``before`` and ``after`` with the resources that read a parameter whose Type or Default the
    patch changes, each such read standing for the value it resolves to. A stack deployed with the
    default gets the new value on its next update: a resource reads it in place, or is replaced
    when it reads it into a create-only property (an instance's ``ImageId`` from a retyped AMI
    parameter)."""
    old, new = _section(before, "Parameters"), _section(after, "Parameters")
    changed = {name: (_resolved(old[name]), _resolved(new[name])) for name in old
               if name in new and _resolved(old[name]) != _resolved(new[name])}
    if not changed:
        return before, after
    resources = _section(template.data, "Resources")
    old_resources, new_resources = _section(before, "Resources"), _section(after, "Resources")
    readers = {name for name, body in resources.items()
               if any(target in changed for target, _, _ in references(body))}
    readers |= {name for name, body in new_resources.items()
                if any(target in changed for target, _, _ in references(body))}
    if not readers:
        return before, after
    order = template.resource_order
    names = sorted(set(old_resources) | set(new_resources) | readers,
                   key=lambda name: (order.get(name, len(order)), name))
    was = {name: old_resources.get(name, resources.get(name)) for name in names}
    now = {name: new_resources[name] if name in new_resources else
           (None if name in old_resources else resources.get(name)) for name in names}
    olds = {name: values[0] for name, values in changed.items()}
    news = {name: values[1] for name, values in changed.items()}
    return ({**before, "Resources": {n: _reading(b, olds) for n, b in was.items() if b is not None}},
            {**after, "Resources": {n: _reading(b, news) for n, b in now.items() if b is not None}})


def _resolved(parameter: Any) -> tuple[Any, Any]:
    return (parameter.get("Type"), parameter.get("Default")) if isinstance(parameter, dict) else (None, None)


def _reading(value: Any, values: dict[str, Any]) -> Any:
    """``value`` with each Ref and Sub that reads a parameter of ``values`` standing for what it
    resolves to (compared only, never written)."""
    if isinstance(value, list):
        return [_reading(item, values) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref" and isinstance(inner, str) and inner in values:
            return ("Ref", inner, repr(values[inner]))
        if key == "Fn::Sub":
            read = sorted({target for target, _, _ in references(value) if target in values})
            if read:
                return ("Fn::Sub", repr(inner), tuple(repr(values[name]) for name in read))
    return {key: _reading(item, values) for key, item in value.items()}


def patched(document: Any, ops: Iterable[dict[str, Any]]) -> Any:
    """The document with the ops applied (the document itself is not changed), or None when one
    of them does not apply."""
    if isinstance(document, (dict, list)):
        document = type(document)(document)  # ``_apply`` copies the containers below the root
    try:
        for op in ops:
            if op["op"] != "test":
                document = _apply(document, op)
    except _DoesNotApply:
        return None
    return document


class _DoesNotApply(Exception):
    """An op whose path (or ``from``) does not resolve in the document."""


def _apply(document: Any, op: dict[str, Any]) -> Any:
    """``document`` with one add, remove, replace, move or copy applied as RFC 6902 says (and as
    jsonpatch, which the writer verifies with, applies it), in place; each container on the way
    is copied first, so the template's data and values earlier ops inserted stay as they were.

    Written out rather than through jsonpatch: a check computes the impact of every safe fix, and
    jsonpatch's pointer objects and deep copies of each value were most of that cost. A copy of
    the containers on the path is enough, as every later op copies its own path again."""
    kind = op["op"]
    if kind in ("move", "copy"):
        source = jp.split(op["from"])
        value = _resolve(document, source)
        if kind == "move":
            if jp.is_prefix(source, jp.split(op["path"])) and source != jp.split(op["path"]):
                raise _DoesNotApply(op["path"])  # a value cannot move into itself
            document = _apply(document, {"op": "remove", "path": op["from"]})
        kind = "add"
    else:
        value = op.get("value")
    parts = jp.split(op["path"])
    if not parts:
        if kind == "remove":
            raise _DoesNotApply("")
        return value
    parent = document
    for part in parts[:-1]:
        key = _key(parent, part, size_ok=False)
        child = parent[key]
        if isinstance(child, (dict, list)):
            child = parent[key] = type(child)(child)
        parent = child
    last = parts[-1]
    if isinstance(parent, dict):
        if kind != "add" and last not in parent:
            raise _DoesNotApply(op["path"])
        if kind == "remove":
            del parent[last]
        else:
            parent[last] = value
    elif isinstance(parent, list):
        if kind == "add" and last == "-":
            parent.append(value)
            return document
        index = _key(parent, last, size_ok=kind == "add")
        if kind == "add":
            parent.insert(index, value)
        elif kind == "remove":
            del parent[index]
        else:
            parent[index] = value
    else:
        raise _DoesNotApply(op["path"])
    return document


def _key(container: Any, part: str, size_ok: bool) -> Any:
    """The dict key or list index ``part`` names in ``container``; ``size_ok``: one past a list's end."""
    if isinstance(container, dict):
        if part in container:
            return part
    elif isinstance(container, list) and part.isdigit() and (part == "0" or part[0] != "0"):
        index = int(part)
        if index < len(container) or (size_ok and index == len(container)):
            return index
    raise _DoesNotApply(part)


def _resolve(document: Any, parts: tuple[str, ...]) -> Any:
    value = document
    for part in parts:
        value = value[_key(value, part, size_ok=False)]
    return value


def _relevant(op: dict[str, Any]) -> bool:
    parts = jp.split(op["path"])
    return bool(parts) and parts[0] in ("Resources", "Parameters")


def _compare(before: dict[str, Any], after: dict[str, Any]) -> Impact:
    old, new = _section(before, "Resources"), _section(after, "Resources")
    types = {}
    adds, modifies, replaces, removes = [], [], [], []
    for name in list(old) + [n for n in new if n not in old]:
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        body = b if isinstance(b, dict) else a
        type_name = body.get("Type") if isinstance(body, dict) else None
        types[name] = type_name if isinstance(type_name, str) else "resource"
        if a is None:
            adds.append(name)
        elif b is None:
            removes.append(name)
        elif _replaced(a, b):
            types[name] = a.get("Type") if isinstance(a.get("Type"), str) else types[name]
            replaces.append(name)
        else:
            modifies.append(name)
    old_parameters, new_parameters = _section(before, "Parameters"), _section(after, "Parameters")
    added = [n for n in new_parameters if n not in old_parameters]
    required = [n for n in added if not (isinstance(new_parameters[n], dict) and "Default" in new_parameters[n])]
    return Impact(tuple(adds), tuple(modifies), tuple(replaces), tuple(removes), tuple(added),
                  tuple(n for n in old_parameters if n not in new_parameters), types, tuple(required))


def _replaced(before: Any, after: Any) -> bool:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return True
    if before.get("Type") != after.get("Type"):
        return True
    facts = schema(before["Type"]) if isinstance(before.get("Type"), str) else None
    if facts is None:
        return False  # a type the schemas do not know (SAM, custom): no create-only facts to go by
    return bool(facts.replaces(before.get("Properties") or {}, after.get("Properties") or {}))
