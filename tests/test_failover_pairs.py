"""CFX201 gives every name one failover pair: Route 53 takes one PRIMARY and one SECONDARY per name."""

from __future__ import annotations

import cfnfix
from cfnfix.parse.document import parse_text

from .helpers import failover_records

TWO_ALBS = """\
Parameters:
  PublicSubnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
  WebLoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
  ApiLoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref PublicSubnets
"""
UNSAFE = cfnfix.Settings(select=("CFX201",), unsafe_fixes=True)


def test_two_load_balancers_get_a_name_each():
    fixed = cfnfix.fix_text(TWO_ALBS, "yaml", settings=UNSAFE)
    assert fixed.error is None and len(fixed.applied) == 2
    data = parse_text(fixed.text, "yaml").data
    assert max(failover_records(data).values()) == 1
    assert {k for k in data["Parameters"] if k.endswith("DomainName")} == {
        "WebLoadBalancerDomainName", "ApiLoadBalancerDomainName"}
    assert data["Resources"]["ApiLoadBalancerFailoverRecord"]["Properties"]["Name"] == {
        "Ref": "ApiLoadBalancerDomainName"}
    assert cfnfix.fix_text(fixed.text, "yaml", settings=UNSAFE).text == fixed.text


def test_one_configured_name_and_two_load_balancers_ask_which_one_serves():
    settings = cfnfix.Settings(select=("CFX201",), unsafe_fixes=True,
                               rules={"CFX201": {"hosted-zone-id": "Z1", "domain-name": "api.example.com"}})
    checked = cfnfix.check_text(TWO_ALBS, "yaml", settings)
    assert [(f.pointer, f.fix) for f in checked.findings] == [
        ("/Resources/WebLoadBalancer", None), ("/Resources/ApiLoadBalancer", None)]
    assert checked.findings[0].message == (
        "Load balancer WebLoadBalancer serves the stack but has no Route 53 failover, and the one "
        "domain-name cannot fail over for all of WebLoadBalancer, ApiLoadBalancer: set the option "
        "load-balancer to the one that serves the stack")


def test_the_named_load_balancer_gets_the_configured_name():
    settings = cfnfix.Settings(select=("CFX201",), unsafe_fixes=True, rules={"CFX201": {
        "hosted-zone-id": "Z1", "domain-name": "api.example.com", "load-balancer": "ApiLoadBalancer"}})
    fixed = cfnfix.fix_text(TWO_ALBS, "yaml", settings=settings)
    assert [f.pointer for f in fixed.applied] == ["/Resources/ApiLoadBalancer"]
    data = parse_text(fixed.text, "yaml").data
    assert data["Parameters"]["DomainName"]["Default"] == "api.example.com"
    assert "WebLoadBalancerFailoverRecord" not in data["Resources"]
    assert cfnfix.check_text(fixed.text, "yaml", settings).findings == ()


def test_a_load_balancer_added_later_does_not_share_the_first_ones_name():
    web, api = TWO_ALBS.split("  ApiLoadBalancer:\n")
    first = cfnfix.fix_text(web, "yaml", settings=UNSAFE).text
    assert first.endswith("Resources:\n") is False and "Outputs" not in first  # Resources stays last
    later = cfnfix.fix_text(first + "  ApiLoadBalancer:\n" + api, "yaml", settings=UNSAFE)
    data = parse_text(later.text, "yaml").data
    assert max(failover_records(data).values()) == 1
    assert data["Resources"]["WebLoadBalancerFailoverRecord"]["Properties"]["Name"] == {"Ref": "DomainName"}
    assert data["Resources"]["ApiLoadBalancerFailoverRecord"]["Properties"]["Name"] == {
        "Ref": "ApiLoadBalancerDomainName"}
