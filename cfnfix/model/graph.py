"""The dependency graph of a template's resources, where each edge is found, and its cycles."""

from __future__ import annotations

import re
from collections import deque
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from .template import PSEUDO_PARAMETERS, Resource, Template

# the Sub variables CloudFormation reads (``${!Literal}`` is text); a dotted one is a GetAtt
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")
# resource attributes that hold no references (DependsOn is read as edges of its own)
_NOT_WALKED = frozenset({"Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy"})
# SAM properties whose references the transform moves into resources of their own (event sources,
# permissions, the CodeDeploy deployment group), which depend on the function, not it on them
_SAM_ELSEWHERE = {"AWS::Serverless::Function": frozenset({"Events", "DeploymentPreference"}),
                  "AWS::Serverless::StateMachine": frozenset({"Events"})}


class Dependency(NamedTuple):
    """``source`` must be created after ``target``: a Ref, GetAtt, Sub variable or DependsOn entry.

    ``path`` is where in the source resource the reference is, from the resource's own entry
    (``("Properties", "SecurityGroupIngress", "0", "SourceSecurityGroupId")``, ``("DependsOn", "1")``).
    """

    source: str
    target: str
    kind: str
    path: tuple[str, ...]


class DependencyGraph:
    """Resources and the dependencies between them, SAM resources as written; edges to anything
    but a resource of the template (parameters, pseudo parameters, unknown names) are left out."""

    def __init__(self, nodes: Iterable[str], edges: Iterable[Dependency]):
        self.nodes: tuple[str, ...] = tuple(nodes)
        known = set(self.nodes)
        self.edges: tuple[Dependency, ...] = tuple(e for e in edges if e.source in known and e.target in known)
        self._out: dict[str, list[Dependency]] = {n: [] for n in self.nodes}
        for edge in self.edges:
            self._out[edge.source].append(edge)

    @classmethod
    def of(cls, template: Template) -> "DependencyGraph":
        """The template's graph, built once per template: detect and fix both read it."""
        built: DependencyGraph = template.derived(cls, cls._build)
        return built

    @classmethod
    def _build(cls, template: Template) -> "DependencyGraph":
        names = template.resources
        edges: list[Dependency] = []
        for name, resource in names.items():
            for key, value in _walked(resource):
                # a path is built only for an edge to a resource: most references name parameters
                edges.extend(Dependency(name, target, kind, _parts(link))
                             for target, kind, link in _linked_references(value, (None, key)) if target in names)
            depends = resource.raw.get("DependsOn")
            if isinstance(depends, str):
                edges.append(Dependency(name, depends, "DependsOn", ("DependsOn",)))
            elif isinstance(depends, list):
                edges.extend(Dependency(name, d, "DependsOn", ("DependsOn", str(i)))
                             for i, d in enumerate(depends) if isinstance(d, str))
        return cls(names, edges)

    def dependencies(self, source: str) -> list[Dependency]:
        return self._out.get(source, [])

    def without(self, cut: Iterable[Dependency]) -> "DependencyGraph":
        """The graph less the edges ``cut`` (compared by value)."""
        gone = set(cut)
        return DependencyGraph(self.nodes, (e for e in self.edges if e not in gone))

    def with_edges(self, nodes: Iterable[str], edges: Iterable[Dependency]) -> "DependencyGraph":
        """The graph with more nodes and edges (the resources a fix would add)."""
        return DependencyGraph(self.nodes + tuple(n for n in nodes if n not in self._out), self.edges + tuple(edges))

    def components(self) -> list[tuple[str, ...]]:
        """The strongly connected components that are cycles (two or more resources, or one that
        depends on itself), each in node order, in the order of their first node (Tarjan, iterative)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        found: list[list[str]] = []
        counter = 0
        for root in self.nodes:
            if root in index:
                continue
            work: list[tuple[str, Iterator[Dependency]]] = [(root, iter(self._out[root]))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, edges = work[-1]
                advanced = False
                for edge in edges:
                    target = edge.target
                    if target not in index:
                        index[target] = low[target] = counter
                        counter += 1
                        stack.append(target)
                        on_stack.add(target)
                        work.append((target, iter(self._out[target])))
                        advanced = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or any(e.target == node for e in self._out[node]):
                        found.append(component)
        order = {n: i for i, n in enumerate(self.nodes)}
        cycles = [tuple(sorted(c, key=order.__getitem__)) for c in found]
        return sorted(cycles, key=lambda c: order[c[0]])

    def cycle_through(self, start: str, within: Iterable[str] | None = None) -> list[str] | None:
        """A shortest cycle from ``start`` back to it (``[A, B, C, A]``), through ``within`` only."""
        allowed = set(within) if within is not None else None
        came_from: dict[str, str] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for edge in self._out.get(node, []):
                target = edge.target
                if allowed is not None and target not in allowed:
                    continue
                if target == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return chain[::-1] + [start]
                if target not in came_from:
                    came_from[target] = node
                    queue.append(target)
        return None

    def descendants(self, start: str) -> set[str]:
        """Every resource ``start`` depends on, directly or not."""
        seen: set[str] = set()
        todo = [start]
        while todo:
            for edge in self._out.get(todo.pop(), []):
                if edge.target not in seen:
                    seen.add(edge.target)
                    todo.append(edge.target)
        return seen


def _walked(resource: Resource) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(where, value) of each part of a resource whose references are edges of the graph."""
    elsewhere = _SAM_ELSEWHERE.get(resource.type, frozenset())
    for key, value in resource.raw.items():
        if key in _NOT_WALKED:
            continue
        if key == "Properties" and elsewhere and isinstance(value, dict):
            yield from (((key, field), inner) for field, inner in value.items() if field not in elsewhere)
            continue
        yield (key,), value


class Contents(NamedTuple):
    """What one walk of a resource finds: the names its Refs, GetAtts and Sub variables read
    where the graph reads them (``targets``; pseudo parameters and DependsOn left out), and every
    string in it, joined by NUL (``text``: one search tells whether any string holds a text)."""

    targets: frozenset[str]
    text: str


def contents(template: Template) -> dict[str, Contents]:
    """Each resource's ``Contents``, walked once per template: the cycle check and the rules that
    search resources' strings share the walk, which is most of what they cost."""
    return template.derived(contents, _all_contents)


def _all_contents(template: Template) -> dict[str, Contents]:
    return {name: _contents(resource) for name, resource in template.resources.items()}


def _contents(resource: Resource) -> Contents:
    strings: list[str] = []
    targets: set[str] = set()
    keep, target = strings.append, targets.add
    elsewhere = _SAM_ELSEWHERE.get(resource.type, frozenset())
    read: list[Any] = []    # values whose references are edges, and whose strings count
    unread: list[Any] = []  # values whose strings count, not their references
    for key, value in resource.raw.items():
        if key in _NOT_WALKED:
            unread.append(value)
        elif key == "Properties" and elsewhere and isinstance(value, dict):
            for field, inner in value.items():
                (unread if field in elsewhere else read).append(inner)
        else:
            read.append(value)
    # classes compared, not isinstance (most values are strings, and every check walks every
    # resource); a subclass, as a library caller may hand in, is taken as its plain class
    for stack, edges in ((read, True), (unread, False)):
        pop, push = stack.pop, stack.extend
        while stack:
            item = pop()
            cls = item.__class__
            if cls is str:
                keep(item)
            elif cls is dict:
                if edges and len(item) == 1:
                    key, inner = next(iter(item.items()))
                    if key == "Ref":
                        if inner.__class__ is str:
                            keep(inner)
                            if inner not in PSEUDO_PARAMETERS:
                                target(inner)
                            continue
                    elif key == "Fn::GetAtt" or key == "Fn::Sub":
                        # the graph's own reading of the intrinsic; its strings are walked later
                        targets.update(name for name, _ in _references(item))
                        unread.append(inner)
                        continue
                    else:
                        push(item.values())
                        continue
                    unread.append(inner)  # a Ref to no name: its value holds no edge
                    continue
                push(item.values())
            elif cls is list:
                push(item)
            elif cls not in NUMBERS and (plain := as_plain(item)) is not None:
                stack.append(plain)
    return Contents(frozenset(targets), "\0".join(strings))


# the other classes a parsed value has, passed over without a test of each kind
NUMBERS = frozenset({int, float, bool, type(None)})


def as_plain(value: Any) -> str | dict[Any, Any] | list[Any] | None:
    """A string, dict or list of a subclass (as a library caller may hand in) as its plain class,
    for the walks that compare classes; None for anything else."""
    for plain in (str, dict, list):
        if isinstance(value, plain):
            return plain(value)  # type: ignore[no-any-return]
    return None


def has_cycle(template: Template) -> bool:
    """Whether ``DependencyGraph.of(template)`` has a cycle (``components`` is not empty), found
    without paths or edge records: resources that depend on nothing left are peeled off until
    none is, and what stays is in or behind a cycle. Most templates have none, and this costs
    them a fraction of building the graph."""
    names = template.resources
    walked = contents(template)
    targets: dict[str, set[str]] = {}
    for name, resource in names.items():
        found = names.keys() & walked[name].targets
        if resource.depends_on:
            found.update(d for d in resource.depends_on if d in names)
        targets[name] = found
    # a cycle needs a resource that depends on one that depends on another: many templates have
    # none, and set operations say so without the peeling
    depending = {name for name, found in targets.items() if found}
    if all(depending.isdisjoint(found) for found in targets.values()):
        return False
    users: dict[str, list[str]] = {}
    for name, found in targets.items():
        for target in found:
            users.setdefault(target, []).append(name)
    left = {name: len(found) for name, found in targets.items()}
    free = [name for name, count in left.items() if not count]
    peeled = 0
    while free:
        name = free.pop()
        peeled += 1
        for user in users.get(name, ()):
            left[user] -= 1
            if not left[user]:
                free.append(user)
    return peeled < len(left)


def located_references(value: Any, base: tuple[str, ...] = ()) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(target, kind, path) for every Ref, GetAtt and Sub variable inside ``value`` (both branches
    of an ``Fn::If``, as cfn-lint reads them); pseudo parameters and Sub's own variables are none."""
    for target, kind, link in _linked_references(value, (None, base)):
        yield target, kind, _parts(link)


# Where _linked_references is: a (parent's link, key) pair, a list index an int, the root's link
# (None, base); a tuple per value would cost the walk its depth at every value.
_Link = tuple[Any, Any]


def _parts(link: _Link) -> tuple[str, ...]:
    keys: list[str] = []
    while link[0] is not None:
        link, key = link
        keys.append(key if isinstance(key, str) else str(key))
    return tuple(link[1]) + tuple(reversed(keys))


def _linked_references(value: Any, root: _Link) -> Iterator[tuple[str, str, _Link]]:
    """``located_references`` with links for paths, in the same order."""
    stack: list[tuple[_Link, Any]] = [(root, value)]
    pop, push = stack.pop, stack.extend
    while stack:
        link, item = pop()
        if isinstance(item, list):
            push([((link, i), v) for i, v in enumerate(item)])
            continue
        if not isinstance(item, dict):
            continue
        if len(item) == 1:
            (key, inner), = item.items()
            if key == "Ref":
                if isinstance(inner, str) and inner not in PSEUDO_PARAMETERS:
                    yield inner, "Ref", link
                continue
            if key == "Fn::GetAtt":
                target = inner.split(".", 1)[0] if isinstance(inner, str) else (
                    inner[0] if isinstance(inner, list) and inner else None)
                if isinstance(target, str):
                    yield target, "GetAtt", link
                else:
                    stack.append(((link, key), inner))
                continue
            if key == "Fn::Sub":
                yield from _sub_references(inner, (link, key), stack)
                continue
        push([((link, k), v) for k, v in item.items()])


def _references(value: Any) -> Iterator[tuple[str, str]]:
    """(target, kind) of ``located_references``, without the paths: a walk without links."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        if isinstance(item, list):
            push(item)
            continue
        if not isinstance(item, dict):
            continue
        if len(item) == 1:
            (key, inner), = item.items()
            if key == "Ref":
                if isinstance(inner, str) and inner not in PSEUDO_PARAMETERS:
                    yield inner, "Ref"
                continue
            if key == "Fn::GetAtt":
                target = inner.split(".", 1)[0] if isinstance(inner, str) else (
                    inner[0] if isinstance(inner, list) and inner else None)
                if isinstance(target, str):
                    yield target, "GetAtt"
                else:
                    stack.append(inner)
                continue
            if key == "Fn::Sub":
                links: list[tuple[_Link, Any]] = []
                for target, kind, _ in _sub_references(inner, (None, ()), links):
                    yield target, kind
                push([variables for _, variables in links])
                continue
        push(item.values())


def _sub_references(inner: Any, link: _Link, stack: list[tuple[_Link, Any]]) -> Iterator[tuple[str, str, _Link]]:
    if isinstance(inner, list) and len(inner) == 2:
        text, variables = inner
        local: Mapping[str, Any] = variables if isinstance(variables, dict) else {}
        if isinstance(variables, (dict, list)):
            stack.append(((link, "1"), variables))
        where = (link, "0")
    else:
        text, local, where = inner, {}, link
    if not isinstance(text, str) or "${" not in text:
        return
    for variable in _SUB_VARIABLE.findall(text):
        name, _, attribute = variable.strip().partition(".")
        if variable.strip() not in local and name not in local and name not in PSEUDO_PARAMETERS:
            yield name, "GetAtt" if attribute else "Sub", where
