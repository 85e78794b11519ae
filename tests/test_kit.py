"""The rule kit: value helpers, names, shared pieces of a pass, and the Plan the engine shares."""

from __future__ import annotations

import pytest

from cfnfix import kit
from cfnfix.kit import Plan, Safety
from cfnfix.model.template import Template


def template(data):
    return Template.from_data(data)


def test_safety_is_a_string_enum():
    assert [s.value for s in Safety] == ["safe", "unsafe", "display-only"]
    assert Safety("display-only") is Safety.DISPLAY_ONLY and Safety.SAFE == "safe" and str(Safety.UNSAFE) == "unsafe"


def test_walk_follows_lists_and_fn_if_branches():
    properties = {"SecurityGroupIngress": [
        {"SourceSecurityGroupId": "sg-1"},
        {"CidrIp": "0.0.0.0/0"},
        {"Fn::If": ["C", {"SourceSecurityGroupId": {"Ref": "A"}}, {"Ref": "AWS::NoValue"}]},
        {"SourceSecurityGroupId": {"Fn::If": ["D", "sg-2", "sg-3"]}},
    ]}
    found = list(kit.walk(properties, "SecurityGroupIngress/*/SourceSecurityGroupId", ("Resources", "G", "Properties")))
    base = ("Resources", "G", "Properties", "SecurityGroupIngress")
    assert found == [
        (base + ("0", "SourceSecurityGroupId"), "sg-1"),
        (base + ("2", "Fn::If", "1", "SourceSecurityGroupId"), {"Ref": "A"}),
        (base + ("3", "SourceSecurityGroupId", "Fn::If", "1"), "sg-2"),
        (base + ("3", "SourceSecurityGroupId", "Fn::If", "2"), "sg-3"),
    ]
    # a whole list given by an intrinsic is out of reach, not walked into
    assert list(kit.walk({"SecurityGroupIngress": {"Ref": "Rules"}}, "SecurityGroupIngress/*/CidrIp")) == []
    assert list(kit.walk({"RoleARN": "x"}, "RoleARN")) == [(("RoleARN",), "x")]


def test_strings_are_every_string_value_in_document_order():
    value = {"A": "a", "B": [{"C": "arn:aws:s3:::b"}, 2, None, {"Ref": "R"}],
             "D": {"Fn::Sub": ["x-${V}", {"V": "arn:aws:sns:t"}]}, "E": {"Key": "Name"}}
    assert list(kit.strings(value)) == ["a", "arn:aws:s3:::b", "R", "x-${V}", "arn:aws:sns:t", "Name"]
    assert list(kit.strings(value, containing=("arn:", "Na"))) == ["arn:aws:s3:::b", "arn:aws:sns:t", "Name"]
    # a skipped intrinsic's arguments are not walked; a mapping with more keys is no intrinsic
    assert list(kit.strings(value, skip=frozenset({"Ref", "Fn::Sub"}))) == ["a", "arn:aws:s3:::b", "Name"]
    assert list(kit.strings({"Ref": "R", "Other": "o"}, skip=frozenset({"Ref"}))) == ["R", "o"]
    assert list(kit.strings("alone")) == ["alone"] and list(kit.strings(7)) == []


def test_located_strings_give_the_same_strings_with_their_pointer_parts():
    value = {"A": "a", "B": [{"C": "arn:aws:s3:::b"}, 2, {"Ref": "R"}],
             "D": {"Fn::Sub": ["x-${V}", {"V": "arn:aws:sns:t"}]}}
    base = ("Resources", "R", "Properties")
    found = [(kit.parts(link), text) for link, text in kit.located_strings(value, base)]
    assert found == [(base + ("A",), "a"), (base + ("B", "0", "C"), "arn:aws:s3:::b"), (base + ("B", "2", "Ref"), "R"),
                     (base + ("D", "Fn::Sub", "0"), "x-${V}"), (base + ("D", "Fn::Sub", "1", "V"), "arn:aws:sns:t")]
    assert [text for _, text in kit.located_strings(value, base)] == list(kit.strings(value))
    arns = [(kit.parts(link), text) for link, text in kit.located_strings(value, base, containing=("arn:",),
                                                                        skip=frozenset({"Fn::Sub"}))]
    assert arns == [(base + ("B", "0", "C"), "arn:aws:s3:::b")]
    assert list(kit.located_strings(value, base, containing=("nowhere",))) == []
    assert [(kit.parts(link), text) for link, text in kit.located_strings("alone", ("Outputs", "O", "Value"))] \
        == [(("Outputs", "O", "Value"), "alone")]
    assert list(kit.located_strings({"Ref": "R"}, skip=frozenset({"Ref"}))) == []
    assert [kit.parts(link) for link, _ in kit.located_strings(["x"])] == [("0",)]


def test_intrinsic_and_referenced():
    assert kit.intrinsic({"Ref": "A"}) == "Ref"
    assert kit.intrinsic({"Fn::Sub": "x"}) == "Fn::Sub"
    assert kit.intrinsic({"Condition": "C"}) == "Condition"
    assert kit.intrinsic({"Key": "Name"}) is None
    assert kit.intrinsic({"Ref": "A", "Other": 1}) is None
    assert kit.intrinsic("text") is None
    value = {"Fn::Join": ["", [{"Ref": "Env"}, {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
                               {"Fn::Sub": "${Bucket}-${AWS::Region}-${!Literal}"}, {"Ref": "AWS::Region"}]]}
    assert kit.referenced(value) == {"Env", "Db", "Bucket"}


def test_sub_helpers():
    assert kit.sub_variables("${A}-${B.Arn}-${!C}-${AWS::Region}") == ["A", "B.Arn", "AWS::Region"]
    assert kit.escape_sub("cost-${team}") == "cost-${!team}"
    assert kit.to_sub("arn:aws:s3:::logs-us-east-1-${x}", {"us-east-1": "${AWS::Region}", "aws": "${AWS::Partition}"}) \
        == {"Fn::Sub": "arn:${AWS::Partition}:s3:::logs-${AWS::Region}-${!x}"}
    # the longer literal wins over a shorter one inside it
    assert kit.to_sub("us-east-1a", {"us-east-1": "${AWS::Region}", "us-east-1a": "${Zone}"}) == {"Fn::Sub": "${Zone}"}
    assert kit.to_sub("nothing-here-${x}", {"us-east-1": "${AWS::Region}"}) == "nothing-here-${x}"


def test_condition_of_and_type_pin():
    t = template({"Resources": {"A": {"Type": "AWS::S3::Bucket", "Condition": "C"}, "B": {"Type": "AWS::SNS::Topic"}}})
    assert kit.condition_of(t.resources["A"]) == {"Condition": "C"}
    assert kit.condition_of(t.resources["B"]) == {}
    assert kit.type_pin(t.resources["A"]) == {"op": "test", "path": "/Resources/A/Type", "value": "AWS::S3::Bucket"}


def test_name_tag_like_a_sibling_or_the_templates_suffix_habit():
    t = template({
        "Parameters": {"EnvironmentSuffix": {"Type": "String"}},
        "Resources": {
            "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"Tags": [
                {"Key": "Name", "Value": {"Fn::Sub": "payment-vpc-${EnvironmentSuffix}"}}]}},
            "Plain": {"Type": "AWS::EC2::VPC", "Properties": {"Tags": [{"Key": "Name", "Value": "main"}]}},
            "Untagged": {"Type": "AWS::EC2::VPC"},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Tags": [
                {"Key": "Name", "Value": {"Fn::Sub": "payment-task-role-${EnvironmentSuffix}"}}]}},
        }})
    assert kit.name_tag(t, "s3-endpoint", like=t.resources["Vpc"]) == {
        "Key": "Name", "Value": {"Fn::Sub": "payment-s3-endpoint-${EnvironmentSuffix}"}}
    assert kit.name_tag(t, "s3-endpoint", like=t.resources["Plain"]) == {"Key": "Name", "Value": "main-s3-endpoint"}
    assert kit.name_tag(t, "s3-endpoint", like=t.resources["Untagged"]) is None
    assert kit.name_tag(t, "autoscaling-role") == {"Key": "Name",
                                                    "Value": {"Fn::Sub": "payment-autoscaling-role-${EnvironmentSuffix}"}}
    assert kit.name_tag(template({"Resources": {}}), "autoscaling-role") is None


def test_name_tag_only_uses_names_the_template_defines():
    """issue 10 item 6: a tag copied from a value whose name the template never declares."""
    t = template({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"Tags": [
        {"Key": "Name", "Value": {"Fn::Sub": "${Environment}-vpc"}}]}}}})
    assert kit.name_tag(t, "s3-endpoint", like=t.resources["Vpc"]) is None


def test_fresh_id_is_valid_unused_in_every_section_and_reserved_per_pass():
    t = template({"Parameters": {"Web": {"Type": "String"}}, "Conditions": {"Web2": {"Fn::Equals": ["a", "a"]}},
                  "Mappings": {"Web3": {"a": {"b": "c"}}}, "Outputs": {"Web4": {"Value": "x"}},
                  "Resources": {"prod-vpc": {"Type": "AWS::EC2::VPC"}}})
    plan = Plan(t)
    assert plan.fresh_id("Web") == "Web5"
    assert plan.fresh_id("Web") == "Web6"  # reserved by the first call of this pass
    assert plan.fresh_id("prod-vpcId", "Outputs") == "prodVpcId"
    assert plan.fresh_id("--") == "Resource"
    long = plan.fresh_id("A" * 300)
    assert long == "A" * 255 and kit.valid_id(long)
    assert plan.fresh_id("A" * 300) == "A" * 254 + "2"
    assert not kit.valid_id("prod-vpc") and not kit.valid_id("") and kit.valid_id("Vpc1")


def test_ensure_parameter_reuses_an_equal_one_and_never_overwrites():
    role = {"Type": "String", "AllowedValues": ["primary", "standby"], "Default": "primary",
            "Description": "which region this is"}
    t = template({"Parameters": {"DeploymentRole": {**role, "Description": "other words"}}, "Resources": {}})
    assert Plan(t).ensure_parameter("DeploymentRole", role) == ("DeploymentRole", [])
    # issue 18 item 2: a parameter of that name that means something else is not reused
    other = template({"Parameters": {"DeploymentRole": {"Type": "String", "AllowedValues": ["blue", "green"]}},
                      "Resources": {}})
    assert Plan(other).ensure_parameter("DeploymentRole", role) == (
        "DeploymentRole2", [{"op": "add", "path": "/Parameters/DeploymentRole2", "value": role}])
    # nor is a resource's name taken for a parameter (an AWS::ApiGateway::DomainName called DomainName)
    api = template({"Parameters": {}, "Resources": {"DomainName": {"Type": "AWS::ApiGateway::DomainName"}}})
    assert Plan(api).ensure_parameter("DomainName", {"Type": "String"}) == (
        "DomainName2", [{"op": "add", "path": "/Parameters/DomainName2", "value": {"Type": "String"}}])


def test_ensure_parameter_places_a_new_one_after_the_named_parameter():
    t = template({"Parameters": {"DeploymentRole": {"Type": "String"}, "DomainName": {"Type": "String"}},
                  "Resources": {}})
    assert Plan(t).ensure_parameter("StandbyRegion", {"Type": "String"}, after="DeploymentRole") == (
        "StandbyRegion", [{"op": "add", "path": "/Parameters/StandbyRegion", "value": {"Type": "String"},
                           "position": {"after": "/Parameters/DeploymentRole"}}])
    # an existing equal parameter stays where it is
    assert Plan(t).ensure_parameter("DomainName", {"Type": "String"}, after="DeploymentRole") == ("DomainName", [])


def test_pieces_are_added_once_per_pass_and_the_section_in_one_piece():
    t = template({"Resources": {"A": {"Type": "AWS::SNS::Topic"}}})
    plan = Plan(t)
    plan.begin(0)
    name, ops = plan.ensure_parameter("DeploymentRole", {"Type": "String"})
    zone, more = plan.ensure_parameter("HostedZoneId", {"Type": "AWS::Route53::HostedZone::Id"})
    assert (name, zone, more) == ("DeploymentRole", "HostedZoneId", [])
    assert ops == [{"op": "add", "path": "/Parameters", "value": {
        "DeploymentRole": {"Type": "String"}, "HostedZoneId": {"Type": "AWS::Route53::HostedZone::Id"}}}]
    assert plan.end(keep=True) == frozenset()
    plan.begin(1)
    assert plan.ensure_parameter("DeploymentRole", {"Type": "String"}) == ("DeploymentRole", [])
    # a different spec under the wanted name gets a name of its own
    assert plan.ensure_parameter("DeploymentRole", {"Type": "Number"})[0] == "DeploymentRole2"
    assert plan.end(keep=True) == frozenset({0})


def test_a_fix_the_pass_will_not_apply_gives_its_pieces_back():
    t = template({"Parameters": {}, "Resources": {}})
    plan = Plan(t)
    plan.begin(0)
    plan.ensure_condition("IsPrimary", {"Fn::Equals": ["a", "b"]})
    plan.fresh_id("Endpoint")
    plan.end(keep=False)
    plan.begin(1)
    assert plan.ensure_condition("IsPrimary", {"Fn::Equals": ["a", "b"]}) == (
        "IsPrimary", [{"op": "add", "path": "/Conditions", "value": {"IsPrimary": {"Fn::Equals": ["a", "b"]}}}])
    assert plan.fresh_id("Endpoint") == "Endpoint"
    assert plan.end(keep=True) == frozenset()


def test_ensure_condition_and_mapping_reuse_equal_entries_under_any_name():
    expression = {"Fn::Equals": [{"Ref": "DeploymentRole"}, "primary"]}
    t = template({"Conditions": {"IsPrimaryRegion": expression, "IsPrimary": {"Fn::Equals": ["x", "y"]}},
                  "Mappings": {"Amis": {"us-east-1": {"Id": "ami-1"}}}, "Resources": {}})
    plan = Plan(t)
    assert plan.ensure_condition("IsPrimary", expression) == ("IsPrimaryRegion", [])
    assert plan.ensure_condition("IsPrimary", {"Fn::Equals": ["a", "b"]}) == (
        "IsPrimary2", [{"op": "add", "path": "/Conditions/IsPrimary2", "value": {"Fn::Equals": ["a", "b"]}}])
    assert plan.ensure_mapping("RegionAmis", {"us-east-1": {"Id": "ami-1"}}) == ("Amis", [])
    assert plan.ensure_mapping("Amis", {"us-west-2": {"Id": "ami-2"}})[0] == "Amis2"


def test_schema_facts():
    subnet = kit.schema("AWS::EC2::Subnet")
    assert "AvailabilityZone" in subnet.create_only and "VpcId" in subnet.required
    assert "SubnetId" in subnet.read_only and "Tags" in subnet.properties
    assert kit.schema("AWS::Serverless::Function") is None and kit.schema("Custom::Thing") is None
    assert kit.schema("AWS::EC2::NoSuchThing") is None


@pytest.mark.parametrize("name", ["Fix", "Finding"])
def test_fix_and_finding_are_reexported_by_the_package(name):
    import cfnfix

    assert getattr(cfnfix, name).__name__ == name


def test_ensure_parameter_finds_the_name_it_gave_in_an_earlier_pass():
    role = {"Type": "String", "AllowedValues": ["primary", "standby"]}
    t = template({"Parameters": {"DeploymentRole": {"Type": "String", "AllowedValues": ["blue", "green"]},
                                 "DeploymentRole2": role}, "Resources": {}})
    assert Plan(t).ensure_parameter("DeploymentRole", role) == ("DeploymentRole2", [])


def test_placed_walks_the_patterns_a_table_lists_for_each_type_in_template_order():
    template = Template.from_data({"Resources": {
        "B": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": "us-east-1b"}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}},
        "Group": {"Type": "AWS::AutoScaling::AutoScalingGroup",
                  "Properties": {"AvailabilityZones": ["us-east-1a", {"Fn::If": ["C", "us-east-1c", "us-east-1d"]}]}},
        "Empty": {"Type": "AWS::EC2::Subnet"}}})
    places = {"AWS::EC2::Subnet": ("AvailabilityZone",), "AWS::AutoScaling::AutoScalingGroup": ("AvailabilityZones/*",)}
    assert [(r.name, pattern, path, value) for r, pattern, path, value in kit.placed(template, places)] == [
        ("B", "AvailabilityZone", ("Resources", "B", "Properties", "AvailabilityZone"), "us-east-1b"),
        ("Group", "AvailabilityZones/*", ("Resources", "Group", "Properties", "AvailabilityZones", "0"), "us-east-1a"),
        ("Group", "AvailabilityZones/*",
         ("Resources", "Group", "Properties", "AvailabilityZones", "1", "Fn::If", "1"), "us-east-1c"),
        ("Group", "AvailabilityZones/*",
         ("Resources", "Group", "Properties", "AvailabilityZones", "1", "Fn::If", "2"), "us-east-1d"),
    ]


def test_find_in_maps_gives_every_read_outside_mappings_in_file_order():
    inner = {"Fn::FindInMap": ["Keys", "a", "k"]}
    data = {"Mappings": {"M": {"a": {"k": {"Fn::FindInMap": ["X", "y", "z"]}}}},
            "Resources": {"A": {"Type": "AWS::EC2::Instance", "Properties": {
                "ImageId": {"Fn::FindInMap": ["M", inner, "k"]},
                "Zones": [{"Fn::Select": [0, {"Fn::FindInMap": ["M", "a", "k"]}]}]}}},
            "Outputs": {"O": {"Value": {"Fn::FindInMap": "bad"}}}}
    assert list(kit.find_in_maps(data)) == [
        (("Resources", "A", "Properties", "ImageId"), ["M", inner, "k"]),
        (("Resources", "A", "Properties", "ImageId", "Fn::FindInMap", "1"), ["Keys", "a", "k"]),
        (("Resources", "A", "Properties", "Zones", "0", "Fn::Select", "1"), ["M", "a", "k"]),
        (("Outputs", "O", "Value"), "bad"),
    ]


def test_map_entries_are_what_a_literal_key_names_or_any_for_a_computed_one():
    mappings = {"M": {"a": {"k": 1, "j": 2}, "b": {"k": 3}}, "S": "no table"}
    assert kit.map_entries(mappings, ["M", "a", "k"]) == (("a", "k"),)
    assert kit.map_entries(mappings, ["M", {"Ref": "Env"}, "k"]) == (("a", "k"), ("b", "k"))
    assert kit.map_entries(mappings, ["M", "a", "${Key}"]) == (("a", "k"), ("a", "j"))
    assert kit.map_entries(mappings, ["M", "a", "k", {"DefaultValue": 0}]) == (("a", "k"),)
    for args in (["M", "c", "k"], ["M", "b", "j"], ["S", "a", "k"], ["N", "a", "k"], [{"Ref": "Name"}, "a", "k"],
                 ["M", "a"], "M"):
        assert kit.map_entries(mappings, args) == ()


def test_removal_is_the_entry_or_its_section_when_it_is_the_only_one():
    t = template({"Parameters": {"A": {"Type": "String"}}, "Mappings": {"M": {}, "N": {}}, "Resources": {}})
    assert kit.removal(t, "Parameters", "A") == ("Parameters",)
    assert kit.removal(t, "Mappings", "M") == ("Mappings", "M")


SUBNET_ZONE = ("Resources", "S", "Properties", "AvailabilityZone")


def _net(net, outputs=None, zone=None):
    """A subnet whose zone reads mapping Net by region (the read a fix rewrites), and outputs reading ``outputs``."""
    read = zone or ["Net", {"Ref": "AWS::Region"}, "AZ"]
    return template({"Mappings": {"Net": net, "Other": {"x": {"y": "z"}}},
                     "Resources": {"S": {"Type": "AWS::EC2::Subnet",
                                         "Properties": {"AvailabilityZone": {"Fn::FindInMap": read}}}},
                     "Outputs": {name: {"Value": {"Fn::FindInMap": args}} for name, args in (outputs or {}).items()}})


NET = {"us-east-1": {"AZ": "us-east-1a", "Cidr": "10.0.0.0/16"},
       "eu-west-1": {"AZ": "eu-west-1a", "Cidr": "10.1.0.0/16"},
       "Lab": {"AZ": "us-east-1b"}}
CIDR = ["Net", {"Ref": "AWS::Region"}, "Cidr"]


def test_unread_entries_entry_by_entry():
    assert kit.unread_entries(_net(NET), "Net", [SUBNET_ZONE]) == [("Mappings", "Net")]
    # only Net: the section goes with it
    alone = Template.from_data({**_net(NET).data, "Mappings": {"Net": NET}})
    assert kit.unread_entries(alone, "Net", [SUBNET_ZONE]) == [("Mappings",)]
    # us-east-1's zone and the Cidrs are read elsewhere; Lab, left without entries, goes whole
    t = _net(NET, {"Zone": ["Net", "us-east-1", "AZ"], "Cidr": CIDR})
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE]) == [("Mappings", "Net", "eu-west-1", "AZ"),
                                                           ("Mappings", "Net", "Lab")]
    t = _net(NET, {"Cidr": CIDR})
    unread = [("Mappings", "Net", "us-east-1", "AZ"), ("Mappings", "Net", "eu-west-1", "AZ"),
              ("Mappings", "Net", "Lab")]
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE]) == unread
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE], maps=list(kit.find_in_maps(t.data))) == unread
    # another read of Net that finds nothing: every top-level key goes, so the mapping does
    zones = {"us-east-1": {"AZ": "us-east-1a"}, "eu-west-1": {"AZ": "eu-west-1a"}}
    t = _net(zones, {"None": ["Net", "Lab", "AZ"]})
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE]) == [("Mappings", "Net")]
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE], whole_keys=True) == []  # a region would be left empty
    # every entry still read elsewhere: nothing goes
    assert kit.unread_entries(_net(NET, {"Zone": ["Net", {"Ref": "Site"}, "AZ"]}), "Net", [SUBNET_ZONE]) == []


def test_unread_entries_whole_keys():
    # us-east-1's zone read elsewhere keeps AZ in every region
    t = _net(NET, {"Zone": ["Net", "us-east-1", "AZ"], "Cidr": CIDR})
    assert kit.unread_entries(t, "Net", [SUBNET_ZONE], whole_keys=True) == []
    # AZ would leave Lab empty: nothing goes
    assert kit.unread_entries(_net(NET, {"Cidr": CIDR}), "Net", [SUBNET_ZONE], whole_keys=True) == []
    regions = {region: entry for region, entry in NET.items() if region != "Lab"}
    assert kit.unread_entries(_net(regions, {"Cidr": CIDR}), "Net", [SUBNET_ZONE], whole_keys=True) == [
        ("Mappings", "Net", "us-east-1", "AZ"), ("Mappings", "Net", "eu-west-1", "AZ")]
    assert kit.unread_entries(_net(NET), "Net", [SUBNET_ZONE], whole_keys=True) == [("Mappings", "Net")]


@pytest.mark.parametrize("whole_keys", [False, True])
def test_unread_entries_none_when_another_read_may_read_any_mapping(whole_keys):
    for args in ([{"Ref": "Table"}, "a", "b"], ["Net", "Lab"], "Net"):
        assert kit.unread_entries(_net(NET, {"Any": args}), "Net", [SUBNET_ZONE], whole_keys=whole_keys) == []
    # inside the rewritten read, such a FindInMap goes with it
    inner = ["Net", {"Ref": "AWS::Region"}, {"Fn::FindInMap": [{"Ref": "Table"}, "a", "b"]}]
    assert kit.unread_entries(_net(NET, zone=inner), "Net", [SUBNET_ZONE], whole_keys=whole_keys) == \
        [("Mappings", "Net")]
