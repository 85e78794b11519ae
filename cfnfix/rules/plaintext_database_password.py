"""CFX102 plaintext-database-password: a database password given as text, a parameter or plain SSM."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from .. import pointer as jp
from ..kit import Plan, Safety, add_op, condition_of, intrinsic, remove_op, replace_op, test_op, type_pin, walk
from ..rule import Finding, Fix, Rule
from ..model.template import Resource, Template, references
from ..values import aws_data

SECURE_REFERENCES = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")
PLAIN_SSM = "{{resolve:ssm:"
INTERFACE = "AWS::CloudFormation::Interface"


class PasswordSite(NamedTuple):
    resource: str
    path: tuple[str, ...]      # of the password value, from the template root
    value: Any


class PasswordPayload(NamedTuple):
    sites: tuple[PasswordSite, ...]
    parameter: str | None      # the parameter every site takes the password from, if any


def _facts() -> dict[str, Any]:
    return aws_data("database_passwords.json")


class PlaintextDatabasePassword(Rule):
    """## What it does
    Finds database and broker passwords that CloudFormation reads as plain text: the
    `MasterUserPassword` of RDS instances and clusters, DocumentDB clusters and Redshift clusters,
    `AdvancedSecurityOptions.MasterUserOptions.MasterUserPassword` of OpenSearch domains, the user
    passwords of Amazon MQ brokers and the `AuthToken` of ElastiCache replication groups, when
    written as a literal, taken from a parameter (`NoEcho` or not), or read from a plain (not
    `ssm-secure`) SSM parameter. Sites that share one parameter are one finding.

    ## Why does this fail?
    A literal password is in the template, in version control and in every copy of it. A
    parameter must be passed on every deployment: with `NoEcho` and no default (the usual form)
    a non-interactive pipeline cannot start the deploy at all, a StackSet cannot pass the value
    on to a standby copy (CFX202 stays display-only), and the value still shows in the
    parameters of change sets and nested stacks. A plain SSM parameter is stored unencrypted.

    ## Fix
    For RDS and Aurora (except RDS Custom and Aurora Serverless v1), sets
    `ManageMasterUserPassword: true` and removes `MasterUserPassword`: RDS generates the password
    and keeps it in Secrets Manager. Elsewhere, adds an `AWS::SecretsManager::Secret` whose
    `GenerateSecretString` holds the user name from the template and excludes the characters the
    service rejects, puts a `{{resolve:secretsmanager:...}}` dynamic reference in place of the
    password, and, for DocumentDB, Redshift and Aurora Serverless v1, a
    `AWS::SecretsManager::SecretTargetAttachment` so that the secret learns the endpoint. The
    new resources carry the database's `Condition`. The password parameter, once nothing else
    uses it, is removed (with its entries in `AWS::CloudFormation::Interface`). No output is added.

    ## Fix safety
    Unsafe: on a live database the master password changes to a generated one on the next
    deploy, clients must read it from Secrets Manager, and removing the parameter changes how the
    stack is deployed.

    ## Options
    None.
    """

    code = "CFX102"
    name = "plaintext-database-password"
    severity = "high"
    summary = "A database password is a literal, a parameter or a plain SSM value"
    fix_title = "Let RDS manage the password, or generate it in Secrets Manager"
    cfn_lint_ids = ("W1011", "W2501")
    resolves = cfn_lint_ids

    def detect(self, template: Template):
        groups: dict[tuple[str, ...], list[tuple[PasswordSite, str]]] = {}
        for resource in template.resources.values():
            facts = _facts()["types"].get(resource.type)
            if facts is None:
                continue
            base = ("Resources", resource.name, "Properties")
            for path, value in walk(resource.properties, facts["password"], base):
                kind = _plaintext(value, template)
                if kind is None:
                    continue
                parameter = _parameter_of(value, template)
                key = ("parameter", parameter) if parameter else ("site",) + path
                groups.setdefault(key, []).append((PasswordSite(resource.name, path, value), kind))
        for key, entries in groups.items():
            first, kind = entries[0]
            resource = template.resources[first.resource]
            names = list(dict.fromkeys(_label(template.resources[s.resource]) for s, _ in entries))
            field = _facts()["types"][resource.type]["password"].rsplit("/", 1)[-1]
            yield self.finding(
                f"{' and '.join(names)} take{'s' * (len(names) == 1)} {field} {kind}: "
                f"{_why(kind)}; generate it in Secrets Manager",
                first.path, resource.name,
                payload=PasswordPayload(tuple(site for site, _ in entries), key[1] if key[0] == "parameter" else None))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        payload: PasswordPayload = finding.payload
        ops: list[dict[str, Any]] = []
        pinned: set[str] = set()
        managed_any = secret_any = False
        for site in payload.sites:
            resource = template.resources[site.resource]
            if resource.name not in pinned:
                ops.append(type_pin(resource))
                pinned.add(resource.name)
            ops.append(test_op(site.path, site.value))
            if _can_manage(resource, site):
                ops += _managed_ops(resource, site)
                managed_any = True
            else:
                ops += _secret_ops(resource, site, template, plan)
                secret_any = True
        removed = None
        if payload.parameter and not _used_elsewhere(template, payload.parameter, payload.sites):
            ops += _parameter_removal(template, payload.parameter)
            removed = payload.parameter
        how = " and ".join(w for w, on in (("let RDS manage the password", managed_any),
                                           ("generate it in Secrets Manager", secret_any)) if on)
        title = how[:1].upper() + how[1:] + (f"; remove the parameter {removed}" if removed else "")
        return Fix(title, Safety.UNSAFE,
                   "A live database's password changes to a generated one that clients must read from "
                   "Secrets Manager" + (", and deployments must stop passing the parameter." if removed else "."),
                   tuple(ops))


def _label(resource: Resource) -> str:
    """``RDS DBCluster Database``: the service, the kind and the logical id."""
    return " ".join(resource.type.split("::")[1:] + [resource.name])


def _plaintext(value: Any, template: Template) -> str | None:
    """How a password value is plain text (for the message), or None when it is a secure reference
    or something this rule cannot read."""
    if isinstance(value, str):
        if value.startswith(SECURE_REFERENCES):
            return None
        if value.startswith(PLAIN_SSM):
            return "from a plain SSM parameter"
        return "as a literal in the template"
    parameter = _parameter_of(value, template)
    if parameter is not None:
        entry = template.parameters[parameter]
        if entry.type.startswith("AWS::SSM::Parameter::Value"):
            return f"from plain SSM parameter {entry.default!r} through parameter {parameter}" \
                if entry.has_default else f"from a plain SSM parameter through parameter {parameter}"
        if entry.no_echo and not entry.has_default:
            return f"from NoEcho parameter {parameter}, which has no default"
        if entry.no_echo:
            return f"from NoEcho parameter {parameter}"
        return f"from parameter {parameter}, which is not even NoEcho"
    if intrinsic(value) == "Fn::Sub":
        text = value["Fn::Sub"][0] if isinstance(value["Fn::Sub"], list) else value["Fn::Sub"]
        if isinstance(text, str) and PLAIN_SSM in text and not any(s in text for s in SECURE_REFERENCES):
            return "from a plain SSM parameter"
    return None


def _parameter_of(value: Any, template: Template) -> str | None:
    """The parameter a password is, as `Ref` or as an `Fn::Sub` of exactly `${Name}`."""
    if intrinsic(value) == "Ref" and value["Ref"] in template.parameters:
        return value["Ref"]
    if intrinsic(value) == "Fn::Sub" and isinstance(value["Fn::Sub"], str):
        text = value["Fn::Sub"]
        if text.startswith("${") and text.endswith("}") and text[2:-1] in template.parameters:
            return text[2:-1]
    return None


def _why(kind: str) -> str:
    if "no default" in kind:
        return "a pipeline cannot deploy the stack without typing the secret, and a StackSet cannot pass it on"
    if kind.startswith("from NoEcho") or kind.startswith("from parameter"):
        return "every deployment must pass the secret, and it shows in change sets and nested stacks"
    if "SSM" in kind:
        return "a plain SSM parameter is stored unencrypted"
    return "the password is in version control and every copy of the template"


def _can_manage(resource: Resource, site: PasswordSite) -> bool:
    facts = _facts()
    managed = facts["types"][resource.type].get("managed")
    if managed is None or site.path != ("Resources", resource.name, "Properties", "MasterUserPassword"):
        return False  # not RDS, or the password is one branch of an Fn::If
    engine = resource.properties.get("Engine")
    if isinstance(engine, str) and engine.startswith(tuple(facts["managed_unsupported"]["engine_prefixes"])):
        return False
    mode = resource.properties.get("EngineMode")
    return not (isinstance(mode, str) and mode in facts["managed_unsupported"]["engine_modes"])


def _managed_ops(resource: Resource, site: PasswordSite) -> list[dict[str, Any]]:
    properties = ("Resources", resource.name, "Properties")
    ops = [remove_op(site.path)]
    if resource.properties.get("ManageMasterUserPassword") is not True:
        if "ManageMasterUserPassword" in resource.properties:
            ops.append(replace_op(properties + ("ManageMasterUserPassword",), True))
        else:
            after = jp.join(properties + ("MasterUsername",)) if "MasterUsername" in resource.properties else None
            ops.append(add_op(properties + ("ManageMasterUserPassword",), True, after=after))
    return ops


def _holder_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """The mapping that holds the password key: the path less its Fn::If branches and the key."""
    parts = list(path)
    while len(parts) >= 2 and parts[-2] == "Fn::If":
        parts = parts[:-2]
    return tuple(parts[:-1])


def _username(resource: Resource, site: PasswordSite, template: Template) -> Any:
    key = _facts()["types"][resource.type].get("username")
    if key is None:
        return None
    try:
        holder = jp.resolve(template.data, _holder_path(site.path))
    except (KeyError, IndexError, ValueError):
        return None
    return holder.get(key) if isinstance(holder, dict) else None


def _secret_ops(resource: Resource, site: PasswordSite, template: Template, plan: Plan) -> list[dict[str, Any]]:
    facts = _facts()
    entry = facts["types"][resource.type]
    key = facts["secret_key"]
    user = _username(resource, site, template)
    words = resource.name + ("".join(p for p in site.path[4:] if p.isalpha() and p not in ("Users", "Password"))
                             if resource.type == "AWS::AmazonMQ::Broker" else "")
    if resource.type == "AWS::AmazonMQ::Broker" and isinstance(user, str):
        words = resource.name + "".join(c for c in user.title() if c.isalnum())
    name = plan.fresh_id(f"{words}Secret")
    generate: dict[str, Any] = {}
    if isinstance(user, str):
        generate["SecretStringTemplate"] = json.dumps({"username": user})
        generate["GenerateStringKey"] = key
    elif intrinsic(user) == "Ref" and user["Ref"] in template.parameters:
        generate["SecretStringTemplate"] = {"Fn::Sub": '{"username": "${' + user["Ref"] + '}"}'}
        generate["GenerateStringKey"] = key
    generate["PasswordLength"] = entry["length"]
    generate["ExcludeCharacters"] = entry["exclude"]
    if entry.get("require_each_type"):
        generate["RequireEachIncludedType"] = True
    secret = {"Type": "AWS::SecretsManager::Secret", **condition_of(resource), "Properties": {
        "Description": f"Password of {_label(resource)}",
        "GenerateSecretString": generate}}
    json_key = f":SecretString:{key}" if "GenerateStringKey" in generate else ""
    reference = {"Fn::Sub": "{{resolve:secretsmanager:${" + name + "}" + json_key + "}}"}
    pointer = jp.join(("Resources", resource.name))
    ops = [add_op(("Resources", name), secret, before=pointer), replace_op(site.path, reference)]
    target = entry.get("attachment")
    if target and not any(r.type == "AWS::SecretsManager::SecretTargetAttachment"
                          and r.properties.get("TargetId") == {"Ref": resource.name}
                          for r in template.resources.values()):
        attachment = plan.fresh_id(f"{name}Attachment")
        ops.append(add_op(("Resources", attachment), {
            "Type": "AWS::SecretsManager::SecretTargetAttachment", **condition_of(resource), "Properties": {
                "SecretId": {"Ref": name}, "TargetId": {"Ref": resource.name}, "TargetType": target}},
            after=pointer))
    return ops


def _used_elsewhere(template: Template, parameter: str, sites: tuple[PasswordSite, ...]) -> bool:
    """Whether anything but the password sites uses the parameter (Interface metadata aside)."""
    replaced = {site.path for site in sites}
    for section, body in template.data.items():
        if section == "Parameters":
            continue
        if section == "Metadata" and isinstance(body, dict):
            body = {k: v for k, v in body.items() if k != INTERFACE}
        if _mentions(body, parameter, replaced, (section,)):
            return True
    return False


def _mentions(value: Any, name: str, skip: set[tuple[str, ...]], path: tuple[str, ...]) -> bool:
    if path in skip:
        return False
    if isinstance(value, dict):
        if intrinsic(value) in ("Ref", "Fn::Sub") and any(t == name for t, _, _ in references(value)):
            return True
        if intrinsic(value) == "Fn::Sub":
            return False
        return any(_mentions(child, name, skip, path + (key,)) for key, child in value.items())
    if isinstance(value, list):
        return any(_mentions(child, name, skip, path + (str(i),)) for i, child in enumerate(value))
    return False


def _parameter_removal(template: Template, parameter: str) -> list[dict[str, Any]]:
    parameters = template.data.get("Parameters")
    ops = [test_op(("Parameters", parameter), parameters[parameter])]
    ops.append(remove_op(("Parameters",) if len(parameters) == 1 else ("Parameters", parameter)))
    interface = template.metadata.get(INTERFACE)
    if not isinstance(interface, dict):
        return ops
    base = ("Metadata", INTERFACE)
    groups = interface.get("ParameterGroups")
    if isinstance(groups, list):
        emptied = []
        for g, group in enumerate(groups):
            names = group.get("Parameters") if isinstance(group, dict) else None
            if not isinstance(names, list) or parameter not in names:
                continue
            if all(n == parameter for n in names):
                emptied.append(g)  # a group of this parameter alone goes with it
                continue
            for i in reversed([i for i, n in enumerate(names) if n == parameter]):
                ops.append(remove_op(base + ("ParameterGroups", str(g), "Parameters", str(i))))
        if emptied and len(emptied) == len(groups):
            ops.append(remove_op(base + ("ParameterGroups",)))
        else:
            ops += [remove_op(base + ("ParameterGroups", str(g))) for g in reversed(emptied)]
    labels = interface.get("ParameterLabels")
    if isinstance(labels, dict) and parameter in labels:
        ops.append(remove_op(base + (("ParameterLabels",) if len(labels) == 1 else ("ParameterLabels", parameter))))
    return ops
