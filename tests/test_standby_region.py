"""CFX202 on minimal templates: a standby StackSet that misses what another fix added, and values
bound to the primary region (issue 10 item 1, issue 17 item 4)."""

from __future__ import annotations

import cfnfix
from cfnfix.parse.document import parse_text

ALB = """\
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
"""


def _fix(text: str, *codes: str, unsafe: bool = True) -> cfnfix.FixResult:
    result = cfnfix.fix_text(text, "yaml", settings=cfnfix.Settings(select=codes, unsafe_fixes=unsafe))
    assert result.error is None, result.error
    return result


def _passed(text: str) -> dict:
    stack_set = parse_text(text).data["Resources"]["StandbyStackSet"]["Properties"]
    return {e["ParameterKey"]: e["ParameterValue"] for e in stack_set["Parameters"]}


def test_check_reports_a_standby_stack_set_that_misses_a_parameter_added_by_cfx201():
    """`apply` (safe fixes: CFX202's StackSet) then CFX201 alone: its new parameters are not passed,
    so the standby stack could not be created; `check` says so instead of "clean"."""
    text = "Resources:\n" + ALB
    first = _fix(text, "CFX202", unsafe=False).text
    second = _fix(first, "CFX201").text
    assert _passed(second) == {"DeploymentRole": "standby"}
    findings = cfnfix.check_text(second, "yaml", settings=cfnfix.Settings(select=("CFX202",))).findings
    assert [(f.code, f.pointer) for f in findings] == [
        ("CFX202", "/Resources/StandbyStackSet/Properties/Parameters")]
    assert findings[0].message == ("StackSet StandbyStackSet does not pass HostedZoneId, DomainName, which have "
                                   "no default in the standby region: the standby stack cannot be created")
    third = _fix(second, "CFX202").text
    assert _passed(third) == {"DeploymentRole": "standby", "HostedZoneId": {"Ref": "HostedZoneId"},
                              "DomainName": {"Ref": "DomainName"}}
    assert third == _fix(text, "CFX201", "CFX202").text


def test_a_layer_arn_default_gets_a_standby_twin():
    text = """\
Parameters:
  InsightsLayer:
    Type: String
    Default: arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38
  Stage:
    Type: String
    Default: prod
Resources:
""" + ALB
    result = _fix(text, "CFX202")
    data = parse_text(result.text).data
    assert data["Parameters"]["StandbyInsightsLayer"] == {
        "Type": "String", "Description": "InsightsLayer in the standby region"}
    # the standby never takes the primary's layer; Stage has a plain default and is not passed
    assert _passed(result.text) == {"DeploymentRole": "standby",
                                    "InsightsLayer": {"Ref": "StandbyInsightsLayer"},
                                    "StandbyInsightsLayer": {"Ref": "StandbyInsightsLayer"}}
    assert [str(f.fix.safety) for f in result.applied] == ["unsafe"]
    # unsafe: a safe-only run leaves the template as it is
    assert _fix(text, "CFX202", unsafe=False).text == text


def test_the_parameter_of_an_alias_targets_zone_gets_a_standby_twin():
    """An alias target's hosted zone is the regional endpoint's, even when it has no default."""
    text = """\
Parameters:
  EndpointZone:
    Type: String
  Zone:
    Type: AWS::Route53::HostedZone::Id
Resources:
""" + ALB + """\
  Alias:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneId: !Ref Zone
      Name: api.example.com
      Type: A
      AliasTarget:
        DNSName: !GetAtt LoadBalancer.DNSName
        HostedZoneId: !Ref EndpointZone
"""
    passed = _passed(_fix(text, "CFX202").text)
    assert passed == {"DeploymentRole": "standby", "EndpointZone": {"Ref": "StandbyEndpointZone"},
                      "Zone": {"Ref": "Zone"}, "StandbyEndpointZone": {"Ref": "StandbyEndpointZone"}}


def test_literals_bound_to_a_region_are_named_and_the_fix_is_display_only():
    text = """\
Resources:
""" + ALB + """\
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 443
      Protocol: HTTPS
      Certificates:
        - CertificateArn: !Sub arn:${AWS::Partition}:acm:eu-west-1:${AWS::AccountId}:certificate/abc
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig: {StatusCode: '200'}
  Alias:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: www.example.com
      Type: A
      AliasTarget:
        DNSName: d111111abcdef8.cloudfront.net
        HostedZoneId: Z2FDTNDATAQYW2
  Api:
    Type: AWS::Route53::RecordSet
    Properties:
      HostedZoneName: example.com.
      Name: api.example.com
      Type: A
      AliasTarget:
        DNSName: dualstack.my-lb-123.eu-west-1.elb.amazonaws.com
        HostedZoneId: Z32O12XQLNTSW2
"""
    findings = cfnfix.check_text(text, "yaml", settings=cfnfix.Settings(select=("CFX202",))).findings
    assert len(findings) == 1
    # CloudFront's zone is global: not named
    assert findings[0].message.endswith(
        "; these values name the primary region: Listener.Certificates.0.CertificateArn, "
        "Api.AliasTarget.HostedZoneId")
    assert str(findings[0].fix.safety) == "display-only"
    assert _fix(text, "CFX202").text == text


def test_an_arn_of_this_region_written_with_the_pseudo_parameter_is_not_region_bound():
    text = """\
Parameters:
  Topic:
    Type: String
    Default: alerts
Resources:
""" + ALB + """\
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy:
        deadLetterTargetArn: !Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dead
        maxReceiveCount: 3
"""
    result = _fix(text, "CFX202", unsafe=False)
    assert [str(f.fix.safety) for f in result.applied] == ["safe"]
    assert _passed(result.text) == {"DeploymentRole": "standby"}
