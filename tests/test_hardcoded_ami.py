"""CFX603's pieces: the families a template states, placeholders, the architecture, the option, the
public image table (its Amazon Linux and ECS paths are among those moto bundles from AWS), and
the mapping a fix removes or keeps."""

from __future__ import annotations

import gzip
import json
from importlib import resources

import pytest
from pydantic import ValidationError

import cfnfix
from cfnfix.model.template import Template
from cfnfix.rules.hardcoded_ami import HardcodedAmi, Stated, architecture, placeholder, public_images, stated_family


@pytest.mark.parametrize("texts,stated", [
    (("RegionMap", "AMZNLINUX2"), Stated("al2", "Amazon Linux 2")),
    (("RegionMap", "AL2023"), Stated("al2023", "Amazon Linux 2023")),
    (("AmiMap", "amzn2"), Stated("al2", "Amazon Linux 2")),
    (("WebAmi", "Amazon Linux 2023 AMI for the web tier"), Stated("al2023", "Amazon Linux 2023")),
    (("NodeAmi", "ECS-optimized Amazon Linux 2023"), Stated("ecs-al2023", "ECS-optimized Amazon Linux 2023")),
    (("Ami", "Ubuntu 22.04 (jammy)"), Stated("ubuntu-22.04", "Ubuntu Server 22.04 LTS")),
    (("WindowsServer2022Ami", None), Stated("windows-2022", "Windows Server 2022 English Full Base")),
    (("AWSAMIRegionMap", "RHEL74HVM"), Stated(None, "Red Hat Enterprise Linux")),
    (("RegionMap", "SLES15SP5"), Stated(None, "SUSE Linux Enterprise")),
    (("WINFULLBASE", None), Stated(None, "Windows (no version named)")),
    (("RegionMap", "AMZNLINUX2"), Stated("al2", "Amazon Linux 2")),
    (("AmazonLinux2Ami", "RHEL 9"), Stated(None, "Amazon Linux 2 and Red Hat Enterprise Linux")),
])
def test_a_family_is_what_the_names_say(texts, stated):
    assert stated_family(*texts) == stated


@pytest.mark.parametrize("texts", [("AWSRegionArch2AMI", "HVM64"), ("EC2RegionMap", "64"), ("RegionMap", "AMI"),
                                   ("ImageId", "The AMI of the instances"), ("Final2", "total 2023")])
def test_names_that_state_no_family(texts):
    assert stated_family(*texts) is None


@pytest.mark.parametrize("value,stand_in", [
    ("ami-12345678", True), ("ami-00000000", True), ("ami-xxxxxxxx", True), ("ami-1234567890abcdef0", True),
    ("ami-123456", True), ("ami-abcdefgh", True), ("ami-0c02fb55956c7d316", False), ("ami-2f726546", False),
])
def test_placeholders(value, stand_in):
    assert placeholder(value) is stand_in


def test_graviton_instance_types_are_arm64():
    template = Template.from_data({"Parameters": {"Size": {"Type": "String", "Default": "c7g.large"}},
                                   "Resources": {}})
    assert [architecture(template, t) for t in ("t4g.micro", "m7g.large", "c6gn.xlarge", "x2gd.medium",
                                                 "a1.large", "t3.micro", "g4dn.xlarge", "m5zn.large", None)] == \
        ["arm64"] * 5 + ["x86_64"] * 4
    assert architecture(template, {"Ref": "Size"}) == "arm64"


def test_the_option_names_a_family_or_a_public_path():
    assert HardcodedAmi({"image": "ubuntu-22.04"}).options.image == "ubuntu-22.04"
    assert HardcodedAmi({"image": "/aws/service/debian/release/12/latest/amd64"}).options.image.startswith("/aws/")
    with pytest.raises(ValidationError, match="neither an image family"):
        HardcodedAmi({"image": "rhel9"})


def test_every_family_has_an_x86_64_public_path_and_hints():
    families = public_images()["families"]
    assert public_images()["default_family"] in families
    for key, family in families.items():
        assert "x86_64" in family["paths"] and set(family["paths"]) <= {"x86_64", "arm64"}, key
        assert all(path.startswith("/aws/service/") for path in family["paths"].values()), key
        assert family["hints"], key


def _moto_public_parameters(folder: str, region: str) -> set[str]:
    raw = json.loads(gzip.decompress(resources.files("moto.ssm").joinpath(f"resources/{folder}/{region}.json.gz")
                                     .read_bytes()))
    if isinstance(raw, list):
        return {entry["Name"] for entry in raw}
    names, stack = set(), [("", raw)]
    while stack:
        prefix, node = stack.pop()
        for key, child in node.items():
            if key == "Value" and not isinstance(child, dict):
                names.add(prefix)
            elif isinstance(child, dict):
                stack.append((f"{prefix}/{key}" if key != "Value" else prefix, child))
    return names


def test_the_amazon_linux_and_ecs_paths_are_published():
    served = _moto_public_parameters("ami-amazon-linux-latest", "us-east-1") | \
        _moto_public_parameters("ecs/optimized_amis", "us-east-1")
    for key in ("al2023", "al2", "ecs-al2023"):
        for path in public_images()["families"][key]["paths"].values():
            assert path in served, path


def _fixed(text: str, **options) -> str:
    result = cfnfix.fix_text(text, settings=cfnfix.Settings(select=("CFX603",), unsafe_fixes=True,
                                                            rules={"CFX603": options} if options else {}))
    assert result.error is None
    return result.text


MAPPING = """\
Mappings:
  RegionMap:
    us-east-1:
      AL2023: ami-0c02fb55956c7d316
      Bastion: ami-0ff8a91507f77f867
    eu-west-1:
      AL2023: ami-0d71ea30463e0ff8d
      Bastion: ami-0a1b2c3d4e5f67891
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref 'AWS::Region', AL2023]
  Jump:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref 'AWS::Region', Bastion]
"""


def test_a_mapping_read_with_another_key_loses_only_the_fixed_key():
    assert _fixed(MAPPING) == """\
Parameters:
  LatestAmiId:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    Description: The latest Amazon Linux 2023 (x86_64) AMI
Mappings:
  RegionMap:
    us-east-1:
      Bastion: ami-0ff8a91507f77f867
    eu-west-1:
      Bastion: ami-0a1b2c3d4e5f67891
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref 'LatestAmiId'
  Jump:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [RegionMap, !Ref 'AWS::Region', Bastion]
"""


def test_a_mapping_read_elsewhere_with_the_same_key_stays():
    text = MAPPING + """\
Outputs:
  WebImage:
    Value: !FindInMap [RegionMap, !Ref 'AWS::Region', AL2023]
"""
    fixed = _fixed(text)
    assert "      AL2023: ami-0c02fb55956c7d316\n" in fixed and "ImageId: !Ref 'LatestAmiId'" in fixed


def test_a_mapping_read_elsewhere_with_a_key_chosen_at_deploy_time_stays():
    text = MAPPING + """\
Outputs:
  StackImage:
    Value: !FindInMap [RegionMap, !Ref 'AWS::Region', !Ref 'AWS::StackName']
"""
    fixed = _fixed(text)
    assert "      AL2023: ami-0c02fb55956c7d316\n" in fixed and "ImageId: !Ref 'LatestAmiId'" in fixed


def test_an_existing_parameter_with_the_path_is_reused_whatever_its_name():
    text = """\
Parameters:
  BaseImage:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0c02fb55956c7d316
"""
    assert _fixed(text, image="al2023") == text.replace("ami-0c02fb55956c7d316", "!Ref BaseImage")


def test_x86_64_and_arm64_readers_of_one_parameter_are_reported_only():
    text = """\
Parameters:
  Ami:
    Type: AWS::EC2::Image::Id
    Default: ami-0c02fb55956c7d316
    Description: Amazon Linux 2023
Resources:
  Intel:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: m7i.large
      ImageId: !Ref Ami
  Graviton:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: m7g.large
      ImageId: !Ref Ami
"""
    (finding,) = cfnfix.check_text(text, settings=cfnfix.Settings(select=("CFX603",))).findings
    assert (finding.pointer, finding.fix) == ("/Parameters/Ami", None)
    assert finding.message.endswith("; x86_64 and arm64 instances read it, so it is reported only")


def test_a_windows_family_on_a_graviton_instance_is_reported_only():
    text = """\
Mappings:
  Windows2022:
    us-east-1:
      Image: ami-0c02fb55956c7d316
Resources:
  Host:
    Type: AWS::EC2::Instance
    Properties:
      InstanceType: t4g.large
      ImageId: !FindInMap [Windows2022, !Ref 'AWS::Region', Image]
"""
    (finding,) = cfnfix.check_text(text, settings=cfnfix.Settings(select=("CFX603",))).findings
    assert finding.fix is None
    assert finding.message.endswith("; Windows Server 2022 English Full Base is not published for arm64, "
                                    "so it is reported only")


STRING_PARAMETER = """\
Parameters:
  WebAmi:
    Type: String
    Default: ami-0c02fb55956c7d316
    Description: Amazon Linux 2 image of the web tier
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref WebAmi
"""


def test_a_string_parameter_an_image_property_refs_is_cfn_lints_w2506_and_the_fix_resolves_it():
    from .helpers import lint_findings

    assert {rule for rule, _ in lint_findings(STRING_PARAMETER)} == {"W2506"}
    # with cfn-lint's findings merged in, W2506 is reported once, by CFX603
    merged = cfnfix.check_text(STRING_PARAMETER, settings=cfnfix.Settings(select=("CFX603", "W2506"), cfn_lint=True))
    assert [(f.code, f.pointer) for f in merged.findings] == [("CFX603", "/Parameters/WebAmi")]
    fixed = _fixed(STRING_PARAMETER)
    assert fixed == STRING_PARAMETER.replace("Type: String", "Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>") \
        .replace("ami-0c02fb55956c7d316", "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2")
    assert lint_findings(fixed) == set()
