"""The lifecycle tables in cfnfix/data equal what scripts/generate_lifecycle_data.py makes from cfn-lint."""

from __future__ import annotations

import importlib.util

from cfnfix.values import aws_data

from .helpers import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("generate_lifecycle_data", ROOT / "scripts" / "generate_lifecycle_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_tables_equal_the_generated_ones():
    generator = _generator()
    for name, table in generator.tables().items():
        assert (ROOT / "cfnfix" / "data" / name).read_text(encoding="utf-8") == generator.render(table), name


def test_tables_record_their_source_and_the_pinned_cfn_lint():
    runtimes = aws_data("lambda_runtimes.json")
    engines = aws_data("engine_versions.json")
    assert runtimes["cfn_lint"] == engines["cfn_lint"] == _generator().PINNED == "1.51.0"
    assert runtimes["source"][0] == "cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json"
    assert "python3.14" in runtimes["valid"] and "dotnet9" not in runtimes["valid"]
    assert "cfnlint/data/schemas/extensions/aws_rds_dbcluster/engine_version_deprecated.json" in engines["source"]
    assert runtimes["runtimes"]["python3.9"] == {"deprecated": "2025-12-15", "create-block": "2026-06-01",
                                                 "update-block": "2026-07-01", "successor": "python3.14"}
    cluster = engines["types"]["AWS::RDS::DBCluster"]["versions"]["aurora-mysql"]
    assert "5.7.mysql_aurora.2.07.2" in cluster["deprecated"] and "8.0.mysql_aurora.3.12.0" in cluster["known"]
