"""CFX506 on the corpus (marker: corpus): cfn-lint before and after `apply --unsafe-fixes --select CFX506`.

cfn-lint has no rule for a fixed physical name, so there is nothing for the fix to resolve; what
is checked is that no template the rule rewrites gains a cfn-lint finding (rule, path and message),
and that the rule fires and fixes where the corpus has fixed names. Only rewritten templates are
linted, in-process.
"""

from __future__ import annotations

import pytest

import cfnfix
from cfnfix.parse.document import parse_bytes
from cfnfix.engine import is_template
from cfnfix.errors import ParseError

from .helpers import CORPUS, corpus_files
from .test_corpus import REJECTED
from .test_lifecycle_corpus import _lint_yield

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

HINTS = ("Name", "Identifier")  # a template without either word has no name property to fix


def test_suffixed_names_add_no_cfn_lint_finding():
    lint = _lint_yield().lint
    settings = cfnfix.Settings(select=("CFX506",), unsafe_fixes=True)
    added: list[tuple[str, tuple[str, str, str]]] = []
    changed = []
    for path in corpus_files():
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue
        name = str(path.relative_to(CORPUS))
        if not is_template(doc.data) or name in REJECTED or not any(h in doc.text for h in HINTS):
            continue
        result = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        assert result.error is None, (path, result.error)
        if not result.changed:
            continue
        changed.append(name)
        added += [(name, finding) for finding in sorted(lint(result.text) - lint(doc.text))]
    assert added == []
    assert len(changed) == 47


def test_the_second_apply_finds_nothing_left_to_fix():
    settings = cfnfix.Settings(select=("CFX506",), unsafe_fixes=True)
    for path in corpus_files():
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue
        if not is_template(doc.data) or str(path.relative_to(CORPUS)) in REJECTED:
            continue
        first = cfnfix.fix_text(doc.text, doc.format, settings=settings)
        if first.changed:
            second = cfnfix.fix_text(first.text, doc.format, settings=settings)
            assert not second.changed, path
