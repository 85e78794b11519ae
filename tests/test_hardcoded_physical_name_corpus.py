"""CFX506 on the corpus (marker: corpus): cfn-lint before and after `apply --unsafe-fixes --select CFX506`.

cfn-lint has no rule for a fixed physical name, so there is nothing for the fix to resolve; what
is checked is that no template the rule rewrites gains a cfn-lint finding (rule, path and message),
and that the rule fires and fixes where the corpus has fixed names. Only rewritten templates are
linted, in-process.
"""

from __future__ import annotations

import pytest

import cfnfix

from .helpers import CORPUS
from .test_corpus import accepted_templates
from .test_lifecycle_corpus import _lint_yield

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

HINTS = ("Name", "Identifier")  # a template without either word has no name property to fix


def test_suffixed_names_add_no_cfn_lint_finding():
    lint = _lint_yield().lint
    settings = cfnfix.Settings(select=("CFX506",), unsafe_fixes=True)
    added: list[tuple[str, tuple[str, str, str]]] = []
    changed = []
    for name, doc in accepted_templates():
        if not any(h in doc.text for h in HINTS):
            continue
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (name, result.error)
        if not result.changed:
            continue
        changed.append(name)
        added += [(name, finding) for finding in sorted(lint(result.text) - lint(doc.text))]
    assert added == []
    assert len(changed) == 47


def test_the_second_apply_finds_nothing_left_to_fix():
    settings = cfnfix.Settings(select=("CFX506",), unsafe_fixes=True)
    for name, doc in accepted_templates():
        first = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        if first.changed:
            second = cfnfix.fix_text(first.text, doc.format, settings=settings)
            assert not second.changed, name
