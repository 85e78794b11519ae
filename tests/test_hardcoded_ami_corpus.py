"""CFX603 on every corpus template (marker: corpus), with the option `image = "al2023"` (without it
no corpus template states an image family, so nothing is rewritten): no cfn-lint finding is added
(rule, path and message; value lists collapsed), its informational findings included; a second
run changes nothing; what is left is reported only; the findings by kind and fix are as listed."""

from __future__ import annotations

from collections import Counter

import pytest

import cfnfix

from .helpers import CORPUS
from .test_corpus import accepted_templates
from .test_hardcoded_partition_region_account_corpus import lint

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

# (section of the pointer, fix safety or None) -> findings over the corpus
WITHOUT_OPTION = {
    # a literal id: no family stated, or a placeholder (ami-123456, ami-12345678, ...)
    ("Resources", "display-only"): 46,
    # EC2RegionMap's key "64" states no family
    ("Mappings", "display-only"): 2,
    # tables read with a key chosen at deploy time (a parameter, a second mapping)
    ("Mappings", None): 16,
    # CloudFront.yaml's EC2ImageId states no family
    ("Parameters", "display-only"): 2,
}
WITH_OPTION = {
    ("Resources", "display-only"): 30,  # placeholders only
    ("Resources", "unsafe"): 16,
    ("Mappings", "unsafe"): 2,
    ("Mappings", None): 16,
    ("Parameters", "unsafe"): 2,
}


def _kinds(settings: cfnfix.Settings) -> Counter:
    found: Counter = Counter()
    for _, doc in accepted_templates():
        for finding in cfnfix.check_text(doc.text, doc.format, settings=settings).findings:
            found[(finding.pointer.split("/")[1], finding.fix.safety.value if finding.fix else None)] += 1
    return found


def test_cfx603_findings_by_kind_without_and_with_the_option():
    assert _kinds(cfnfix.Settings(select=("CFX603",))) == WITHOUT_OPTION
    assert _kinds(cfnfix.Settings(select=("CFX603",), rules={"CFX603": {"image": "al2023"}})) == WITH_OPTION


def test_cfx603_adds_no_cfn_lint_finding_and_converges():
    settings = cfnfix.Settings(unsafe_fixes=True, select=("CFX603",), rules={"CFX603": {"image": "al2023"}})
    added: list[tuple[str, tuple[str, str, str]]] = []
    changed = 0
    for name, doc in accepted_templates():
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        if not result.changed:
            continue
        changed += 1
        added += [(name, finding) for finding in sorted(lint(result.text) - lint(doc.text))]
        assert not cfnfix.fix_text(result.text, doc.format, settings=settings).changed, name
        left = cfnfix.check_text(result.text, doc.format, settings=settings).findings
        assert all(f.fix is None or f.fix.safety.value == "display-only" for f in left), name
    assert added == []
    assert changed == 12
