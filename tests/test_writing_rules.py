"""docs/writing-rules.md: its sample rule and example files, run through the public harness."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys

import pytest

from cfnfix.rule import read_examples
from cfnfix.testing import check_example, update_example

from .helpers import ROOT

DOC = ROOT / "docs" / "writing-rules.md"
FENCE = re.compile(r"^```\w+ file=(?P<path>\S+)\n(?P<body>.*?)^```$", re.M | re.S)


def blocks() -> dict[str, str]:
    return {m.group("path"): m.group("body") for m in FENCE.finditer(DOC.read_text(encoding="utf-8"))}


@pytest.fixture()
def sample(tmp_path, monkeypatch):
    for path, body in blocks().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "acme_rules" or m.startswith("acme_rules.")]:
        monkeypatch.delitem(sys.modules, name)
    module = importlib.import_module("acme_rules.log_retention")
    return tmp_path, module.LogGroupWithoutRetention


def test_the_doc_holds_a_rule_and_bad_and_good_examples():
    paths = blocks()
    assert "acme_rules/log_retention.py" in paths and "acme_rules/test_examples.py" in paths
    examples = {p.split("/")[3] for p in paths if p.startswith("acme_rules/examples/")}
    assert examples == {"yaml-no-properties", "json-with-properties", "good-retention-set"}


def test_the_sample_rule_passes_the_harness(sample):
    folder, rule = sample
    examples = rule.examples
    assert [e.name for e in examples] == ["good-retention-set", "json-with-properties", "yaml-no-properties"]
    for example in examples:
        check_example(rule, example, lint=True)


def test_update_mode_writes_what_the_doc_shows(sample):
    folder, rule = sample
    examples_folder = folder / "acme_rules" / "examples" / rule.name
    shown = {p: (p.read_text(), json.loads((p.parent / "expected.json").read_text()))
             for p in examples_folder.glob("*/fixed.*")}
    for path in shown:
        path.unlink()
        expected = json.loads((path.parent / "expected.json").read_text())
        (path.parent / "expected.json").write_text(json.dumps({k: v for k, v in expected.items()
                                                               if k not in ("pointers", "impact")}))
    for example in read_examples(examples_folder):
        update_example(rule, example)
    for path, (text, expected) in shown.items():
        assert path.read_text() == text
        assert json.loads((path.parent / "expected.json").read_text()) == expected


def test_the_docs_test_module_runs_under_pytest(sample):
    folder, _ = sample
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(folder / "acme_rules" / "test_examples.py")],
                          capture_output=True, text=True, cwd=folder, env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
