"""`cfnfix server` end to end: a real client process talks to the server over stdio (pytest-lsp)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types as lsp  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

from .helpers import ROOT  # noqa: E402

EXAMPLE = ROOT / "examples" / "payment-processing"
# The payment example's findings as the server reports them: (code, start line, character, end line, character),
# 0-based; the same places `cfnfix check --format json` gives 1-based.
EXAMPLE_DIAGNOSTICS = [
    ("CFX301", 23, 4, 30, 54), ("CFX301", 23, 4, 30, 54), ("CFX401", 23, 4, 30, 54),
    ("CFX401", 46, 4, 54, 59), ("CFX401", 57, 4, 65, 59), ("CFX401", 68, 4, 75, 60),
    ("CFX401", 78, 4, 85, 60), ("CFX401", 208, 4, 220, 25), ("CFX401", 232, 4, 245, 30),
    ("CFX401", 263, 4, 268, 24), ("CFX201", 315, 4, 324, 40), ("CFX202", 315, 4, 324, 40),
    ("CFX401", 347, 4, 365, 42), ("CFX101", 375, 15, 375, 165), ("CFX401", 392, 4, 395, 40),
]


def _record(client: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)  # type: ignore[attr-defined]


def _registered(client: LanguageClient, params: lsp.RegistrationParams) -> None:
    client.registrations = params.registrations  # type: ignore[attr-defined]


def _make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]
    features = {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record,
                lsp.CLIENT_REGISTER_CAPABILITY: _registered}
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "cfnfix.cli", "server"],
                                              client_factory=_make_client))
async def client(lsp_client: LanguageClient, tmp_path):
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "cfnfix.cli", "server", "--debounce", "0"], client_factory=_make_client))
async def eager_client(lsp_client: LanguageClient, tmp_path):
    """A server that checks on every change at once: a second change meets the first one's analysis."""
    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


# -- helpers ----------------------------------------------------------------------------------


def offset(text: str, position: lsp.Position) -> int:
    """An LSP position (UTF-16 columns) as an offset of ``text``; written apart from the server's own."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:position.line])
    units = 0
    for i, c in enumerate(lines[position.line] if position.line < len(lines) else ""):
        if units >= position.character:
            return start + i
        units += 2 if ord(c) > 0xFFFF else 1
    return start + min(len(lines[position.line]) if position.line < len(lines) else 0, position.character)


def apply_edits(text: str, edits: list[lsp.TextEdit]) -> str:
    spans = sorted(((offset(text, e.range.start), offset(text, e.range.end), i, e.new_text)
                    for i, e in enumerate(edits)))
    pieces, done = [], 0
    for start, end, _, new in spans:
        assert start >= done, "overlapping edits"
        pieces += [text[done:start], new]
        done = end
    return "".join(pieces) + text[done:]


def edits_of(action: lsp.CodeAction, uri: str, version: int) -> list[lsp.TextEdit]:
    assert action.edit is not None and action.edit.changes is None
    (change,) = action.edit.document_changes
    assert (change.text_document.uri, change.text_document.version) == (uri, version)
    return list(change.edits)


async def published(client: LanguageClient, uri: str, version: int | None) -> lsp.PublishDiagnosticsParams:
    """The first diagnostics published for ``uri`` at ``version`` (a guard of 60 s against a hang only)."""
    async def wait():
        while True:
            for params in client.published:  # type: ignore[attr-defined]
                if params.uri == uri and params.version == version:
                    return params
            await asyncio.sleep(0.01)
    return await asyncio.wait_for(wait(), 60)


def summary(diagnostics) -> list[tuple]:
    return [(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in diagnostics]


def open_document(client: LanguageClient, path: Path, language: str, text: str | None = None) -> str:
    uri = path.as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(
        uri, language, 1, path.read_text(encoding="utf-8") if text is None else text)))
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(version, uri), [lsp.TextDocumentContentChangeWholeDocument(text)]))


def cfnfix_apply(path: Path, *args: str) -> str:
    """What `cfnfix apply ARGS` writes into a copy of ``path``."""
    target = path.parent / ("applied-" + path.name)
    shutil.copy(path, target)
    subprocess.run([sys.executable, "-m", "cfnfix.cli", "apply", str(target), *args], capture_output=True,
                   timeout=120)
    return target.read_text(encoding="utf-8")


def _example(tmp_path: Path, name: str = "template.yaml") -> Path:
    shutil.copy(EXAMPLE / name, tmp_path / name)
    # the example's integration tests beside it, as in the repository: CFX401 runs where tests are
    shutil.copytree(EXAMPLE / "tests", tmp_path / "tests", dirs_exist_ok=True)
    return tmp_path / name


# -- tests ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_diagnostics_then_the_cfx101_quick_fix_equals_apply_select_cfx101(client: LanguageClient, tmp_path):
    path = _example(tmp_path)
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, "yaml")
    first = await published(client, uri, 1)
    assert summary(first.diagnostics) == EXAMPLE_DIAGNOSTICS
    cfx101 = next(d for d in first.diagnostics if d.code == "CFX101")
    assert cfx101.severity == lsp.DiagnosticSeverity.Error and cfx101.source == "cfnfix"
    assert cfx101.code_description.href == \
        "https://github.com/cfnfix/cfnfix/blob/main/docs/rules/hardcoded-service-linked-role.md"
    assert cfx101.message.startswith("ScalableTarget ServiceAutoScalingTarget hard-codes the service-linked role")
    assert cfx101.message.endswith(" (safe fix: Add the role ServiceAutoScalingRole and use it in RoleARN)")
    cfx201 = next(d for d in first.diagnostics if d.code == "CFX201")
    assert "(unsafe fix: " in cfx201.message

    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), cfx101.range, lsp.CodeActionContext([cfx101])))
    titles = [(a.title, a.kind) for a in actions]
    fix = actions[0]
    assert fix.kind == lsp.CodeActionKind.QuickFix and fix.is_preferred and fix.title.startswith("CFX101: ")
    assert ("Disable CFX101 for resource ServiceAutoScalingTarget", lsp.CodeActionKind.QuickFix) in titles
    assert titles[-1] == ("cfnfix: fix all safe findings", "source.fixAll.cfnfix")
    edits = edits_of(fix, uri, 1)
    # the writer's splices: the new role and the RoleARN value, never the whole document
    assert len(edits) == 2 and all(len(e.new_text) < 700 for e in edits)
    assert all(e.range.end.line - e.range.start.line <= 1 for e in edits)
    fixed = apply_edits(text, edits)
    assert fixed == cfnfix_apply(path, "--select", "CFX101")

    change(client, uri, 2, fixed)
    second = await published(client, uri, 2)
    assert "CFX101" not in [d.code for d in second.diagnostics]
    assert len(second.diagnostics) == len(EXAMPLE_DIAGNOSTICS) - 1


@pytest.mark.asyncio
async def test_fix_all_action_equals_apply(client: LanguageClient, tmp_path):
    path = _example(tmp_path, "template.json")
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, "json")
    await published(client, uri, 1)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        lsp.CodeActionContext([], only=[lsp.CodeActionKind.SourceFixAll])))
    assert [(a.title, a.kind) for a in actions] == [("cfnfix: fix all safe findings", "source.fixAll.cfnfix")]
    edits = edits_of(actions[0], uri, 1)
    assert 1 < len(edits) < 20
    fixed = apply_edits(text, edits)
    assert fixed == cfnfix_apply(path)
    change(client, uri, 2, fixed)
    after = await published(client, uri, 2)
    assert [d.code for d in after.diagnostics] == ["CFX201"]  # unsafe: fix-all leaves it
    # nothing safe is left, so no fix-all action either
    again = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)),
        lsp.CodeActionContext([], only=[lsp.CodeActionKind.SourceFixAll])))
    assert list(again) == []


@pytest.mark.asyncio
async def test_syntax_error_is_one_diagnostic_and_the_server_keeps_running(client: LanguageClient, tmp_path):
    path = _example(tmp_path)
    good = path.read_text(encoding="utf-8")
    broken = good.replace("  VPC:\n", "  VPC: [\n", 1)
    uri = open_document(client, path, "yaml", broken)
    first = await published(client, uri, 1)
    (diagnostic,) = first.diagnostics
    assert diagnostic.severity == lsp.DiagnosticSeverity.Error and diagnostic.code is None
    # where `cfnfix check` puts it: broken.yaml:25:15
    assert diagnostic.range == lsp.Range(lsp.Position(24, 14), lsp.Position(24, 14))
    assert diagnostic.message == "while parsing a flow sequence, did not find expected ',' or ']'"
    # nothing to fix in a buffer that does not read
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), diagnostic.range, lsp.CodeActionContext([diagnostic])))
    assert list(actions) == []
    change(client, uri, 2, good)
    second = await published(client, uri, 2)
    assert summary(second.diagnostics) == EXAMPLE_DIAGNOSTICS


@pytest.mark.asyncio
async def test_a_change_while_the_analysis_is_in_flight_without_debounce(eager_client: LanguageClient, tmp_path):
    client = eager_client
    path = _example(tmp_path)
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, "yaml")
    await published(client, uri, 1)
    without_role = "\n".join(line for line in text.split("\n") if "RoleARN:" not in line)
    for version in range(2, 8):  # six changes back to back, each starting an analysis at once
        change(client, uri, version, without_role if version % 2 == 0 else text)
    last = await published(client, uri, 7)
    assert summary(last.diagnostics) == EXAMPLE_DIAGNOSTICS
    await asyncio.sleep(0.3)
    versions = [p.version for p in client.published if p.uri == uri]  # type: ignore[attr-defined]
    # never a stale version after a newer one, and nothing after the last
    assert versions == sorted(versions) and versions[-1] == 7
    # neovim's capabilities: no versioned document changes, so plain `changes`
    cfx101 = next(d for d in last.diagnostics if d.code == "CFX101")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), cfx101.range, lsp.CodeActionContext([cfx101])))
    edits = actions[0].edit.changes[uri]
    assert apply_edits(text, edits) == cfnfix_apply(path, "--select", "CFX101")


@pytest.mark.asyncio
async def test_a_change_while_diagnostics_are_in_flight(client: LanguageClient, tmp_path):
    path = _example(tmp_path)
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, "yaml")
    # version 2 drops the hard-coded role; version 3, sent right after, puts it back and breaks nothing else
    without_role = "\n".join(line for line in text.split("\n") if "RoleARN:" not in line)
    change(client, uri, 2, without_role)
    await asyncio.sleep(0.03)  # inside the server's debounce or its analysis of version 2
    change(client, uri, 3, text)
    third = await published(client, uri, 3)
    assert summary(third.diagnostics) == EXAMPLE_DIAGNOSTICS
    await asyncio.sleep(0.3)
    # whatever was published, it came in order of versions and ended with version 3
    versions = [p.version for p in client.published if p.uri == uri]  # type: ignore[attr-defined]
    assert versions == sorted(versions) and versions[-1] == 3
    assert client.diagnostics[uri] == third.diagnostics
    # and a code action asked for right after a change answers for the buffer as it is now
    change(client, uri, 4, without_role)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), lsp.Range(lsp.Position(0, 0), lsp.Position(400, 0)),
        lsp.CodeActionContext([])))
    assert not any(a.title.startswith("CFX101") for a in actions)
    assert all(edits_of(a, uri, 4) for a in actions if a.edit)


@pytest.mark.asyncio
async def test_disable_for_this_resource_adds_the_suppression(client: LanguageClient, tmp_path):
    path = _example(tmp_path)
    text = path.read_text(encoding="utf-8")
    uri = open_document(client, path, "yaml")
    first = await published(client, uri, 1)
    cfx101 = next(d for d in first.diagnostics if d.code == "CFX101")
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        lsp.TextDocumentIdentifier(uri), cfx101.range, lsp.CodeActionContext([cfx101], only=["quickfix"])))
    disable = next(a for a in actions if a.title.startswith("Disable"))
    (edit,) = edits_of(disable, uri, 1)
    assert edit.range.start == edit.range.end  # an insertion
    assert edit.new_text == ("    Metadata:\n      cfnfix:\n        ignore:\n          - code: CFX101\n"
                             '            reason: "TODO: say why this finding does not apply here"\n')
    disabled = apply_edits(text, [edit])
    change(client, uri, 2, disabled)
    second = await published(client, uri, 2)
    assert [d.code for d in second.diagnostics] == [c for c, *_ in EXAMPLE_DIAGNOSTICS if c != "CFX101"]


@pytest.mark.asyncio
async def test_hover_shows_the_rule_documentation(client: LanguageClient, tmp_path):
    path = _example(tmp_path)
    uri = open_document(client, path, "yaml")
    first = await published(client, uri, 1)
    cfx101 = next(d for d in first.diagnostics if d.code == "CFX101")
    hover = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri),
                                                                   cfx101.range.start))
    assert hover.contents.kind == lsp.MarkupKind.Markdown
    assert hover.contents.value.startswith("**CFX101** `hardcoded-service-linked-role` (critical)")
    assert "## What it does" in hover.contents.value and "## Fix safety" in hover.contents.value
    assert "\n\nOn a deployed stack it adds AWS::IAM::Role ServiceAutoScalingRole; modifies " \
           "AWS::ApplicationAutoScaling::ScalableTarget ServiceAutoScalingTarget.\n" in hover.contents.value
    assert hover.range == cfx101.range
    nothing = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(uri),
                                                                     lsp.Position(0, 0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_configuration_is_read_from_the_files_folder_up(client: LanguageClient, tmp_path):
    folder = tmp_path / "infra" / "stacks"
    folder.mkdir(parents=True)
    (tmp_path / "infra" / ".cfnfix.toml").write_text('select = ["CFX1"]\n')
    path = folder / "template.yaml"
    shutil.copy(EXAMPLE / "template.yaml", path)
    uri = open_document(client, path, "yaml")
    first = await published(client, uri, 1)
    assert [d.code for d in first.diagnostics] == ["CFX101"]
    # a broken configuration is one diagnostic naming the file
    (tmp_path / "infra" / ".cfnfix.toml").write_text('selekt = ["CFX1"]\n')
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    saved = None
    while saved is None:
        await asyncio.sleep(0.02)
        saved = next((p for p in client.published[1:] if p.uri == uri), None)  # type: ignore[attr-defined]
    (diagnostic,) = saved.diagnostics
    assert diagnostic.message == f"configuration: {tmp_path / 'infra' / '.cfnfix.toml'}: unknown key 'selekt'"


@pytest.mark.asyncio
async def test_buffers_that_are_not_templates_get_no_diagnostics(client: LanguageClient, tmp_path):
    compose = tmp_path / "docker-compose.yml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x",\n')
    uri = open_document(client, compose, "yaml")
    other = open_document(client, broken, "json")
    assert list((await published(client, uri, 1)).diagnostics) == []
    assert list((await published(client, other, 1)).diagnostics) == []
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
