"""Linear apply and detect: passes per apply, the indexes that replace per-finding scans."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

import cfnfix
from cfnfix import pointer as jp
from cfnfix.parse.document import parse_text
from cfnfix.rules import builtin_rules
from cfnfix.settings import Settings
from cfnfix.model.template import Template

ROOT = Path(__file__).resolve().parent.parent
MAX_PASSES_TAKEN = 3


def test_path_set_agrees_with_related():
    paths = [(), ("Resources",), ("Resources", "A"), ("Resources", "A", "Properties"), ("Resources", "B"),
             ("Outputs",), ("Outputs", "A"), ("Resources", "AB")]
    for size in range(4):
        for chosen in itertools.combinations(paths, size):
            held = jp.PathSet()
            for path in chosen:
                held.add(path)
            for path in paths:
                assert held.related(path) == any(jp.related(path, other) for other in chosen), (chosen, path)


def test_document_order_with_positions_is_the_same_key():
    data = {"Resources": {"B": {"Properties": [1, 2]}, "A": {}}, "Outputs": {"X": 1}}
    pointers = ["/Resources/A", "/Resources/B/Properties/1", "/Outputs/X", "/Resources/C", "/Outputs"]
    positions: dict = {}
    for pointer in pointers:
        assert jp.document_order(data, jp.split(pointer), positions) == jp.document_order(data, jp.split(pointer))


def test_of_type_is_in_template_order_and_derived_is_computed_once():
    template = Template.from_data({"Resources": {
        "A": {"Type": "X"}, "Bad": "not a resource", "B": {"Type": "Y"}, "C": {"Type": "X"}}})
    assert [r.name for r in template.of_type("Y", "X")] == ["A", "B", "C"]
    assert [r.name for r in template.of_type("X")] == ["A", "C"]
    assert template.resource_order == {"A": 0, "Bad": 1, "B": 2, "C": 3}
    assert template.names == frozenset({"A", "Bad", "B", "C"})
    calls = []

    def build(t: Template) -> int:
        calls.append(t)
        return len(t.resources)

    assert template.derived("count", build) == 3 and template.derived("count", build) == 3
    assert calls == [template]
    assert not hasattr(template, "unused_name")


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.code)
def test_every_example_is_fixed_in_at_most_three_passes(rule):
    from cfnfix.testing import settings_for

    for example in rule.examples:
        if example.good:
            continue
        result = cfnfix.fix_text(example.text, example.format, settings=settings_for(rule, example))
        assert result.error is None
        assert result.passes <= MAX_PASSES_TAKEN, (rule.code, example.name, result.passes)
        assert (result.passes >= 1) == result.changed, (rule.code, example.name)


def test_apply_verbose_reports_the_passes(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "Resources:\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n"
        "      MaxCapacity: 2\n      MinCapacity: 1\n      ResourceId: service/c/s\n"
        "      RoleARN: !Sub arn:aws:iam::${AWS::AccountId}:role/aws-service-role/ecs.application-autoscaling"
        ".amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService\n"
        "      ScalableDimension: ecs:service:DesiredCount\n      ServiceNamespace: ecs\n")
    out = subprocess.run([sys.executable, "-m", "cfnfix.cli", "apply", "-v", "--select", "CFX101", str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stderr.endswith("; rules CFX101; fixed in 1 pass\n"), out.stderr
    assert "RoleARN" not in path.read_text()


@pytest.mark.corpus
@pytest.mark.parametrize("rendering", ["yaml", "json", "min.json"])
def test_generated_templates_are_fixed_in_at_most_three_passes(tmp_path, rendering):
    """The scaling benchmark's templates: under the 500-resource limit every fix applies, in one
    run of passes; past it the fixes that add resources are held back, and the rest still apply."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import cell_sources, generate, render

    sources = cell_sources(ROOT.parent / "shared" / "corpus")
    settings = Settings(unsafe_fixes=True)
    for size in (10, 400, 1000):
        text = render(generate(sources, size), rendering)
        result = cfnfix.fix_text(text, "yaml" if rendering == "yaml" else "json", settings=settings)
        assert result.error is None
        assert result.passes <= MAX_PASSES_TAKEN, (size, result.passes)
        assert (result.passes >= 1) == result.changed and (size < 100 or result.changed), size
        assert len(parse_text(result.text, "yaml" if rendering == "yaml" else "json").data["Resources"]) >= size
        again = cfnfix.fix_text(result.text, "yaml" if rendering == "yaml" else "json", settings=settings)
        assert again.text == result.text
        if size < 500:
            assert not [f for f in result.remaining if f.fix is not None and f.fix.safety != "display-only"]


def test_apply_runs_the_rules_once_per_document_and_reports_what_a_check_of_the_fixed_text_finds(monkeypatch):
    from cfnfix import engine

    from .helpers import HARDCODED_ROLE

    read: list[str] = []
    real = engine._found

    def counted(doc, *args):
        read.append(doc.text)
        return real(doc, *args)

    monkeypatch.setattr(engine, "_found", counted)
    # CFX101's fix is safe; CFX201's unsafe one stays a finding, with its fix, in the report
    alb = ("  LoadBalancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n"
           "      Scheme: internet-facing\n      Subnets: [subnet-1, subnet-2]\n")
    settings = Settings(select=("CFX101", "CFX201"))
    fixed = cfnfix.fix_text(HARDCODED_ROLE + alb, "yaml", settings=settings)
    assert [f.code for f in fixed.applied] == ["CFX101"] and fixed.passes == 1
    # the original, then the fixed text once: for the pass that finds nothing more and for the report
    assert read == [HARDCODED_ROLE + alb, fixed.text]
    monkeypatch.setattr(engine, "_found", real)
    checked = cfnfix.check_text(fixed.text, "yaml", settings)
    assert fixed.remaining == checked.findings
    assert [f.code for f in fixed.remaining] == ["CFX201"] and fixed.remaining[0].fix is not None
