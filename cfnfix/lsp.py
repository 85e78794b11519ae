"""`cfnfix server`: a language server over stdio (pygls) with findings, quick fixes and rule docs."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from . import config as cfnconfig
from .parse.document import BOM, Document
from .engine import NotATemplate, check_document, fix_document, load
from .errors import CfnfixError, Problem
from .rule import Finding
from .rules import find_rule
from .settings import Settings

DOCS_URL = "https://github.com/cfnfix/cfnfix/blob/main/docs/rules/{name}.md"
CFN_LINT_DOCS_URL = "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md"
FIX_ALL_KIND = "source.fixAll.cfnfix"
CONFIG_NAMES = ("pyproject.toml", ".cfnfix.toml")
# Long enough to skip the states between two keystrokes, short enough that diagnostics keep up.
DEBOUNCE_SECONDS = 0.05
REASON_PLACEHOLDER = "TODO: say why this finding does not apply here"
SEVERITY = {"critical": lsp.DiagnosticSeverity.Error, "high": lsp.DiagnosticSeverity.Error,
            "medium": lsp.DiagnosticSeverity.Warning, "low": lsp.DiagnosticSeverity.Information}

log = logging.getLogger(__name__)


# -- positions --------------------------------------------------------------------------------


class Positions:
    """Offsets of a buffer's text as LSP positions and back, in the negotiated encoding.

    LSP counts a line break as ``\\n``, ``\\r\\n`` or ``\\r``, and columns in UTF-16 code units
    unless the client offered another encoding; cfnfix's own positions count lines by ``\\n`` and
    columns in code points, so everything goes through offsets.
    """

    def __init__(self, text: str, encoding: str = lsp.PositionEncodingKind.Utf16):
        self.text = text
        self.encoding = encoding
        starts = [0]
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c == "\n" or (c == "\r" and (i + 1 == n or text[i + 1] != "\n")):
                starts.append(i + 1)
            i += 1
        self.starts = starts

    def _units(self, chunk: str) -> int:
        if self.encoding == lsp.PositionEncodingKind.Utf8:
            return len(chunk.encode("utf-8", "surrogatepass"))
        if self.encoding == lsp.PositionEncodingKind.Utf32:
            return len(chunk)
        return len(chunk) + sum(1 for c in chunk if ord(c) > 0xFFFF)

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return lsp.Position(line, self._units(self.text[self.starts[line]:offset]))

    def offset(self, position: lsp.Position) -> int:
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        units = 0
        for i in range(start, end):
            if units >= position.character or self.text[i] in "\r\n":
                return i
            units += self._units(self.text[i])
        return end

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))


def _line_starts(text: str) -> list[int]:
    """Where lines start as cfnfix counts them (by ``\\n``), to turn its line and column into offsets."""
    starts = [0]
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


# -- analysis ---------------------------------------------------------------------------------


@dataclass
class Located:
    """A finding with its span as offsets of the buffer."""

    finding: Finding
    start: int
    end: int


@dataclass
class Analysis:
    """What cfnfix makes of one version of one buffer."""

    uri: str
    version: int | None
    text: str
    positions: Positions
    doc: Document | None = None
    path: str | None = None
    settings: Settings | None = None
    findings: list[Located] = field(default_factory=list)
    problem: Problem | None = None  # the buffer does not read, or its configuration does not
    shift: int = 0  # 1 when the buffer starts with a BOM, which the document's text leaves out

    def diagnostics(self) -> list[lsp.Diagnostic]:
        if self.problem is not None:
            return [self._problem_diagnostic(self.problem)]
        return [self._diagnostic(located) for located in self.findings]

    def _problem_diagnostic(self, problem: Problem) -> lsp.Diagnostic:
        offset = self.shift
        if problem.line is not None:
            starts = _line_starts(self.text[self.shift:])
            if problem.line - 1 < len(starts):
                offset += starts[problem.line - 1] + max(0, (problem.column or 1) - 1)
        where = self.positions.position(offset)
        return lsp.Diagnostic(lsp.Range(where, where), problem.message, lsp.DiagnosticSeverity.Error,
                              source="cfnfix")

    def _diagnostic(self, located: Located) -> lsp.Diagnostic:
        f = located.finding
        message = f.message
        if f.fix is not None:
            message += f" ({f.fix.safety} fix: {f.fix.title})"
        href = DOCS_URL.format(name=f.name) if f.code.startswith("CFX") else CFN_LINT_DOCS_URL
        return lsp.Diagnostic(self.positions.range(located.start, located.end), message,
                              SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning), code=f.code,
                              code_description=lsp.CodeDescription(href), source="cfnfix",
                              data={"pointer": f.pointer})

    def at(self, start: int, end: int) -> list[Located]:
        """Findings whose span meets the offsets ``start``..``end``."""
        return [x for x in self.findings if x.start <= end and start <= x.end]


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


def analyse(uri: str, text: str, version: int | None, language_id: str | None,
            encoding: str = lsp.PositionEncodingKind.Utf16) -> Analysis:
    """Read, configure and check one buffer; never raises for what the buffer or its configuration holds."""
    result = Analysis(uri, version, text, Positions(text, encoding), path=_path(uri),
                      shift=1 if text.startswith(BOM) else 0)
    name = result.path or ("untitled.json" if language_id == "json" else "untitled.yaml")
    try:
        result.settings = cfnconfig.settings_for(result.path or os.path.join(os.getcwd(), name), {})
    except CfnfixError as exc:
        result.problem = Problem(f"configuration: {exc.problem}")
        return result
    try:
        # read as a file met in a folder is read: what is not a template gets no diagnostics
        doc = load(text.encode("utf-8", "surrogatepass"), name, named=False)
    except NotATemplate:
        return result
    except CfnfixError as exc:
        result.problem = exc.problem
        return result
    result.doc = doc
    checked = check_document(doc, result.settings, result.path)
    if checked.error is not None:
        result.problem = checked.error
        return result
    starts = _line_starts(doc.text)
    for finding in checked.findings:
        result.findings.append(Located(finding, *_offsets(finding, starts, result.shift, len(text))))
    return result


def _offsets(finding: Finding, starts: list[int], shift: int, size: int) -> tuple[int, int]:
    def offset(line: int | None, column: int | None) -> int:
        if line is None or line - 1 >= len(starts):
            return shift
        return min(size, shift + starts[line - 1] + (column or 1) - 1)

    return offset(finding.line, finding.column), offset(finding.end_line, finding.end_column)


# -- edits ------------------------------------------------------------------------------------


def _text_edits(analysis: Analysis, edits) -> list[lsp.TextEdit]:
    shift = analysis.shift
    return [lsp.TextEdit(analysis.positions.range(e.start + shift, e.end + shift), e.text) for e in edits]


def fix_edits(analysis: Analysis, located: Located) -> list[lsp.TextEdit] | str:
    """The edits of one finding's fix, or why there are none."""
    from .write.writer import EditLog, write

    assert analysis.doc is not None and located.finding.fix is not None
    edit_log = EditLog(len(analysis.doc.text))
    try:
        write(analysis.doc, [dict(op) for op in located.finding.fix.patch], log=edit_log)
    except CfnfixError as exc:
        return exc.problem.message
    return _text_edits(analysis, edit_log.edits())


def fix_all_edits(analysis: Analysis) -> list[lsp.TextEdit] | str:
    """The edits of every safe fix, in as many passes as `cfnfix apply` takes."""
    assert analysis.doc is not None and analysis.settings is not None
    settings = analysis.settings.model_copy(update={"unsafe_fixes": False})
    fixed = fix_document(analysis.doc, settings, analysis.path)
    if fixed.error is not None:
        return fixed.error.message
    return _text_edits(analysis, fixed.edits)


def suppression_ops(data: dict[str, Any], finding: Finding) -> list[dict[str, Any]] | None:
    """RFC 6902 operations that add ``Metadata: {cfnfix: {ignore: [{code, reason}]}}`` to the finding's
    resource (the template, for a finding about the whole template); None where that cannot be said."""
    from .pointer import join

    entry = {"code": finding.code, "reason": REASON_PLACEHOLDER}
    base: tuple[str, ...] = ("Resources", finding.resource) if finding.resource else ()
    owner = data["Resources"].get(finding.resource) if finding.resource else data
    if not isinstance(owner, dict):
        return None
    metadata = owner.get("Metadata")
    if metadata is None:
        op: dict[str, Any] = {"op": "add", "path": join((*base, "Metadata")), "value": {"cfnfix": {"ignore": [entry]}}}
        if base and "Properties" in owner:
            op["position"] = {"before": join((*base, "Properties"))}
        return [op]
    if not isinstance(metadata, dict):
        return None
    block = metadata.get("cfnfix")
    if block is None:
        return [{"op": "add", "path": join((*base, "Metadata", "cfnfix")), "value": {"ignore": [entry]}}]
    if isinstance(block, dict) and isinstance(block.get("ignore"), list):
        return [{"op": "add", "path": join((*base, "Metadata", "cfnfix", "ignore", "-")), "value": entry}]
    return None


def suppression_edits(analysis: Analysis, located: Located) -> list[lsp.TextEdit] | str | None:
    from .write.writer import EditLog, write

    assert analysis.doc is not None
    ops = suppression_ops(analysis.doc.data, located.finding)
    if ops is None:
        return None
    edit_log = EditLog(len(analysis.doc.text))
    try:
        write(analysis.doc, ops, log=edit_log)
    except CfnfixError as exc:
        return exc.problem.message
    return _text_edits(analysis, edit_log.edits())


def hover_text(located: Located) -> str:
    f = located.finding
    rule = find_rule(f.code) if f.code.startswith("CFX") else None
    head = f"**{f.code}** `{f.name}` ({f.severity})\n\n{f.message}"
    if f.fix is not None:
        head += f"\n\nFix ({f.fix.safety}): {f.fix.title}."
        # the rule kit's reason for the safety and the fix's impact on a deployed stack, where given
        reason = getattr(f.fix, "reason", None)
        if reason:
            head += f" {reason}"
        impact = getattr(f.fix, "impact", None)
        lines = impact.lines() if impact is not None and hasattr(impact, "lines") else []
        if lines:
            head += "\n\nOn a deployed stack it " + "; ".join(lines) + "."
    if rule is None:
        return head
    return f"{head}\n\n---\n\n{rule.doc()}"


# -- the server -------------------------------------------------------------------------------


class CfnfixServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE_SECONDS):
        super().__init__("cfnfix", __version__)
        self.debounce = debounce
        self.analyses: dict[str, Analysis] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        # one analysis or fix at a time: rules and settings are shared, and a rule may keep what it
        # found while detecting for its fixes
        self.lock = threading.Lock()

    # what the client can take
    @property
    def encoding(self) -> str:
        return self.server_capabilities.position_encoding or lsp.PositionEncodingKind.Utf16

    def _versioned_edits(self) -> bool:
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace else None
        return bool(edit and edit.document_changes)

    def _disabled_support(self) -> bool:
        document = self.client_capabilities.text_document
        code_action = document.code_action if document else None
        return bool(code_action and code_action.disabled_support)

    def workspace_edit(self, analysis: Analysis, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
        if self._versioned_edits():
            document = lsp.OptionalVersionedTextDocumentIdentifier(analysis.uri, analysis.version)
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(document, list(edits))])
        return lsp.WorkspaceEdit(changes={analysis.uri: list(edits)})

    # analysis
    def current(self, uri: str) -> Analysis | None:
        """The analysis of the buffer as it is now, made now if the last one is older."""
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        known = self.analyses.get(uri)
        if known is not None and known.version == document.version and known.text == document.source:
            return known
        with self.lock:
            analysis = analyse(uri, document.source, document.version, document.language_id, self.encoding)
        self.analyses[uri] = analysis
        return analysis

    def _analyse_locked(self, uri: str, text: str, version: int | None, language_id: str | None) -> Analysis:
        with self.lock:
            return analyse(uri, text, version, language_id, self.encoding)

    def schedule(self, uri: str, delay: float) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return
        text, version = document.source, document.version
        try:
            analysis = await asyncio.to_thread(self._analyse_locked, uri, text, version, document.language_id)
        except Exception as exc:  # noqa: BLE001 - the one boundary: a bug in cfnfix must not stop the server
            log.exception("analysis of %s failed", uri)
            analysis = Analysis(uri, version, text, Positions(text, self.encoding),
                                problem=Problem(f"internal error ({type(exc).__name__}: {exc}); please report it"))
        now = self.workspace.text_documents.get(uri)
        if now is None or now.version != version:
            return  # the buffer changed while it was read: the newer version's diagnostics follow
        self.analyses[uri] = analysis
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri, analysis.diagnostics(), version=version))

    def closed(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.analyses.pop(uri, None)
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, []))

    def config_changed(self) -> None:
        cfnconfig.forget()
        self.analyses.clear()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # code actions
    def code_actions(self, analysis: Analysis | None, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        if analysis is None or analysis.doc is None:
            return []
        only = params.context.only
        wants = lambda kind: not only or any(kind == k or kind.startswith(k + ".") for k in only)  # noqa: E731
        actions: list[lsp.CodeAction] = []
        start = analysis.positions.offset(params.range.start)
        end = analysis.positions.offset(params.range.end)
        diagnostics = analysis.diagnostics()
        if wants(lsp.CodeActionKind.QuickFix):
            for located, diagnostic in zip(analysis.findings, diagnostics):
                if located.start <= end and start <= located.end:
                    actions += self._quick_fixes(analysis, located, diagnostic)
        if wants(FIX_ALL_KIND) and any(x.finding.fix and x.finding.fix.safety == "safe" for x in analysis.findings):
            edits = fix_all_edits(analysis)
            if isinstance(edits, list) and edits:
                actions.append(lsp.CodeAction("cfnfix: fix all safe findings", kind=FIX_ALL_KIND,
                                              edit=self.workspace_edit(analysis, edits)))
        return actions

    def _quick_fixes(self, analysis: Analysis, located: Located, diagnostic: lsp.Diagnostic) -> list[lsp.CodeAction]:
        f = located.finding
        actions: list[lsp.CodeAction] = []
        if f.fix is not None and f.fix.safety != "display-only":
            unsafe = " (unsafe)" if f.fix.safety == "unsafe" else ""
            title = f"{f.code}: {f.fix.title}{unsafe}"
            edits = fix_edits(analysis, located)
            if isinstance(edits, str):
                if self._disabled_support():  # shown greyed out with why; else left out
                    actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix,
                                                  diagnostics=[diagnostic], disabled=lsp.CodeActionDisabled(edits)))
            else:
                actions.append(lsp.CodeAction(title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                              is_preferred=f.fix.safety == "safe",
                                              edit=self.workspace_edit(analysis, edits)))
        if f.code.startswith("CFX") and f.code != "CFX000":
            edits = suppression_edits(analysis, located)
            if isinstance(edits, list):
                where = f"resource {f.resource}" if f.resource else "this template"
                actions.append(lsp.CodeAction(f"Disable {f.code} for {where}", kind=lsp.CodeActionKind.QuickFix,
                                              diagnostics=[diagnostic], edit=self.workspace_edit(analysis, edits)))
        return actions

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        analysis = self.current(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.positions.offset(params.position)
        found = analysis.at(offset, offset)
        if not found:
            return None
        located = found[0]
        return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, "\n\n---\n\n".join(hover_text(x) for x in found)),
                         range=analysis.positions.range(located.start, located.end))


def make_server(debounce: float = DEBOUNCE_SECONDS) -> CfnfixServer:
    server = CfnfixServer(debounce)

    @server.feature(lsp.INITIALIZED)
    def initialized(ls: CfnfixServer, params: lsp.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace else None
        if watched and watched.dynamic_registration:
            watchers = [lsp.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]
            ls.client_register_capability(lsp.RegistrationParams([lsp.Registration(
                "cfnfix-config", lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                lsp.DidChangeWatchedFilesRegistrationOptions(watchers))]))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CfnfixServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CfnfixServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: CfnfixServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if os.path.basename(params.text_document.uri) in CONFIG_NAMES:
            ls.config_changed()
            return
        cfnconfig.forget()  # a configuration file may have changed outside the editor
        ls.analyses.pop(params.text_document.uri, None)
        ls.schedule(params.text_document.uri, 0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CfnfixServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.closed(params.text_document.uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: CfnfixServer, params: lsp.DidChangeWatchedFilesParams) -> None:
        ls.config_changed()

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(
        code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL_KIND]))
    def code_action(ls: CfnfixServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        analysis = ls.current(params.text_document.uri)
        with ls.lock:
            return ls.code_actions(analysis, params)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: CfnfixServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.hover(params)

    return server


def main(debounce: float = DEBOUNCE_SECONDS) -> int:
    logging.basicConfig(level=logging.WARNING, format="cfnfix server: %(message)s")
    make_server(debounce).start_io()
    return 0
