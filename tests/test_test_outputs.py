"""CFX401's outputs resolve: every attribute it writes exists for the resource as configured."""

from __future__ import annotations

import pytest

import cfnfix
from cfnfix.values import aws_data

TYPES = aws_data("test_outputs.json")["types"]
CACHE = """\
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      Engine: redis
      CacheNodeType: cache.t3.micro
"""
CFX401 = cfnfix.Settings(select=("CFX401",))


@pytest.mark.parametrize("resource_type", sorted(TYPES))
def test_every_attribute_cfx401_outputs_is_one_the_schema_has(resource_type):
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    attributes = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).get_atts
    for entry in TYPES[resource_type]:
        if entry[1] is not None:
            assert entry[1] in attributes, (resource_type, entry[1])


def _output(properties: str) -> tuple[str, str | None]:
    result = cfnfix.fix_text(CACHE + properties, "yaml", settings=CFX401)
    assert result.error is None
    return result.text[len(CACHE + properties):], (result.remaining[0].message if result.remaining else None)


@pytest.mark.parametrize("properties", [
    "      NumNodeGroups: 3\n      ReplicasPerNodeGroup: 1\n",
    "      ClusterMode: enabled\n      NumNodeGroups: 1\n",
    "      CacheParameterGroupName: default.redis7.cluster.on\n",
    "      NodeGroupConfiguration:\n        - Slots: 0-8000\n        - Slots: 8001-16383\n",
])
def test_cluster_mode_replication_group_gets_its_configuration_endpoint(properties):
    assert _output(properties) == ("Outputs:\n  CacheConfigurationEndpoint:\n"
                                   "    Description: Configuration endpoint of the cache cluster\n"
                                   "    Value: !GetAtt Cache.ConfigurationEndPoint.Address\n", None)


def test_replication_group_without_cluster_mode_gets_its_primary_endpoint():
    assert _output("      NumCacheClusters: 2\n") == (
        "Outputs:\n  CacheEndpoint:\n    Description: Primary endpoint of the cache\n"
        "    Value: !GetAtt Cache.PrimaryEndPoint.Address\n", None)


def test_cluster_mode_known_only_at_deploy_time_is_reported_without_a_fix():
    text, message = _output("      NumNodeGroups: !Ref Shards\n")
    assert text == ""
    assert message == ("AWS::ElastiCache::ReplicationGroup Cache is exposed by no Output; which of its endpoints "
                       "exists depends on values only known at deploy time: add the Output by hand")
