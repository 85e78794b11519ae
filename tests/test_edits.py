"""The writer's splices as edits of the first text (what an editor applies): exact and minimal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cfnfix
from cfnfix.parse.document import parse_bytes
from cfnfix.engine import fix_document
from cfnfix.errors import ParseError
from cfnfix.settings import Settings
from cfnfix.write.writer import Edit, EditLog, TextEdit

from .helpers import CORPUS, HARDCODED_ROLE, ROOT, corpus_files

EXAMPLE = ROOT / "examples" / "payment-processing"
# as the CLI reads the example: its integration tests make CFX401 run
WITH_TESTS = Settings(unsafe_fixes=True, rules={"CFX401": {"tests": str(EXAMPLE / "tests")}})


def splice(text: str, edits) -> str:
    pieces, done = [], 0
    for edit in edits:
        assert edit.start >= done, "edits overlap or are out of order"
        pieces += [text[done:edit.start], edit.text]
        done = edit.end
    return "".join(pieces) + text[done:]


def test_one_batch_is_its_own_edits():
    log = EditLog(len("abcdef"))
    log.record([Edit(1, 1, "X"), Edit(2, 4, ""), Edit(5, 6, "YZ")])
    assert log.edits() == [TextEdit(1, 1, "X"), TextEdit(2, 4, ""), TextEdit(5, 6, "YZ")]


def test_a_later_batch_inside_earlier_new_text_stays_one_edit():
    # "abc" -> "aXYZc" (b replaced) -> "aXQZc" (Y, new text, replaced): one edit of b
    log = EditLog(3)
    log.record([Edit(1, 2, "XYZ")])
    log.record([Edit(2, 3, "Q")])
    assert log.edits() == [TextEdit(1, 2, "XQZ")]


def test_a_later_batch_spanning_old_and_new_text_merges():
    # "abcdef" -> "abXdef" (c replaced by X) -> "aQef" (bXd replaced by Q)
    log = EditLog(6)
    log.record([Edit(2, 3, "X")])
    log.record([Edit(1, 4, "Q")])
    assert log.edits() == [TextEdit(1, 4, "Q")]


def test_inserts_at_one_offset_keep_their_order():
    log = EditLog(2)
    log.record([Edit(1, 1, "A"), Edit(1, 1, "B"), Edit(1, 2, "C")])
    assert splice("xy", log.edits()) == "xABC"
    assert log.edits() == [TextEdit(1, 2, "ABC")]


def test_nothing_recorded_is_no_edit():
    assert EditLog(5).edits() == []
    assert EditLog(0).edits() == []


_batch = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.text("xyz\n", max_size=5)), max_size=4)


@given(st.text("abc\n", max_size=30), st.lists(_batch, max_size=5))
def test_composed_edits_equal_the_batches_applied_one_after_another(text, batches):
    log = EditLog(len(text))
    current = text
    for batch in batches:
        edits, done = [], 0
        for start, size, new in sorted(batch):
            start = max(start, done)
            if start > len(current):
                break
            end = min(start + size, len(current))
            edits.append(Edit(start, end, new))
            done = end
        log.record(edits)
        current = splice(current, edits)
    composed = log.edits()
    assert splice(text, composed) == current
    # no empty edit, and never two edits that touch: each place is edited once
    assert all(e.start < e.end or e.text for e in composed)
    assert all(a.end < b.start for a, b in zip(composed, composed[1:]))


@pytest.mark.parametrize("name", ["template.yaml", "template.json"])
def test_the_example_fixed_by_every_rule_is_its_edits_of_the_original(name):
    original = (EXAMPLE / name).read_text(encoding="utf-8")
    result = cfnfix.fix_text(original, settings=WITH_TESTS)
    assert result.text == (EXAMPLE / "fixed" / name).read_text(encoding="utf-8")
    assert splice(original, result.edits) == result.text
    # each edit is a splice of the writer, far smaller than the file
    assert 1 < len(result.edits) and all(e.end - e.start < 200 for e in result.edits)


def test_crlf_edits_carry_crlf():
    original = HARDCODED_ROLE.replace("\n", "\r\n")
    result = cfnfix.fix_text(original, settings=WITH_TESTS)
    assert splice(original, result.edits) == result.text
    assert all("\n" not in e.text.replace("\r\n", "") for e in result.edits)


def test_nothing_to_fix_is_no_edit():
    assert cfnfix.fix_text("Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n").edits == ()


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")
def test_corpus_fixed_text_is_its_edits_of_the_original():
    settings = Settings(unsafe_fixes=True)
    checked = 0
    for path in corpus_files():
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue
        if not isinstance(doc.data, dict) or "Resources" not in doc.data:
            continue
        result = fix_document(doc, settings, str(path))
        if result.error is None and result.changed:
            assert splice(doc.text, result.edits) == result.text, path
            checked += 1
    assert checked > 90  # 104 of the 527 templates change (CFX401 runs only where integration tests are)
