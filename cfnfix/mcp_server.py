"""`cfnfix mcp`: a Model Context Protocol server (stdio) with the tools check, fix and explain."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from . import __version__
from .config import settings_for
from .parse.document import Document
from .engine import check_document, fix_document, load
from .errors import CfnfixError, Problem
from .fileio import read_bytes, write_atomic
from .rule import Finding
from .rules import all_rules, find_rule
from .settings import Settings

IMPACT_KEYS = ("adds", "modifies", "replaces", "removes", "parameters_added", "parameters_removed")
INSTRUCTIONS = """\
cfnfix finds known failure classes in AWS CloudFormation templates (YAML or JSON) and repairs them
with minimal edits that keep the file's formatting. Call `check` on a template you wrote or were
given, `fix` to get the repaired text (it writes a file only with a path and write: true), and
`explain` for a rule's documentation. Safe fixes are applied by default; unsafe ones need
unsafe_fixes: true and deserve a look at their impact first."""

Text = Annotated[str | None, Field(description="the template's text (give this or path)")]
PathArg = Annotated[str | None, Field(description="a template file, relative to the server's working folder "
                                                  "(give this or text)")]
Filename = Annotated[str | None, Field(description="a name for text: its suffix (.yaml, .json) gives the format, "
                                                   "its folder the configuration")]
Codes = Annotated[list[str] | None, Field(description="rule codes or prefixes, e.g. [\"CFX1\", \"CFX301\"]")]


@dataclasses.dataclass(frozen=True)
class Source:
    """A template to work on: its document, the name errors carry, and its settings."""

    doc: Document
    name: str
    path: str | None
    settings: Settings


class Tools:
    """The tools' work, apart from the protocol: each raises ToolError for what the caller got wrong."""

    def __init__(self, root: Path):
        self.root = root.resolve()

    def _inside(self, path: str) -> Path:
        target = Path(os.path.realpath(self.root / path))
        if not target.is_relative_to(self.root):
            raise ToolError(f"{path}: outside the working folder {self.root}; cfnfix writes only inside it")
        return target

    def source(self, text: str | None, path: str | None, filename: str | None,
               overrides: dict[str, Any]) -> Source:
        if (text is None) == (path is None):
            raise ToolError("give either text (the template) or path (a template file), not both or neither")
        name = path if path is not None else filename
        where = str(self.root / (name or "template"))
        try:
            settings = settings_for(where, overrides)
            raw = read_bytes(where) if path is not None else text.encode("utf-8", "surrogatepass")  # type: ignore[union-attr]
            doc = load(raw, name)
        except CfnfixError as exc:
            raise ToolError(str(exc.problem.at(name or "<text>"))) from None
        return Source(doc, name or "<text>", where if path is not None else None, settings)

    def check(self, text: str | None, path: str | None, filename: str | None,
              select: list[str] | None, ignore: list[str] | None) -> dict[str, Any]:
        source = self.source(text, path, filename, _overrides(select, ignore, None))
        result = check_document(source.doc, source.settings, source.name)
        _raise(result.error, source.name)
        findings = [_finding_json(f) for f in result.findings]
        return {"path": source.name, "format": source.doc.format, "findings": findings,
                "summary": {"findings": len(findings), "fixable": result.fixable, "suppressed": result.suppressed}}

    def fix(self, text: str | None, path: str | None, filename: str | None, unsafe_fixes: bool,
            select: list[str] | None, ignore: list[str] | None, write: bool) -> dict[str, Any]:
        if write and path is None:
            raise ToolError("write: true needs a path; for text, the fixed text is in the answer")
        target = self._inside(path) if write and path is not None else None
        source = self.source(text, path, filename, _overrides(select, ignore, unsafe_fixes))
        result = fix_document(source.doc, source.settings, source.name)
        _raise(result.error, source.name)
        written = False
        if target is not None and result.changed:
            try:
                write_atomic(str(target), result.new_bytes)
            except CfnfixError as exc:
                raise ToolError(str(exc.problem.at(source.name))) from None
            written = True
        applied = [{"code": f.code, "resource": f.resource, "pointer": f.pointer,
                    **(_fix_json(f) or {})} for f in result.applied]
        return {"path": source.name, "format": source.doc.format, "changed": result.changed, "written": written,
                "text": result.text, "patch": [dict(op) for op in result.patch], "diff": result.diff,
                "applied": applied, "remaining": [_finding_json(f) for f in result.remaining],
                "impact": _combined_impact([a.get("impact") for a in applied])}

    def explain(self, rule: str) -> str:
        found = find_rule(rule)
        if found is None:
            codes = ", ".join(r.code for r in all_rules())
            raise ToolError(f"no rule {rule!r}; the rules are {codes}")
        return f"# {found.name} ({found.code})\n\nSeverity: {found.severity}. Fix: {found.fix_title}.\n\n{found.doc()}"


def _overrides(select: list[str] | None, ignore: list[str] | None, unsafe_fixes: bool | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if select:
        overrides["select"] = tuple(select)
    if ignore:
        overrides["ignore"] = tuple(ignore)
    if unsafe_fixes is not None:
        overrides["unsafe_fixes"] = unsafe_fixes
    return overrides


def _raise(problem: Problem | None, name: str) -> None:
    if problem is not None:
        raise ToolError(str(problem.at(name)))


def _plain(value: Any) -> Any:
    """A fix's impact as JSON data, whether the rule kit gives a mapping or a dataclass."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _fix_json(finding: Finding) -> dict[str, Any] | None:
    if finding.fix is None:
        return None
    data: dict[str, Any] = {"title": finding.fix.title, "safety": str(finding.fix.safety)}
    # the rule kit adds a reason and an impact to fixes; used when there
    for extra in ("reason", "impact"):
        value = getattr(finding.fix, extra, None)
        if value is not None:
            data[extra] = _plain(value)
    return data


def _finding_json(finding: Finding) -> dict[str, Any]:
    data = finding.to_json()
    if data.get("fix") is not None:
        data["fix"] = {**data["fix"], **(_fix_json(finding) or {})}
    return data


def _combined_impact(impacts: list[Any]) -> dict[str, list[Any]] | None:
    """The impacts of all applied fixes in one, each list in order without repeats; None when no fix said."""
    known = [i for i in impacts if isinstance(i, dict)]
    if not known:
        return None
    combined: dict[str, list[Any]] = {key: [] for key in IMPACT_KEYS}
    for impact in known:
        for key, values in impact.items():
            bucket = combined.setdefault(key, [])
            for value in values if isinstance(values, (list, tuple)) else [values]:
                if value not in bucket:
                    bucket.append(value)
    return combined


def make_server(root: Path) -> MCPServer:
    tools = Tools(root)
    server = MCPServer("cfnfix", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    reading = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

    @server.tool(annotations=reading)
    def check(text: Text = None, path: PathArg = None, filename: Filename = None,
              select: Codes = None, ignore: Codes = None) -> dict[str, Any]:
        """Check a CloudFormation template: its findings (code, severity, message, pointer, line and column,
        and the fix if there is one), as `cfnfix check --format json` gives them."""
        return tools.check(text, path, filename, select, ignore)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                             open_world_hint=False))
    def fix(text: Text = None, path: PathArg = None, filename: Filename = None,
            unsafe_fixes: Annotated[bool, Field(description="apply unsafe fixes too")] = False,
            select: Codes = None, ignore: Codes = None,
            write: Annotated[bool, Field(description="write the fixed text back to path (inside the working "
                                                     "folder); otherwise nothing is written")] = False,
            ) -> dict[str, Any]:
        """Fix a CloudFormation template: the fixed text, the RFC 6902 patch, a unified diff, the fixes
        applied (with their impact on a deployed stack where known) and the findings that remain."""
        return tools.fix(text, path, filename, unsafe_fixes, select, ignore, write)

    @server.tool(annotations=reading)
    def explain(rule: Annotated[str, Field(description="a rule code (CFX101) or name "
                                                       "(hardcoded-service-linked-role)")]) -> str:
        """A rule's documentation in Markdown: what it finds, why that fails, the fix, its safety, its options."""
        return tools.explain(rule)

    return server


def main(root: str | None = None) -> int:
    make_server(Path(root or os.getcwd())).run("stdio")
    return 0

