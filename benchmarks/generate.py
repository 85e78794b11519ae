"""Large templates built from real corpus bodies, for the scaling series: YAML, JSON, minified JSON.

    python benchmarks/generate.py OUT_DIR [--sizes 10,100,500,1000,2000,5000] [--corpus ../shared/corpus]

A cell is the resources of a few corpus templates (a VPC with NAT route tables, private subnets
and an ECS cluster behind an internet-facing load balancer; a database with a deprecated engine
version; a Lambda function on a deprecated runtime; a scalable target with a hard-coded
service-linked role), so every cell gives the rules work. Cells are repeated with their logical
ids suffixed (``VPC`` -> ``VPCc7``) and every reference renamed with them; parameters, conditions
and mappings are shared by the cells. The last cell is cut so the template has exactly the size.
Outputs are left out: thousands of them would only repeat CloudFormation's 200-output limit.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix.parse.document import parse_bytes  # noqa: E402

SOURCES = (
    "aws-cloudformation-templates/ECS/EC2LaunchType/clusters/private-vpc.yaml",
    "aws-cloudformation-templates/RDS/RDS_with_DBParameterGroup.yaml",
    "aws-cloudformation-templates/S3/S3_LambdaTrigger.yaml",
)
# the one body the corpus lacks (CFX101 fires on none of it): the rule's own example
EXTRA = ROOT / "cfnfix/rules/examples/hardcoded-service-linked-role/yaml-short-form-sub-with-iam-resources/template.yaml"
SIZES = (10, 100, 500, 1000, 2000, 5000)
RENDERINGS = ("yaml", "json", "min.json")
_SUB = re.compile(r"\$\{([^}!][^}.]*)((?:\.[^}]*)?)\}")


def cell_sources(corpus: Path) -> list[dict[str, Any]]:
    """The long-form data of each source template."""
    paths = [corpus / s for s in SOURCES] + [EXTRA]
    return [parse_bytes(p.read_bytes(), p.name).data for p in paths]


def _renamed(value: Any, names: dict[str, str]) -> Any:
    """``value`` with every Ref, GetAtt, Sub variable, DependsOn and Condition name in ``names``
    renamed."""
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, inner), = value.items()
        if key in ("Ref", "Condition") and isinstance(inner, str):
            return {key: names.get(inner, inner)}
        if key == "Fn::GetAtt":
            if isinstance(inner, str):
                head, dot, tail = inner.partition(".")
                return {key: names.get(head, head) + dot + tail}
            if isinstance(inner, list) and inner and isinstance(inner[0], str):
                return {key: [names.get(inner[0], inner[0])] + _renamed(inner[1:], names)}
        if key == "Fn::Sub":
            if isinstance(inner, str):
                return {key: _sub_renamed(inner, names)}
            if isinstance(inner, list) and len(inner) == 2 and isinstance(inner[0], str):
                local = set(inner[1]) if isinstance(inner[1], dict) else set()
                scope = {k: v for k, v in names.items() if k not in local}
                return {key: [_sub_renamed(inner[0], scope), _renamed(inner[1], names)]}
        if key == "Fn::FindInMap" and isinstance(inner, list) and inner and isinstance(inner[0], str):
            return {key: [names.get(inner[0], inner[0])] + _renamed(inner[1:], names)}
    return {k: _renamed(v, names) for k, v in value.items()}


def _sub_renamed(text: str, names: dict[str, str]) -> str:
    return _SUB.sub(lambda m: "${" + names.get(m.group(1), m.group(1)) + m.group(2) + "}", text)


def _resource(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    out = _renamed(body, names)
    depends = out.get("DependsOn")
    if isinstance(depends, str):
        out["DependsOn"] = names.get(depends, depends)
    elif isinstance(depends, list):
        out["DependsOn"] = [names.get(d, d) if isinstance(d, str) else d for d in depends]
    if isinstance(out.get("Condition"), str):
        out["Condition"] = names.get(out["Condition"], out["Condition"])
    return out


def generate(sources: list[dict[str, Any]], size: int) -> dict[str, Any]:
    """A template of exactly ``size`` resources made of suffixed copies of the sources' resources."""
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09",
                                "Description": f"cfnfix scaling benchmark: {size} resources from corpus bodies"}
    shared: dict[str, dict[str, Any]] = {"Parameters": {}, "Mappings": {}, "Conditions": {}}
    shared_names: list[dict[str, str]] = []
    for number, source in enumerate(sources):
        # each source's parameters, mappings and conditions once, prefixed so sources never clash
        names = {name: f"S{number}{name}" for section in shared for name in (source.get(section) or {})}
        shared_names.append(names)
        for section in shared:
            for name, body in (source.get(section) or {}).items():
                shared[section][names[name]] = _renamed(body, names)
    resources: dict[str, Any] = {}
    cell = 0
    while len(resources) < size:
        for number, source in enumerate(sources):
            own = source.get("Resources") or {}
            names = dict(shared_names[number])
            names.update({name: f"{name}c{cell}" for name in own})
            for name, body in own.items():
                if len(resources) == size:
                    break
                resources[names[name]] = _resource(body, names)
        cell += 1
    # a cut cell may leave references to resources it did not reach: those resources go too
    _drop_dangling(resources)
    while len(resources) < size:  # refill from a fresh cell's self-contained resources
        resources[f"Padding{len(resources)}"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
    for section, entries in shared.items():
        if entries:
            template[section] = entries
    template["Resources"] = resources
    return template


def _drop_dangling(resources: dict[str, Any]) -> None:
    from cfnfix.model.template import references

    while True:
        gone = [name for name, body in resources.items()
                if any(target.endswith(tuple(f"c{i}" for i in range(10))) and target not in resources
                       and not target.startswith("S")
                       for target, _, _ in references(body))
                or any(d not in resources for d in _depends(body))]
        if not gone:
            return
        for name in gone:
            del resources[name]


def _depends(body: dict[str, Any]) -> list[str]:
    depends = body.get("DependsOn")
    return [depends] if isinstance(depends, str) else [d for d in depends or [] if isinstance(d, str)]


def render(template: dict[str, Any], rendering: str) -> str:
    if rendering == "yaml":
        return yaml.safe_dump(template, sort_keys=False, width=120)
    if rendering == "json":
        return json.dumps(template, indent=2) + "\n"
    return json.dumps(template, separators=(",", ":"))


def write_all(out: Path, sizes: tuple[int, ...], corpus: Path) -> list[Path]:
    sources = cell_sources(corpus)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in sizes:
        template = generate(sources, size)
        for rendering in RENDERINGS:
            path = out / f"generated-{size}.{rendering}"
            path.write_text(render(template, rendering), encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    for path in write_all(Path(args.out), sizes, Path(args.corpus)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
