"""cfnfix/data/iam_actions.json equals what scripts/iam_actions.py makes from the pinned cfn-lint."""

from __future__ import annotations

import importlib.util

from cfnfix.values import aws_data

from .helpers import ROOT


def _generator():
    spec = importlib.util.spec_from_file_location("iam_actions", ROOT / "scripts" / "iam_actions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_equals_the_generated_one():
    generator = _generator()
    assert (ROOT / "cfnfix" / "data" / "iam_actions.json").read_text(encoding="utf-8") == \
        generator.render(generator.table())


def test_the_table_records_the_pinned_cfn_lint_and_knows_real_actions_only():
    table = aws_data("iam_actions.json")
    assert table["cfn_lint"] == _generator().PINNED == "1.51.0"
    s3 = table["actions"]["s3"].split()
    assert "getobject" in s3 and "listbucket" in s3
    assert "headbucket" not in s3 and "listobjects" not in s3
