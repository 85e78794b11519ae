"""CFX701 circular-dependency: resources depend on each other in a cycle, so none can be created."""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from typing import Any, NamedTuple

from .. import pointer as jp
from ..model.graph import Dependency, DependencyGraph, has_cycle, located_references
from ..kit import Plan, Safety, add_op, condition_of, remove_op, replace_op, test_op, type_pin
from ..rule import Finding, Fix, Rule
from ..model.template import Template
from ..values import aws_data

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
# inline rule list -> the standalone type it moves to, and the word of its new logical id
RULE_LISTS = {"SecurityGroupIngress": ("AWS::EC2::SecurityGroupIngress", "IngressFrom"),
              "SecurityGroupEgress": ("AWS::EC2::SecurityGroupEgress", "EgressTo")}
# an identity with inline Policies -> the AWS::IAM::Policy property that attaches a standalone one
POLICY_HOLDERS = {"AWS::IAM::Role": "Roles", "AWS::IAM::User": "Users", "AWS::IAM::Group": "Groups"}
POLICY_KEYS = frozenset({"PolicyName", "PolicyDocument"})
# with egress rules of its own a group has no default allow-all egress; this rule keeps it so
# once every inline egress rule has moved out (it matches only the loopback address)
NO_DEFAULT_EGRESS = {"IpProtocol": "-1", "CidrIp": "127.0.0.1/32"}
# the kinds of cut, in the order the issue tries them, each re-checked before the next
STEPS = (("SecurityGroupIngress",), ("SecurityGroupIngress", "SecurityGroupEgress"),
         ("SecurityGroupIngress", "SecurityGroupEgress", "Policies"),
         ("SecurityGroupIngress", "SecurityGroupEgress", "Policies", "DependsOn"))
ICMP = (1, "1", "icmp", 58, "58", "icmpv6")
KNOWN_TRANSFORMS = frozenset({"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"})


class Cut(NamedTuple):
    """One thing the fix moves or removes: an inline rule or policy (list ``field``, ``index``), or a
    ``DependsOn`` entry (``index`` None: the single string)."""

    resource: str
    field: str
    index: int | None


class CyclePayload(NamedTuple):
    members: tuple[str, ...]
    path: tuple[str, ...]
    cuts: tuple[Cut, ...]          # empty: nothing this rule moves breaks the cycle


class CircularDependency(Rule):
    """## What it does
    Finds resources that depend on each other in a cycle: strongly connected components of the
    graph of `Ref`, `Fn::GetAtt`, `Fn::Sub` variables and `DependsOn` among resources (both
    branches of an `Fn::If`, as cfn-lint reads them; SAM resources as written). A resource that
    depends on itself (a security group whose inline rule names the group) is a cycle too.

    ## Why does this fail?
    CloudFormation creates a resource only after everything it depends on. In a cycle each
    resource waits for another, so the stack cannot be created or updated at all: CloudFormation
    rejects it with "Circular dependency between resources" (cfn-lint E3004).

    ## Fix
    Tries, in this order, re-checking the cycle after each: security-group rules that name a
    resource of the cycle move from the inline `SecurityGroupIngress`/`SecurityGroupEgress` into
    standalone `AWS::EC2::SecurityGroupIngress`/`Egress` resources (`GroupId` is the group's
    `GroupId`; an ICMP rule without ports gets `-1`, every type and code, as inline; a rule of
    another protocol without ports stays inline); an inline policy of a role (or user or group) that names a resource of the cycle
    moves into a standalone `AWS::IAM::Policy` attached to it, and the resources that used the
    role get a `DependsOn` on the new policy where that closes no new cycle, so they still have
    the permission when they are created; a `DependsOn` entry that alone closes the cycle goes.
    Only what still closes a cycle is changed. When every inline egress rule of a group moves, a
    loopback rule (`127.0.0.1/32`) stays inline, so the group does not get the default allow-all
    egress. A cycle none of these breaks is reported with its path (`A -> B -> C -> A`), without a
    fix.

    ## Fix safety
    Unsafe: on a live stack the standalone rules and policies replace the inline ones (the
    permission or rule is briefly absent), and a removed `DependsOn` changes the creation order.

    ## Options
    None.
    """

    code = "CFX701"
    name = "circular-dependency"
    severity = "critical"
    summary = "Resources depend on each other in a cycle"
    fix_title = "Move inline rules and policies out, or drop the DependsOn, that close the cycle"
    resolves = ("E3004",)

    def detect(self, template: Template):
        if set(template.transform) - KNOWN_TRANSFORMS:
            return  # a macro rewrites the resources: the cycle as written may not be the one deployed
        if not has_cycle(template):
            return
        graph = DependencyGraph.of(template)
        components = graph.components()
        for members in components:
            path = graph.cycle_through(members[0], members) or [members[0], members[0]]
            cuts, left = _plan_cuts(template, graph, members)
            shown = " -> ".join(path)
            if left is not None:
                message = (f"Resources depend on each other in a cycle, so none can be created: {shown}; "
                           "no inline security-group rule, inline policy or DependsOn entry alone closes "
                           f"it{'' if left == path else ' (left after the other cuts: ' + ' -> '.join(left) + ')'}")
                cuts = ()
            else:
                message = f"Resources depend on each other in a cycle, so none can be created: {shown}"
            yield self.finding(message, ("Resources", members[0]), members[0],
                               CyclePayload(members, tuple(path), tuple(cuts)))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: CyclePayload = finding.payload
        if not payload.cuts:
            return None
        ops: list[dict[str, Any]] = []
        moved_rules = moved_policies = dropped = 0
        order = list(template.resources)
        graph = DependencyGraph.of(template)
        cut_edges = [e for cut in payload.cuts for e in _edges_of(graph, cut)]
        after_cut = graph.without(cut_edges)
        depends: dict[str, list[str]] = {}
        for resource in dict.fromkeys(c.resource for c in payload.cuts):
            for field in ("SecurityGroupIngress", "SecurityGroupEgress", "Policies", "DependsOn"):
                indices = sorted(c.index for c in payload.cuts if c.resource == resource and c.field == field
                                 and c.index is not None)
                whole = any(c.resource == resource and c.field == field and c.index is None for c in payload.cuts)
                if not indices and not whole:
                    continue
                owner = template.resources[resource]
                if field == "DependsOn":
                    dropped += len(indices) + whole
                    kept = [] if whole else [d for i, d in enumerate(owner.raw["DependsOn"]) if i not in indices]
                    depends[resource] = kept
                    continue
                items = owner.properties[field]
                where = ("Resources", resource, "Properties", field)
                ops.append(test_op(where, items))
                for index in indices:
                    item = items[index]
                    if field == "Policies":
                        new = plan.fresh_id(f"{resource}Policy")
                        body = {"Type": "AWS::IAM::Policy", **condition_of(owner),
                                "Properties": {**item, POLICY_HOLDERS[owner.type]: [{"Ref": resource}]}}
                        moved_policies += 1
                        _depend_on_policy(template, after_cut, owner, new, item, depends)
                    else:
                        kind, word = RULE_LISTS[field]
                        target = next((e.target for e in graph.dependencies(resource)
                                       if e.path[:3] == ("Properties", field, str(index)) and e.target in payload.members),
                                      resource)
                        new = plan.fresh_id(f"{resource}{word}{target}")
                        body = {"Type": kind, **condition_of(owner),
                                "Properties": {"GroupId": {"Fn::GetAtt": [resource, "GroupId"]}, **_standalone_rule(item)}}
                        moved_rules += 1
                    ops.append(add_op(("Resources", new), body, **_placement(order, resource)))
                if len(indices) == len(items):
                    if field == "SecurityGroupEgress":
                        ops.append(replace_op(where, [dict(NO_DEFAULT_EGRESS)]))
                    else:
                        ops.append(remove_op(where))
                else:
                    ops.extend(remove_op(where + (str(i),)) for i in reversed(indices))
        ops.extend(_depends_ops(template, depends))
        pins = [type_pin(template.resources[name]) for name in payload.members]
        parts = [f"{n} {what}{'s' if n != 1 else ''}" for n, what in (
            (moved_rules, "inline security-group rule"), (moved_policies, "inline policy")) if n]
        title = "Break the cycle: " + "; ".join(
            ([f"move {' and '.join(parts)} to standalone resources"] if parts else [])
            + ([f"drop {dropped} DependsOn entr{'ies' if dropped != 1 else 'y'}"] if dropped else []))
        return Fix(title, Safety.UNSAFE,
                   "On a live stack the standalone rules and policies replace the inline ones, and a "
                   "dropped DependsOn changes the creation order.", tuple(pins + ops))


def _cuttable(template: Template, edge: Dependency) -> Cut | None:
    """The cut that removes ``edge``, when this rule knows how to make it."""
    owner = template.resources[edge.source]
    path = edge.path
    if edge.kind == "DependsOn":
        return Cut(edge.source, "DependsOn", int(path[1]) if len(path) > 1 else None)
    if len(path) < 3 or path[0] != "Properties" or not path[2].isdigit():
        return None
    field, index = path[1], int(path[2])
    if field in RULE_LISTS and owner.type == SECURITY_GROUP:
        items = owner.properties.get(field)
        if isinstance(items, list) and _plain(items[index]) and _ports_complete(items[index]):
            return Cut(edge.source, field, index)
    if field == "Policies" and owner.type in POLICY_HOLDERS:
        items = owner.properties.get(field)
        if isinstance(items, list) and _plain(items[index]) and set(items[index]) == POLICY_KEYS \
                and _actions_known(items[index]["PolicyDocument"]):
            return Cut(edge.source, field, index)
    return None


@lru_cache(maxsize=1)
def _iam_actions() -> dict[str, frozenset[str]]:
    return {service: frozenset(actions.split()) for service, actions in aws_data("iam_actions.json")["actions"].items()}


def _actions_known(document: Any) -> bool:
    """Whether every literal action of an inline policy is one cfn-lint knows. cfn-lint checks the
    actions of a standalone AWS::IAM::Policy only (W3037): moving a policy with a made-up action
    out of its role would bring a warning that was not there."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action") if isinstance(statement, dict) else None
        for action in actions if isinstance(actions, list) else [actions]:
            if isinstance(action, str) and action != "*" and not _known_action(action):
                return False
    return True


def _known_action(action: str) -> bool:
    service, _, permission = action.lower().partition(":")
    known = _iam_actions().get(service)
    if not permission or known is None:
        return False
    if "*" in permission or "?" in permission:
        return any(fnmatch.fnmatchcase(name, permission) for name in known)
    return permission in known


def _ports_complete(rule: dict[str, Any]) -> bool:
    """A standalone rule needs its ports unless it is for every protocol (cfn-lint E3687): an ICMP
    one gets -1 (every type and code, what the inline one without them allows); another protocol
    without them stays inline."""
    return (rule.get("IpProtocol") in ("-1", -1, "all") or rule.get("IpProtocol") in ICMP
            or ("FromPort" in rule and "ToPort" in rule))


def _standalone_rule(rule: dict[str, Any]) -> dict[str, Any]:
    if rule.get("IpProtocol") in ICMP and "FromPort" not in rule and "ToPort" not in rule:
        return {**rule, "FromPort": -1, "ToPort": -1}
    return rule


def _plain(item: Any) -> bool:
    return isinstance(item, dict) and not (len(item) == 1 and next(iter(item)).startswith(("Fn::", "Ref")))


def _edges_of(graph: DependencyGraph, cut: Cut) -> list[Dependency]:
    if cut.field == "DependsOn":
        prefix: tuple[str, ...] = ("DependsOn",) if cut.index is None else ("DependsOn", str(cut.index))
    else:
        prefix = ("Properties", cut.field, str(cut.index))
    return [e for e in graph.dependencies(cut.resource) if e.path[:len(prefix)] == prefix]


def _plan_cuts(template: Template, graph: DependencyGraph, members: tuple[str, ...]
               ) -> tuple[list[Cut], list[str] | None]:
    """The cuts that make ``members`` acyclic, tried kind by kind; or the cycle left (``[A, ..., A]``)."""
    inside = set(members)
    edges = [e for m in members for e in graph.dependencies(m) if e.target in inside]
    sub = DependencyGraph(members, edges)
    cuts: list[Cut] = []
    for allowed in STEPS:
        progress = True
        while progress:
            progress = False
            for component in sub.components():
                scope = set(component)
                pairs = dict.fromkeys((e.source, e.target) for e in sub.edges
                                      if e.source in scope and e.target in scope)
                for source, target in pairs:
                    pair_edges = [e for e in sub.dependencies(source) if e.target == target]
                    found = [c for e in pair_edges if (c := _cuttable(template, e)) is not None]
                    if len(found) == len(pair_edges) and all(c.field in allowed for c in found):
                        new = [c for c in dict.fromkeys(found) if c not in cuts]
                        cuts.extend(new)
                        sub = sub.without(e for c in new for e in _edges_of(sub, c))
                        progress = True
                        break
                if progress:
                    break
    left = sub.components()
    if left:
        return cuts, sub.cycle_through(left[0][0], left[0]) or [left[0][0], left[0][0]]
    return cuts, None


def _depend_on_policy(template: Template, graph: DependencyGraph, holder: Any, policy: str, item: Any,
                      depends: dict[str, list[str]]) -> None:
    """Give the resources that use ``holder`` a DependsOn on its new ``policy`` where that closes no
    cycle (the policy must not, through what it names, depend on them) and both exist together."""
    targets = [t for t, _, _ in located_references(item) if t in template.resources]
    edges = [Dependency(policy, holder.name, "Ref", ())] + [Dependency(policy, t, "Ref", ()) for t in targets]
    reached = graph.with_edges([policy], edges).descendants(policy)
    users: list[str] = []
    for edge in graph.edges:
        if edge.target != holder.name or edge.source == holder.name or edge.kind == "DependsOn":
            continue
        user = template.resources[edge.source]
        if user.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::InstanceProfile"):
            continue
        if edge.source in reached or edge.source in users or user.condition != holder.condition:
            continue
        users.append(edge.source)
    for user in users:
        current = depends.get(user)
        if current is None:
            current = list(template.resources[user].depends_on)
        depends[user] = current + [policy]


def _depends_ops(template: Template, depends: dict[str, list[str]]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for name, entries in depends.items():
        raw = template.resources[name].raw
        where = ("Resources", name, "DependsOn")
        if "DependsOn" in raw:
            ops.append(test_op(where, raw["DependsOn"]))
            if not entries:
                ops.append(remove_op(where))
            else:
                ops.append(replace_op(where, entries[0] if len(entries) == 1 and isinstance(raw["DependsOn"], str)
                                      else entries))
        elif entries:
            position = {"before": jp.join(("Resources", name, "Properties"))} if "Properties" in raw else {}
            ops.append(add_op(where, entries[0] if len(entries) == 1 else entries, **position))
    return ops


def _placement(order: list[str], resource: str) -> dict[str, str]:
    """New resources go right after the one they come from, in the order they are added."""
    index = order.index(resource)
    if index + 1 < len(order):
        return {"before": jp.join(("Resources", order[index + 1]))}
    return {}
