"""Fixing in several runs, with any rule selections in any order, ends at the text of one run."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import cfnfix
from cfnfix.rules import all_rules

from .helpers import CORPUS, ROOT, corpus_files

CODES = tuple(rule.code for rule in all_rules())
EXAMPLE = ROOT / "examples" / "payment-processing"


def _fix(text: str, fmt: str, codes: tuple[str, ...], unsafe: bool, options: dict) -> str:
    # codes named one by one: each is selected explicitly, as `--select CFX201,CFX401` would
    result = cfnfix.fix_text(text, fmt, settings=cfnfix.Settings(select=codes, unsafe_fixes=unsafe, rules=options))
    assert result.error is None, result.error
    return result.text


_ONE_RUN: dict[tuple[str, str, str], str] = {}


def _one_run(text: str, fmt: str, options: dict) -> str:
    """Every rule, unsafe fixes included, in one run (kept: hypothesis asks for it many times)."""
    key = (text, fmt, repr(options))
    if key not in _ONE_RUN:
        _ONE_RUN[key] = _fix(text, fmt, CODES, True, options)
    return _ONE_RUN[key]


# each step of a history: a non-empty subset of the rules, with or without unsafe fixes
STEPS = st.lists(st.tuples(st.sets(st.sampled_from(CODES), min_size=1).map(lambda s: tuple(sorted(s))),
                           st.booleans()), min_size=1, max_size=4)


def _check(original: str, fmt: str, steps, options: dict | None = None) -> None:
    options = options or {}
    text = original
    for codes, unsafe in steps:
        text = _fix(text, fmt, codes, unsafe, options)
        assert _fix(text, fmt, codes, unsafe, options) == text, (codes, unsafe)  # each run is idempotent
    # a last run of every rule finishes the work, and the text is that of one run
    assert _fix(text, fmt, CODES, True, options) == _one_run(original, fmt, options), steps


@pytest.mark.parametrize("name", ["template.yaml", "template.json"])
def test_safe_then_unsafe_run_equals_one_unsafe_run_on_the_example(name):
    """The defect of issue 10: `apply` then `apply --unsafe-fixes` left a StackSet without the
    parameters CFX201 added in the second run."""
    text = (EXAMPLE / name).read_text()
    fmt = "json" if name.endswith(".json") else "yaml"
    two = _fix(_fix(text, fmt, CODES, False, {}), fmt, CODES, True, {})
    assert two == _one_run(text, fmt, {})
    assert "ParameterKey: HostedZoneId" in two or '"ParameterKey": "HostedZoneId"' in two


@pytest.mark.parametrize("name", ["template.yaml", "template.json"])
@hypothesis_settings(max_examples=12)
@given(steps=STEPS)
def test_any_history_of_runs_converges_on_the_example(name, steps):
    text = (EXAMPLE / name).read_text()
    _check(text, "json" if name.endswith(".json") else "yaml", steps)


# the rules whose fixes build on each other's parameters (issue 10 item 1): DNS failover and the standby
DR_RULES = ("CFX201", "CFX202")
# every rule's bad examples, each run with every rule: what one rule writes must not change how
# another writes (the writer measures the file's habits anew each run, style.py)
EXAMPLES = [(rule, e) for rule in all_rules() for e in rule.examples if not e.good]
# a sixth of the profile's examples for each of the ~70 templates: 25 by default, 500 with `deep`
HISTORIES = hypothesis_settings(max_examples=max(20, hypothesis_settings().max_examples // 6))


@pytest.mark.parametrize("rule,example", EXAMPLES, ids=[f"{r.code}-{e.name}" for r, e in EXAMPLES])
@HISTORIES
@given(steps=STEPS)
def test_any_history_of_runs_converges_on_the_rule_examples(rule, example, steps):
    _check(example.text, example.format, steps, {rule.code: example.options})


@functools.cache
def _sample():
    """Every third readable corpus template with resources: a spread of sources and formats."""
    from cfnfix.parse.document import parse_bytes
    from cfnfix.errors import ParseError

    picked = []
    for path in corpus_files()[::3]:
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue
        if not (isinstance(doc.data, dict) and isinstance(doc.data.get("Resources"), dict)):
            continue
        # a template cfnfix refuses to edit (a tool's own functions, say) has no runs to compare
        if cfnfix.fix_text(doc.text, doc.format, settings=cfnfix.Settings(select=CODES)).error is None:
            picked.append((path, doc))
    return picked


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
def test_runs_one_rule_at_a_time_converge_on_a_corpus_sample():
    """The DR rules one at a time, in either order, then every rule; every rule one at a time in
    the order of their codes, then every rule; and every rule safe before unsafe: one run's text."""
    checked = 0
    for path, doc in _sample():
        one = _one_run(doc.text, doc.format, {})
        for order in (DR_RULES, DR_RULES[::-1]):
            text = doc.text
            for code in order:
                text = _fix(text, doc.format, (code,), True, {})
            assert _fix(text, doc.format, CODES, True, {}) == one, (path, order)
        text = doc.text
        for code in CODES:
            text = _fix(text, doc.format, (code,), True, {})
        assert _fix(text, doc.format, CODES, True, {}) == one, (path, "one rule at a time")
        two = _fix(_fix(doc.text, doc.format, CODES, False, {}), doc.format, CODES, True, {})
        assert two == one, path
        checked += 1
    assert checked > 150


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
@given(data=st.data())
def test_any_history_of_runs_converges_on_a_corpus_sample(data):
    """Random histories of rule subsets, with or without unsafe fixes, on the corpus sample."""
    path, doc = data.draw(st.sampled_from(_sample()), label="template")
    _check(doc.text, doc.format, data.draw(STEPS, label="steps"))
