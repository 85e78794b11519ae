"""The language server's positions (UTF-16 columns, LSP line breaks, a BOM) and edits, without a client."""

from __future__ import annotations

from dataclasses import replace

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as lsp  # noqa: E402

import cfnfix  # noqa: E402
from cfnfix.parse.document import parse_text  # noqa: E402
from cfnfix.lsp import Positions, analyse, fix_all_edits, fix_edits, suppression_ops  # noqa: E402

from .helpers import HARDCODED_ROLE  # noqa: E402


def test_positions_count_utf16_units_and_every_lsp_line_break():
    text = "a\U0001F600b\r\nc\rd\ne"
    positions = Positions(text)
    assert [positions.position(i) for i in range(len(text) + 1)] == [
        lsp.Position(0, 0), lsp.Position(0, 1), lsp.Position(0, 3), lsp.Position(0, 4), lsp.Position(0, 5),
        lsp.Position(1, 0), lsp.Position(1, 1), lsp.Position(2, 0), lsp.Position(2, 1), lsp.Position(3, 0),
        lsp.Position(3, 1)]
    assert [positions.offset(positions.position(i)) for i in range(len(text) + 1)] == \
        [0, 1, 2, 3, 3, 5, 6, 7, 8, 9, 10]  # the \r of \r\n is not a place of its own
    assert positions.offset(lsp.Position(0, 99)) == 3 and positions.offset(lsp.Position(9, 0)) == len(text)
    assert Positions(text, lsp.PositionEncodingKind.Utf8).position(2) == lsp.Position(0, 5)
    assert Positions(text, lsp.PositionEncodingKind.Utf32).position(2) == lsp.Position(0, 2)


def _apply(positions: Positions, edits: list[lsp.TextEdit]) -> str:
    text, done, pieces = positions.text, 0, []
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character)):
        start, end = positions.offset(edit.range.start), positions.offset(edit.range.end)
        pieces += [text[done:start], edit.new_text]
        done = end
    return "".join(pieces) + text[done:]


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_crlf_buffer_with_a_bom_and_astral_characters_gets_exact_ranges_and_edits(bom):
    body = ("Description: \"\U0001F600 payments \u00e9\"\n" + HARDCODED_ROLE).replace("\n", "\r\n")
    text = bom + body
    analysis = analyse("file:///work/t.yaml", text, 3, "yaml")
    (located,) = analysis.findings
    (diagnostic,) = analysis.diagnostics()
    # the range covers the RoleARN value exactly, on its own line (line 9 of the buffer)
    start, end = analysis.positions.offset(diagnostic.range.start), analysis.positions.offset(diagnostic.range.end)
    assert text[start:end].startswith("!Sub arn:aws:iam::${AWS::AccountId}:role/aws-service-role/")
    assert text[start:end].endswith("AWSServiceRoleForApplicationAutoScaling_ECSService")
    assert diagnostic.range.start == lsp.Position(8, 15)
    fixed = _apply(analysis.positions, fix_edits(analysis, located))
    assert fixed == bom + cfnfix.fix_text(body, unsafe_fixes=True).text
    assert _apply(analysis.positions, fix_all_edits(analysis)) == fixed


def test_a_buffer_that_is_no_template_has_no_findings_and_one_that_does_not_parse_one_problem():
    assert analyse("untitled:1", "name: x\n", 1, "yaml").diagnostics() == []
    assert analyse("untitled:2", "name: [\n", 1, "yaml").diagnostics() == []
    (diagnostic,) = analyse("untitled:3", "Resources:\n  A: [\n", 1, "yaml").diagnostics()
    assert diagnostic.range.start == lsp.Position(2, 0)
    (diagnostic,) = analyse("untitled:4", '{"Resources": {"A": }}', 1, "json").diagnostics()
    assert diagnostic.range.start.line == 0 and diagnostic.source == "cfnfix"


def test_suppression_goes_where_the_metadata_is():
    finding = next(f.finding for f in analyse("untitled:1", HARDCODED_ROLE, 1, "yaml").findings
                   if f.finding.code == "CFX101")
    data = parse_text(HARDCODED_ROLE).data
    entry = {"code": "CFX101", "reason": "TODO: say why this finding does not apply here"}
    assert suppression_ops(data, finding) == [{"op": "add", "path": "/Resources/Target/Metadata",
                                               "value": {"cfnfix": {"ignore": [entry]}},
                                               "position": {"before": "/Resources/Target/Properties"}}]
    data["Resources"]["Target"]["Metadata"] = {"Owner": "team"}
    assert suppression_ops(data, finding) == [{"op": "add", "path": "/Resources/Target/Metadata/cfnfix",
                                               "value": {"ignore": [entry]}}]
    data["Resources"]["Target"]["Metadata"]["cfnfix"] = {"ignore": [{"code": "CFX301", "reason": "r"}]}
    assert suppression_ops(data, finding) == [{"op": "add", "path": "/Resources/Target/Metadata/cfnfix/ignore/-",
                                               "value": entry}]
    data["Resources"]["Target"]["Metadata"] = "not a mapping"
    assert suppression_ops(data, finding) is None
    # a finding about the whole template is suppressed in the template's Metadata
    whole = replace(finding, resource=None, pointer="")
    assert suppression_ops(data, whole) == [{"op": "add", "path": "/Metadata", "value": {"cfnfix": {"ignore": [entry]}}}]
