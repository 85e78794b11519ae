"""CFX601's zone pattern and its data table (cfn-lint W3010's property list, kept in sync)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cfnfix
from cfnfix.rules.hardcoded_availability_zone import zone_of


@pytest.mark.parametrize("text,zone", [
    ("us-east-1a", ("us-east-1", "a")), ("us-gov-west-1b", ("us-gov-west-1", "b")),
    ("cn-north-1a", ("cn-north-1", "a")), ("ap-southeast-2c", ("ap-southeast-2", "c")),
    ("us-west-2-lax-1a", None), ("us-east-1-wl1-bos-wlz-1", None), ("use1-az1", None),
    ("us-east-1", None), ("all", None),
])
def test_only_zone_names_of_a_region_are_zones(text, zone):
    assert zone_of(text) == zone


def test_placement_properties_are_cfn_lints():
    done = subprocess.run([sys.executable, "scripts/placement_properties.py", "--check"],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "")


# -- mappings, list parameters and the one ranking (issue 14, rule 3) ------------------------------

UNSAFE = cfnfix.Settings(select=("CFX601",), unsafe_fixes=True)


def subnet(name: str, zone: str, cidr: int) -> str:
    return (f"  {name}:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n"
            f"      CidrBlock: 10.0.{cidr}.0/24\n      AvailabilityZone: {zone}\n")


def findings(text: str) -> list[tuple[str, str, str | None]]:
    checked = cfnfix.check_text(text, "yaml", UNSAFE)
    assert checked.error is None, checked.error
    return [(f.pointer, f.message, f.fix.safety.value if f.fix else None) for f in checked.findings]


def fixed(text: str) -> cfnfix.FixResult:
    result = cfnfix.fix_text(text, "yaml", settings=UNSAFE)
    assert result.error is None, result.error
    return result


def test_zone_parameters_that_are_all_the_parameters_share_one_fix_that_removes_the_section():
    """Each fix alone would leave `Parameters: {}`; waiting a pass would rank the second zone alone."""
    text = ("Parameters:\n  ZoneA:\n    Type: String\n    Default: us-east-1a\n"
            "  ZoneB:\n    Type: AWS::EC2::AvailabilityZone::Name\n    Default: us-east-1b\n"
            "Resources:\n" + subnet("A", "!Ref ZoneA", 0) + subnet("B", "!Ref ZoneB", 1))
    checked = cfnfix.check_text(text, "yaml", UNSAFE)
    assert [f.pointer for f in checked.findings] == ["/Parameters/ZoneA/Default", "/Parameters/ZoneB/Default"]
    first, second = (f.fix for f in checked.findings)
    assert first == second and first.title == ("Select the zones of parameters ZoneA, ZoneB from Fn::GetAZs, "
                                               "remove the Parameters section")
    assert [op["path"] for op in first.patch if op["op"] != "test"] == [
        "/Resources/A/Properties/AvailabilityZone", "/Resources/B/Properties/AvailabilityZone", "/Parameters"]
    result = fixed(text)
    assert result.text == "Resources:\n" + subnet("A", "!Select [0, !GetAZs '']", 0) + subnet(
        "B", "!Select [1, !GetAZs '']", 1)
    assert [f.pointer for f in result.applied] == ["/Parameters/ZoneA/Default"] and result.remaining == ()


def test_zone_mappings_that_are_all_the_mappings_go_with_the_section_and_keep_distinct_zones():
    text = ("Mappings:\n  A:\n    Main:\n      Zone: us-east-1a\n  B:\n    Main:\n      Zone: us-east-1c\n"
            "Resources:\n" + subnet("SubnetA", "!FindInMap [A, Main, Zone]", 0)
            + subnet("SubnetB", "!FindInMap [B, Main, Zone]", 1))
    assert findings(text) == [
        ("/Mappings/A", "Mapping A holds availability zone us-east-1a, read by SubnetA, which exists in one "
                        "region only", "unsafe"),
        ("/Mappings/B", "Mapping B holds availability zone us-east-1c, read by SubnetB, which exists in one "
                        "region only", "unsafe")]
    assert fixed(text).text == "Resources:\n" + subnet("SubnetA", "!Select [0, !GetAZs '']", 0) + subnet(
        "SubnetB", "!Select [1, !GetAZs '']", 1)


REGION_MAP = """\
Mappings:
  RegionMap:
    us-east-1:
      AMI: ami-1
      AZ1: us-east-1a
      AZ2: us-east-1b
    eu-west-1:
      AMI: ami-2
      AZ1: eu-west-1{first}
      AZ2: eu-west-1{second}
Resources:
"""
INSTANCE = """\
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref AWS::Region, AMI]
      AvailabilityZone: !FindInMap [RegionMap, !Ref AWS::Region, AZ1]
"""


def test_a_region_keyed_mapping_is_a_finding_and_keeps_the_entries_something_else_reads():
    text = REGION_MAP.format(first="a", second="b") + subnet(
        "Subnet", "!FindInMap [RegionMap, !Ref AWS::Region, AZ2]", 0) + INSTANCE
    assert findings(text) == [(
        "/Mappings/RegionMap", "Mapping RegionMap gives each region it lists its own availability zones (eu-west-1a, "
        "eu-west-1b, us-east-1a, us-east-1b), read by Subnet, Instance: in any other region the stack fails", "unsafe")]
    checked = cfnfix.check_text(text, "yaml", UNSAFE)
    assert checked.findings[0].fix.title == ("Select the zones of mapping RegionMap from Fn::GetAZs, remove the "
                                             "entries nothing else reads")
    assert fixed(text).text == (
        "Mappings:\n  RegionMap:\n    us-east-1:\n      AMI: ami-1\n    eu-west-1:\n      AMI: ami-2\nResources:\n"
        + subnet("Subnet", "!Select [1, !GetAZs '']", 0)
        + INSTANCE.replace("!FindInMap [RegionMap, !Ref AWS::Region, AZ1]", "!Select [0, !GetAZs '']"))


def test_a_mapping_whose_regions_rank_a_key_differently_is_display_only():
    """eu-west-1's AZ1 is its second zone and AZ2 its first: no one index serves every region."""
    text = REGION_MAP.format(first="b", second="a") + subnet(
        "Subnet", "!FindInMap [RegionMap, !Ref AWS::Region, AZ2]", 0) + INSTANCE
    (only,) = findings(text)
    assert only[0] == "/Mappings/RegionMap" and only[2] is None  # no read to show rewritten
    assert only[1].endswith(
        "; the read at /Resources/Subnet/Properties/AvailabilityZone gives zones of different ranks (eu-west-1a, "
        "us-east-1b); the read at /Resources/Instance/Properties/AvailabilityZone gives zones of different ranks "
        "(eu-west-1b, us-east-1a), so it is reported only")
    result = fixed(text)
    assert result.text == text and result.applied == ()


def test_a_mapping_zone_read_in_a_condition_makes_the_fix_display_only():
    """Fn::GetAZs cannot stand in a condition, and rewriting only the subnet would part the two."""
    text = ("Conditions:\n  InA: !Equals [!FindInMap [Zones, Main, Zone], us-east-1a]\n"
            "Mappings:\n  Zones:\n    Main:\n      Zone: us-east-1a\nResources:\n"
            + subnet("Subnet", "!FindInMap [Zones, Main, Zone]", 0))
    checked = cfnfix.check_text(text, "yaml", UNSAFE)
    (finding,) = checked.findings
    assert finding.message == (
        "Mapping Zones holds availability zone us-east-1a, read by Subnet, which exists in one region only; it is "
        "read in Conditions (/Conditions/InA/Fn::Equals/0), where Fn::GetAZs cannot stand, so the fix is "
        "display-only")
    assert finding.fix.safety.value == "display-only"
    assert [dict(op) for op in finding.fix.patch] == [
        {"op": "test", "path": "/Resources/Subnet/Properties/AvailabilityZone",
         "value": {"Fn::FindInMap": ["Zones", "Main", "Zone"]}},
        {"op": "replace", "path": "/Resources/Subnet/Properties/AvailabilityZone",
         "value": {"Fn::Select": [0, {"Fn::GetAZs": ""}]}}]
    assert fixed(text).text == text


def test_a_mapping_read_by_a_computed_name_loses_no_entry():
    text = ("Parameters:\n  Table:\n    Type: String\n    Default: Zones\n"
            "Mappings:\n  Zones:\n    Main:\n      Zone: us-east-1a\n      Cidr: 10.0.0.0/24\n"
            "Resources:\n" + subnet("Subnet", "!FindInMap [Zones, Main, Zone]", 0)
            + "Outputs:\n  Cidr:\n    Value: !FindInMap [!Ref Table, Main, Cidr]\n")
    assert fixed(text).text == text.replace("!FindInMap [Zones, Main, Zone]", "!Select [0, !GetAZs '']")


LIST = """\
Parameters:
  Zones:
    Type: {type}
    Default: us-east-1a, us-east-1b
Resources:
"""


@pytest.mark.parametrize("use,why", [
    ("!Select [!Ref AWS::AccountId, !Ref Zones]", "the Fn::Select at /Resources/Subnet/Properties/AvailabilityZone "
                                                  "has no literal index"),
    ("!Select [2, !Ref Zones]", "the Fn::Select at /Resources/Subnet/Properties/AvailabilityZone picks item 2 of 2"),
    ("!Select [0, !Split [',', !Join [',', !Ref Zones]]]",
     "Fn::Select takes the whole list at /Resources/Subnet/Properties/AvailabilityZone/Fn::Select/1/Fn::Split/1"
     "/Fn::Join/1"),
])
def test_a_list_parameter_whose_only_use_cannot_be_rewritten_is_reported_only(use, why):
    text = LIST.format(type="CommaDelimitedList") + subnet("Subnet", use, 0)
    (finding,) = cfnfix.check_text(text, "yaml", UNSAFE).findings
    assert finding.message == (f"Parameter Zones defaults to availability zones us-east-1a, us-east-1b, which exist "
                               f"in one region only; {why}, so it is reported only")
    assert finding.fix is None
    assert fixed(text).text == text


def test_a_list_parameter_in_a_condition_stays():
    text = (LIST.format(type="List<AWS::EC2::AvailabilityZone::Name>")
            .replace("Resources:", "Conditions:\n  Two: !Equals [!Join [',', !Ref Zones], x]\nResources:")
            + subnet("Subnet", "!Select [1, !Ref Zones]", 0))
    (finding,) = cfnfix.check_text(text, "yaml", UNSAFE).findings
    assert finding.message.endswith("; it is used beyond plain Refs (a Sub, a condition or the interface), so the "
                                    "fix is display-only")
    assert finding.fix.safety.value == "display-only"
    assert fixed(text).text == text


def test_a_list_of_zones_that_is_not_all_zones_is_no_finding():
    text = LIST.format(type="CommaDelimitedList").replace("us-east-1b", "use1-az2") + subnet(
        "Subnet", "!Select [0, !Ref Zones]", 0)
    assert findings(text) == []


def test_one_ranking_over_literal_default_list_default_and_mapping_zones():
    text = ("Parameters:\n  Zone:\n    Type: String\n    Default: us-east-1b\n"
            "  Zones:\n    Type: CommaDelimitedList\n    Default: us-east-1d,us-east-1c\n"
            "Mappings:\n  Config:\n    Db:\n      AZ: us-east-1e\n    Spare:\n      AZ: us-east-1f\n"
            "Resources:\n" + subnet("A", "us-east-1a", 0) + subnet("B", "!Ref Zone", 1)
            + subnet("C", "!Select [0, !Ref Zones]", 2) + subnet("D", "!Select [1, !Ref Zones]", 3)
            + subnet("E", "!FindInMap [Config, Db, AZ]", 4))
    warning = "; the template uses 5 zones of us-east-1, and some regions offer only 2 to a new account"
    assert [(pointer, message.endswith(warning), safety) for pointer, message, safety in findings(text)] == [
        ("/Parameters/Zone/Default", True, "unsafe"),
        ("/Parameters/Zones/Default", True, "unsafe"),
        ("/Mappings/Config", True, "unsafe"),
        ("/Resources/A/Properties/AvailabilityZone", True, "unsafe")]
    # the three sections go in one pass, so the ranks are those of this text; the spare entry,
    # which nothing reads, is no zone the template uses, and goes with the mapping
    assert fixed(text).text == (
        "Resources:\n"
        + subnet("A", "!Select [0, !GetAZs '']", 0) + subnet("B", "!Select [1, !GetAZs '']", 1)
        + subnet("C", "!Select [3, !GetAZs '']", 2) + subnet("D", "!Select [2, !GetAZs '']", 3)
        + subnet("E", "!Select [4, !GetAZs '']", 4))
