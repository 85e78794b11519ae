"""cfn-lint before and after `apply --unsafe-fixes` with every rule, on every corpus template
(marker: corpus), for the deploy breakers of issue 14.

After the fixes no template keeps W3010 (a hard-coded zone, CFX601) or I3042 (a hard-coded
partition, region or account, CFX602), and E3004 (a cycle, CFX701) stays only where CFX701 reports
the cycle display-only; each finding that stays is listed below with its reason. cfn-lint runs
with its informational rules, as I3042 is one. The sweep of `tests/test_lifecycle_corpus.py`
checks that no error or warning is added; the informational findings the fixes add are listed
here too.
"""

from __future__ import annotations

import pytest

import cfnfix

from .helpers import CORPUS
from .test_corpus import accepted_templates
from .test_hardcoded_partition_region_account_corpus import lint

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

RESOLVED = ("W3010", "I3042", "E3004")

# (template, cfn-lint rule, path) that stays after the fixes, and why
STAYS = {
    # a resource that reads its own attribute: no cut breaks a self-reference (CFX701 display-only)
    ("cfn-lint-fixtures/bad/functions_base64.yaml", "E3004", "Resources/myInstance"): "self-reference",
    ("cfn-lint-fixtures/bad/functions_getaz.yaml", "E3004", "Resources/mySubnet1"): "self-reference",
    # the role's inline policy closes the cycle, but names actions IAM does not have
    # (s3:HeadBucket, s3:ListObjects): moved into a standalone AWS::IAM::Policy they would be a
    # new W3037, so CFX701 reports the cycle display-only
    **{("cfn-lint-fixtures/bad/resources_circular_dependency.yaml", "E3004", f"Resources/{name}"): "unknown actions"
       for name in ("myInstanceProfile", "myKms", "myRoleToWriteToS3")},
    # the ARN names the placeholder account 123456789012: CFX602 is display-only
    **{(name, "I3042", "Resources/S3BadBucket/Properties/NotificationConfiguration/TopicConfigurations/0"
        "/Topic/Fn::Sub"): "placeholder account"
       for name in ("cfn-lint-fixtures/bad/hard_coded_arn_properties.yaml",
                    "cfn-lint-fixtures/good/resources/properties/hard_coded_arn_properties_cdk.yaml")},
}
# informational findings the fixes add (none of an error or a warning)
ADDED = {
    # CFX501 moves a java runtime to java25, for which cfn-lint suggests SnapStart
    ("cfn-lint-fixtures/good/parameters/not_used_parameters.yaml", "I2530"),
    ("cfn-lint-fixtures/good/parameters/used_transforms.yaml", "I2530"),
    ("cfn-lint-fixtures/issues/sam_w_conditions.yaml", "I2530"),
    # CFX102's new AWS::SecretsManager::Secret has no explicit deletion policies
    ("cfn-lint-fixtures/public/rds-cluster.yaml", "I3011"),
}


def test_zones_partitions_and_cycles_are_gone_but_where_listed():
    settings = cfnfix.Settings(unsafe_fixes=True)
    stays: set[tuple[str, str, str]] = set()
    added: set[tuple[str, str]] = set()
    for name, doc in accepted_templates():
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        before = lint(doc.text)
        after = lint(result.text) if result.changed else before
        added |= {(name, rule) for rule, _, _ in after - before}
        stays |= {(name, rule, where) for rule, where, _ in after if rule in RESOLVED}
    assert sorted(stays) == sorted(STAYS)
    assert sorted(added) == sorted(ADDED)
