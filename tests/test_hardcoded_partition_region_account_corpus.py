"""cfn-lint before and after `apply --unsafe-fixes --select CFX602` on the corpus (marker: corpus).

On every corpus template that names `arn:aws` (the only ones I3042 can flag) or where CFX602
changes the text: after the fix no I3042 finding is left, except those listed below with their
reason, and no cfn-lint finding is added (rule, path and message; value lists collapsed), its
informational findings included.
"""

from __future__ import annotations

import pytest

import cfnfix

from .helpers import CORPUS
from .test_corpus import accepted_templates
from .test_lifecycle_corpus import _lint_yield

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

RESOLVED = ("I3042",)
_ = _lint_yield()


def lint(text: str) -> set[tuple[str, str, str]]:
    """cfn-lint's findings with its informational rules too: I3042 is one."""
    from cfnlint.api import ManualArgs, lint as cfn_lint

    return {(m.rule.id, "/".join(str(p) for p in getattr(m, "path", None) or ()), _.collapse(m.message))
            for m in cfn_lint(text, config=ManualArgs(include_checks=["I"]))}

# I3042 findings that stay, and why: both ARNs name the placeholder account 123456789012, so
# CFX602's fix is display-only
_TOPIC = "Resources/S3BadBucket/Properties/NotificationConfiguration/TopicConfigurations/0/Topic/Fn::Sub"
STAYS = {
    ("cfn-lint-fixtures/bad/hard_coded_arn_properties.yaml", "I3042"): [_TOPIC],
    ("cfn-lint-fixtures/good/resources/properties/hard_coded_arn_properties_cdk.yaml", "I3042"): [_TOPIC],
}


def test_cfx602_resolves_i3042_and_adds_no_cfn_lint_finding():
    settings = cfnfix.Settings(unsafe_fixes=True, select=("CFX602",))
    stays: dict[tuple[str, str], list[str]] = {}
    added: list[tuple[str, tuple[str, str, str]]] = []
    resolved = changed = 0
    for name, doc in accepted_templates():
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        if not result.changed and "arn:aws" not in doc.text:
            continue
        before = lint(doc.text)
        after = lint(result.text) if result.changed else before
        changed += result.changed
        added += [(name, finding) for finding in sorted(after - before)]
        resolved += sum(1 for rule, _, _ in before - after if rule in RESOLVED)
        for rule, where, _ in after:
            if rule in RESOLVED:
                stays.setdefault((name, rule), []).append(where)
    assert added == []
    assert {key: sorted(where) for key, where in stays.items()} == STAYS
    assert (changed, resolved) == (55, 27)  # templates rewritten, I3042 findings gone
