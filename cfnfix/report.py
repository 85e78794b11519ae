"""Findings as text, JSON, SARIF 2.1.0 or GitHub annotations."""

from __future__ import annotations

import dataclasses
import json
import os
from urllib.parse import quote
from typing import Any, Sequence

from . import __version__
from .engine import CheckResult, FixResult
from .errors import printable
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


_ANSI = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "blue": "34", "cyan": "36", "green": "32"}
_SEVERITY_COLOR = {"critical": "red", "high": "red", "medium": "yellow", "low": "blue"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"\033[{_ANSI[style]}m{text}\033[0m" if color and text else text


def finding_line(path: str | None, f: Finding, color: bool = False) -> str:
    where = _paint(f"{printable(path or '-')}:{f.line or 1}:{f.column or 1}:", "bold", color)
    mark = _paint(_fix_mark(f), "cyan", color)
    return f"{where} {_paint(f.code, _SEVERITY_COLOR[f.severity], color)}{mark} {f.message}"


def fix_lines(fix: Any, color: bool = False, indent: str = "    ") -> list[str]:
    """What --show-fixes prints of a fix: its title and safety, why it has that safety, its impact."""
    lines = [f"{indent}{_paint('fix', 'green', color)} ({fix.safety}): {fix.title}"]
    reason = getattr(fix, "reason", None)  # a rule kit field; shown when the fix has one
    if reason:
        lines.append(f"{indent}why {fix.safety}: {reason}")
    impact = _impact(getattr(fix, "impact", None))
    if impact:
        lines.append(f"{indent}impact: {impact}")
    return lines


def _impact(impact: Any) -> str:
    if impact is None:
        return ""
    if hasattr(impact, "to_json"):
        impact = impact.to_json()
    elif dataclasses.is_dataclass(impact) and not isinstance(impact, type):
        impact = dataclasses.asdict(impact)
    if not isinstance(impact, dict):
        return str(impact)
    parts = []
    for key, value in impact.items():
        if value:
            shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple, set, frozenset)) else str(value)
            parts.append(f"{key.replace('_', ' ')} {shown}")
    return "; ".join(parts) or "nothing deployed changes"


def _markers(safe: int, unsafe: int) -> list[str]:
    details = []
    if safe:
        details.append(f"{safe} fixable with `cfnfix apply`, marked [*]")
    if unsafe:
        details.append(f"{unsafe} more with `cfnfix apply --unsafe-fixes`, marked [~]")
    return details


def text(results: Sequence[CheckResult], color: bool = False, quiet: bool = False, show_fixes: bool = False) -> str:
    lines = []
    for result in results:
        for f in result.findings:
            lines.append(finding_line(result.path, f, color))
            if show_fixes and f.fix is not None:
                lines += fix_lines(f.fix, color)
    s = summary(results)
    if quiet:
        pass
    elif s["findings"]:
        unsafe = sum(1 for r in results for f in r.findings if f.fix and f.fix.safety == "unsafe")
        tail = f"Found {s['findings']} finding{'s' * (s['findings'] != 1)}"
        details = _markers(s["fixable"] - unsafe, unsafe)
        if s["suppressed"]:
            details.append(f"{s['suppressed']} suppressed")
        lines.append(tail + (f" ({'; '.join(details)})" if details else "") + ".")
    elif s["files"] and not s["errors"]:
        lines.append("All checks passed." + (f" ({s['suppressed']} suppressed)" if s["suppressed"] else ""))
    return "\n".join(lines) + ("\n" if lines else "")


def statistics(results: Sequence[CheckResult], fmt: str = "text") -> str:
    """Counts by rule, most frequent first, as `ruff --statistics` prints them."""
    counts: dict[str, list[Finding]] = {}
    for result in results:
        for f in result.findings:
            counts.setdefault(f.code, []).append(f)
    ranked = sorted(counts.items(), key=lambda item: (-len(item[1]), item[0]))
    rows = [{"code": code, "name": found[0].name, "count": len(found),
             "fixable": sum(1 for f in found if f.fix is not None and f.fix.safety != "display-only")}
            for code, found in ranked]
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(r["count"])) for r in rows), default=1)
    lines = []
    for (code, found), row in zip(ranked, rows):
        safeties = {f.fix.safety for f in found if f.fix is not None}
        mark = "[*]" if "safe" in safeties else "[~]" if "unsafe" in safeties else "   "
        lines.append(f"{row['count']:>{width}}  {code}  {mark} {row['name']}")
    return "\n".join(lines) + ("\n" if lines else "")


def apply_text(results: Sequence[CheckResult], fixes: Sequence[FixResult], color: bool = False,
               quiet: bool = False, show_fixes: bool = False) -> str:
    """What remains, each changed file with its count, and the summary line."""
    lines = [finding_line(r.path, f, color) for r in results for f in r.findings]
    for fixed in fixes:
        if fixed.changed:
            n = len(fixed.applied)
            if not quiet:
                lines.append(f"{printable(fixed.path)}: fixed {n} finding{'s' * (n != 1)}")
            if show_fixes:
                for f in fixed.applied:
                    assert f.fix is not None
                    lines.append(f"    {f.code} {f.pointer or '/'}")
                    lines += fix_lines(f.fix, color, indent="      ")
    if quiet:
        return "\n".join(lines) + ("\n" if lines else "")
    applied = sum(len(f.applied) for f in fixes)
    changed = sum(1 for f in fixes if f.changed)
    remaining = [f for r in results for f in r.findings]
    line = f"Fixed {applied} finding{'s' * (applied != 1)} in {changed} file{'s' * (changed != 1)}"
    if remaining:
        unsafe = sum(1 for x in remaining if x.fix and x.fix.safety == "unsafe")
        line += f"; {len(remaining)} remain" + (
            f" ({unsafe} fixable with --unsafe-fixes, marked [~])" if unsafe else "")
    lines.append(line + ".")
    return "\n".join(lines) + "\n"


def apply_json(results: Sequence[CheckResult], fixes: Sequence[FixResult]) -> str:
    """`apply --format json`: per file whether it changed, the fixes applied and what remains."""
    by_path = {f.path: f for f in fixes}
    files = []
    for r in results:
        if r.skipped:
            continue
        fixed = by_path.get(r.path)
        error = None
        if r.error:
            error = {"message": r.error.message, "line": r.error.line, "column": r.error.column}
        applied = fixed.applied if fixed is not None else ()
        files.append({"path": r.path, "format": r.format, "error": error,
                      "changed": bool(fixed is not None and fixed.changed),
                      "applied": [{"code": f.code, "name": f.name, "pointer": f.pointer, "resource": f.resource,
                                   "message": f.message, "fix": f.fix.to_json() if f.fix else None}
                                  for f in applied],
                      "remaining": [f.to_json() for f in r.findings]})
    summary = {"files": len(files), "changed": sum(1 for f in files if f["changed"]),
               "applied": sum(len(f["applied"]) for f in files),
               "remaining": sum(len(f["remaining"]) for f in files),
               "errors": sum(1 for f in files if f["error"])}
    return json.dumps({"version": __version__, "files": files, "summary": summary}, indent=2) + "\n"


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
            lines.append(f"::error file={_property(r.path or '-')},line={e.line or 1},col={e.column or 1},"
                         f"title=cfnfix::{_esc(e.message)}")
        for f in r.findings:
            level = "error" if f.severity in ("critical", "high") else "warning"
            lines.append(f"::{level} file={_property(r.path or '-')},line={f.line or 1},col={f.column or 1},"
                         f"endLine={f.end_line or f.line or 1},endColumn={f.end_column or f.column or 1},"
                         f"title={_property(f.code)}::{_esc(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _esc(message: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit escapes data."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    """A workflow command's property value, escaped as GitHub's toolkit escapes properties: a
    newline cannot start another command, a comma or colon cannot add or end a property."""
    return _esc(value).replace(":", "%3A").replace(",", "%2C")


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
    # a URI reference: spaces, '#', '?', '%' and control characters percent-encoded
    return quote(rel.replace(os.sep, "/"), safe="/", errors="surrogateescape")


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
