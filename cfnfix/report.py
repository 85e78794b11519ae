"""Findings as text, JSON, SARIF 2.1.0 or GitHub annotations."""

from __future__ import annotations

import json
import os
from typing import Any, Sequence

from . import __version__
from .engine import CheckResult
from .rule import Finding

_MARK = {"safe": " [*]", "unsafe": " [~]"}


def _fix_mark(finding: Finding) -> str:
    return _MARK.get(finding.fix.safety, "") if finding.fix else ""


def summary(results: Sequence[CheckResult]) -> dict[str, int]:
    checked = [r for r in results if not r.skipped]
    return {
        "files": len(checked),
        "findings": sum(len(r.findings) for r in checked),
        "fixable": sum(r.fixable for r in checked),
        "errors": sum(1 for r in checked if r.error),
        "suppressed": sum(r.suppressed for r in checked),
    }


def text(results: Sequence[CheckResult]) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            lines.append(f"{result.path or '-'}:{f.line or 1}:{f.column or 1}: {f.code}{_fix_mark(f)} {f.message}")
    s = summary(results)
    if s["findings"]:
        unsafe = sum(1 for r in results for f in r.findings if f.fix and f.fix.safety == "unsafe")
        tail = f"Found {s['findings']} finding{'s' * (s['findings'] != 1)}"
        safe = s["fixable"] - unsafe
        details = []
        if safe:
            details.append(f"{safe} fixable with `cfnfix apply`")
        if unsafe:
            details.append(f"{unsafe} more with `cfnfix apply --unsafe-fixes`")
        if s["suppressed"]:
            details.append(f"{s['suppressed']} suppressed")
        lines.append(tail + (f" ({'; '.join(details)})" if details else "") + ".")
    elif s["files"] and not s["errors"]:
        lines.append("All checks passed." + (f" ({s['suppressed']} suppressed)" if s["suppressed"] else ""))
    return "\n".join(lines) + ("\n" if lines else "")


def to_json(results: Sequence[CheckResult]) -> str:
    files = []
    for r in results:
        if r.skipped:
            continue
        error = None
        if r.error:
            error = {"message": r.error.message, "line": r.error.line, "column": r.error.column}
        files.append({"path": r.path, "format": r.format, "error": error,
                      "findings": [f.to_json() for f in r.findings]})
    return json.dumps({"version": __version__, "files": files, "summary": summary(results)}, indent=2) + "\n"


def github(results: Sequence[CheckResult]) -> str:
    lines = []
    for r in results:
        if r.error:
            e = r.error
            lines.append(f"::error file={r.path},line={e.line or 1},col={e.column or 1},title=cfnfix::{_esc(e.message)}")
        for f in r.findings:
            level = "error" if f.severity in ("critical", "high") else "warning"
            lines.append(f"::{level} file={r.path},line={f.line or 1},col={f.column or 1},"
                         f"endLine={f.end_line or f.line or 1},endColumn={f.end_column or f.column or 1},"
                         f"title={f.code}::{_esc(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _esc(message: str) -> str:
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def sarif(results: Sequence[CheckResult],
          fix_texts: dict[str, tuple[tuple[str, str] | None, ...]] | None = None) -> str:
    """SARIF 2.1.0; ``fix_texts`` gives, per path and finding, (original, fixed) for its replacement."""
    from .rules import all_rules

    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    sarif_rules = [{
        "id": rule.code, "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc_sections().get("What it does", rule.summary)},
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"severity": rule.severity},
    } for rule in rules]
    sarif_results: list[dict[str, Any]] = []
    notifications = []
    for r in results:
        uri = _uri(r.path)
        if r.error:
            notifications.append({"level": "error", "message": {"text": r.error.message},
                                  "locations": [_location(uri, r.error.line or 1, r.error.column or 1, None, None)]})
        texts = (fix_texts or {}).get(r.path or "", ())
        for number, f in enumerate(r.findings):
            item: dict[str, Any] = {
                "ruleId": f.code, "level": _LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [_location(uri, f.line or 1, f.column or 1, f.end_line, f.end_column)],
                "properties": {"pointer": f.pointer, "resource": f.resource},
            }
            if f.code in index:
                item["ruleIndex"] = index[f.code]
            if f.fix and number < len(texts) and texts[number] is not None:
                fix = _fix(uri, f.fix.title, *texts[number])
                fix["properties"] = {"safety": f.fix.safety.value, "reason": f.fix.reason,
                                     "impact": f.fix.impact.to_json() if f.fix.impact else None}
                item["fixes"] = [fix]
            sarif_results.append(item)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "cfnfix", "version": __version__, "semanticVersion": __version__,
                            "informationUri": "https://github.com/cfnfix/cfnfix", "rules": sarif_rules}},
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    if notifications:
        run["invocations"] = [{"executionSuccessful": False, "toolExecutionNotifications": notifications}]
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def _uri(path: str | None) -> str:
    if not path:
        return "template"
    rel = os.path.relpath(path) if os.path.isabs(path) else path
    return rel.replace(os.sep, "/")


def _location(uri: str, line: int, column: int, end_line: int | None, end_column: int | None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": line, "startColumn": column}
    if end_line:
        region["endLine"] = end_line
        region["endColumn"] = end_column or column
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}


def _fix(uri: str, title: str, original: str, fixed: str) -> dict[str, Any]:
    """The whole change as one replacement of the span where the texts differ (character offsets)."""
    start = 0
    limit = min(len(original), len(fixed))
    while start < limit and original[start] == fixed[start]:
        start += 1
    end_a, end_b = len(original), len(fixed)
    while end_a > start and end_b > start and original[end_a - 1] == fixed[end_b - 1]:
        end_a -= 1
        end_b -= 1
    return {"description": {"text": title}, "artifactChanges": [{
        "artifactLocation": {"uri": uri},
        "replacements": [{"deletedRegion": {"charOffset": start, "charLength": end_a - start},
                          "insertedContent": {"text": fixed[start:end_b]}}],
    }]}
