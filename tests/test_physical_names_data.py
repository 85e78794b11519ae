"""cfnfix/data/physical_names.json equals what scripts/physical_names.py makes from the pinned cfn-lint."""

from __future__ import annotations

import importlib.util

from cfnfix.values import aws_data

from .helpers import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("physical_names", ROOT / "scripts" / "physical_names.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_equals_the_generated_one():
    generator = _generator()
    assert (ROOT / "cfnfix" / "data" / "physical_names.json").read_text(encoding="utf-8") == \
        generator.render(generator.table())


def test_the_table_records_the_pinned_cfn_lint_and_the_names_it_holds():
    table = aws_data("physical_names.json")
    assert table["cfn_lint"] == _generator().PINNED == "1.51.0"
    names = table["names"]
    assert names["AWS::S3::Bucket"] == {"property": "BucketName", "max_length": 63, "min_length": None,
                                        "pattern": "^([a-z0-9][a-z0-9.-]*[a-z0-9])?$"}
    assert names["AWS::IAM::Role"]["property"] == "RoleName" and names["AWS::IAM::Role"]["max_length"] == 64
    assert names["AWS::RDS::DBInstance"]["property"] == "DBInstanceIdentifier"
    # scoped inside a parent (unique within its function, API or log group): not an account-wide name
    assert {"AWS::Lambda::Alias", "AWS::ApiGateway::Stage", "AWS::Logs::LogStream"}.isdisjoint(names)
    # DBName names a database inside the instance, not the instance
    assert names["AWS::RDS::DBInstance"]["property"] != "DBName"
    assert "regions" not in table  # CFX506 reads regions.json, as CFX602 does


def test_the_manual_table_only_removes_entries_the_schemas_have():
    manual = aws_data("physical_names_manual.json")
    names = aws_data("physical_names.json")["names"]
    assert set(manual["exclude"]) <= set(names)
    assert set(manual["limits"]) <= set(names)
    assert set(manual["add"]).isdisjoint(names) and all(t.startswith("AWS::Serverless::") for t in manual["add"])
    assert all(manual["source"][key] for key in ("exclude", "add", "limits", "stack_name"))
