"""check: parse, build, detect, drop suppressed. apply: passes of fix, write, re-parse, verify."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from . import pointer as jp
from .parse.document import Document, Format, parse_bytes, parse_text
from .errors import CfnfixError, ParseError, Problem
from .kit import Plan, Safety
from .rule import Finding, Fix, Pending, Rule
from .settings import DEFAULT, Settings
from .suppression import BadSuppression, Suppression, read_suppressions
from .model.template import Template

if TYPE_CHECKING:
    from .write.writer import TextEdit

MAX_PASSES = 10


@dataclass(frozen=True)
class CheckResult:
    path: str | None
    format: Format | None
    findings: tuple[Finding, ...] = ()
    suppressed: int = 0
    error: Problem | None = None
    skipped: bool = False  # a file found in a folder that is not a template

    @property
    def fixable(self) -> int:
        return sum(1 for f in self.findings if f.fix is not None and f.fix.safety != Safety.DISPLAY_ONLY)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """What could not be read, configured or checked: empty, or the one problem of the file."""
        return (self.error,) if self.error else ()


@dataclass(frozen=True)
class FixResult:
    path: str | None
    format: Format | None
    original: str = ""
    text: str = ""
    applied: tuple[Finding, ...] = ()
    remaining: tuple[Finding, ...] = ()
    patch: tuple[dict[str, Any], ...] = ()
    suppressed: int = 0
    error: Problem | None = None
    skipped: bool = False
    new_bytes: bytes = field(default=b"", repr=False)
    warnings: tuple[str, ...] = ()  # true of the fixed file, not errors: past the TemplateBody size
    # the splices that turn ``original`` into ``text``: (start, end, new text), offsets into ``original``
    edits: tuple[TextEdit, ...] = field(default=(), repr=False)
    rejected: tuple[Any, ...] = ()  # lint.verify.Rejection: fixes cfn-lint's second run refused
    passes: int = 0  # passes of fix and write that wrote something, in the run that gave ``text``
    # ``text`` parsed (the last pass re-parsed it to verify): the limits are counted on it
    fixed_data: Any = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def errors(self) -> tuple[Problem, ...]:
        """What could not be read, configured, fixed or written: empty, or the one problem."""
        return (self.error,) if self.error else ()

    @property
    def diff(self) -> str:
        """A unified diff that `git apply` and `patch -p1` take, final newline or not."""
        name = self.path or "template"
        # git's a/ and b/ prefixes suit relative paths (`patch -p1`); an absolute one stays as it is
        before, after = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
        # a byte order mark is part of the file's first line as the tools read it
        bom = "\ufeff" if self.new_bytes.startswith(b"\xef\xbb\xbf") else ""
        import difflib  # only `apply --diff` needs it: keeps `check` quick to start

        out = []
        for line in difflib.unified_diff(_diff_lines(bom + self.original), _diff_lines(bom + self.text),
                                         before, after):
            out.append(line)
            if not line.endswith("\n"):
                # the last line of a file without a final newline: the marker both tools expect
                out.append("\n\\ No newline at end of file\n")
        return "".join(out)


def _diff_lines(text: str) -> list[str]:
    """Lines as diff tools count them: split at line feeds only (str.splitlines also splits at
    form feeds, U+2028 and others, which would make hunks that match nothing)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def is_template(data: Any) -> bool:
    return isinstance(data, dict) and ("Resources" in data or "AWSTemplateFormatVersion" in data)


def not_a_template() -> ParseError:
    return ParseError(Problem("not a CloudFormation template (no Resources or AWSTemplateFormatVersion)", None, 1, 1))


# -- detection --------------------------------------------------------------------------------


def detect(doc: Document, settings: Settings = DEFAULT, rules: list[Rule] | None = None,
           positions: bool = True) -> tuple[list[Finding], int]:
    """Findings (each with its fix, if any) and how many were suppressed."""
    findings, suppressed, _ = _detect(doc, settings, rules, positions, one_pass=False)
    return findings, suppressed


def _detect(doc: Document, settings: Settings, rules: list[Rule] | None, positions: bool,
            one_pass: bool, last: list[Any] | None = None, held: dict[tuple[str, str], str] | None = None
            ) -> tuple[list[Finding], int, list[frozenset[int]]]:
    """Findings with their fixes, the suppressed count, and per finding the earlier findings whose
    fixes its own fix relies on. ``one_pass``: the fixes are built for one pass of ``apply``, with
    one ``Plan`` for them all (else each has its own, as for a report). ``last`` keeps what the
    rules found in the last document detected, for the same settings and rules: apply's last
    pass and its report read the same document, and only their fixes differ. ``held``: findings
    whose fix is held back get none (a report's fixes are independent; a pass's share a plan)."""
    if last and last[0] is doc:
        template, found, suppressed = last[1:]
    else:
        template, found, suppressed = _found(doc, settings, rules)
        if last is not None:
            last[:] = [doc, template, found, suppressed]
    shared = Plan(template) if one_pass else None
    findings: list[Finding] = []
    needs: list[frozenset[int]] = []
    for number, (finding, rule) in enumerate(found):
        plan = shared or Plan(template)
        plan.begin(number)
        if rule is None or (held and not one_pass and _key(finding) in held):
            fix = None
        else:
            fix = _with_impact(rule.fix(finding, template, plan), template)
        needs.append(plan.end(keep=_allowed(fix, settings)))
        findings.append(finding.with_fix(fix))
    if positions and findings:
        # reported in file order, as a reader goes through the file
        findings = sorted(_placed(doc, findings), key=lambda f: (f.line or 0, f.column or 0, f.code, f.pointer))
    return findings, suppressed, needs


def _found(doc: Document, settings: Settings, rules: list[Rule] | None
           ) -> tuple[Template, list[tuple[Finding, Rule | None]], int]:
    """The template, what the rules (and cfn-lint) find in it with the rule to fix each, in the
    order fixes are built and chosen in, and how many were suppressed."""
    template = Template.from_data(doc.data)
    suppressions = read_suppressions(template)
    if isinstance(suppressions, BadSuppression):
        line, column = _position(doc, suppressions.pointer)
        raise ParseError(Problem(suppressions.message, None, line, column))
    used: set[Suppression] = set()
    found: list[tuple[Finding, Rule | None]] = []
    suppressed = 0
    for rule in rules if rules is not None else settings.rule_instances():
        if not suppressions:
            found += [(finding, rule) for finding in rule.detect(template)]
            continue
        for finding in rule.detect(template):
            matched = [s for s in suppressions if s.matches(finding)]
            if matched:
                used.update(matched)
                suppressed += 1
                continue
            found.append((finding, rule))
    if settings.cfn_lint:
        from .lint.findings import lint_findings  # cfn-lint loads only when asked for

        native = [(rule, finding) for finding, rule in found if rule is not None]
        for fixer, finding in lint_findings(doc.text, template, native, settings.fixer_instances):
            if not settings.enabled(finding.code):
                continue
            matched = [s for s in suppressions if s.matches(finding)]
            if matched:
                used.update(matched)
                suppressed += 1
                continue
            found.append((finding, fixer if fixer is not None and finding.payload.detail is not None else None))
    if settings.report_unused_suppressions:
        found += [(Finding("CFX000", "unused-suppression", "low",
                           f"the suppression of {s.code} matches no finding; remove it", s.pointer, s.resource), None)
                  for s in suppressions if s not in used and settings.enabled(s.code.ljust(6, "0"))]
    # the order fixes are built and chosen in: by rule, then top to bottom (new outputs follow the resources)
    key_positions: dict[int, dict[str, int]] = {}
    found.sort(key=lambda item: (item[0].code, jp.document_order(doc.data, jp.split(item[0].pointer), key_positions),
                                 item[0].pointer))
    return template, found, suppressed


def _with_impact(fix: Fix | None, template: Template) -> Fix | None:
    """The fix with its impact on a deployed stack; a fix whose impact can never be safe (it
    replaces or removes a stateful resource, or changes the parameter interface) is made unsafe.
    Only a safe fix's impact is computed here; the others' on first read (``Fix.impact``)."""
    if fix is None:
        return None
    if fix.safety != Safety.SAFE:
        return fix.with_impact(Pending(fix.patch, template))
    from .impact import impact_of

    impact = impact_of(fix.patch, template)
    if impact is None:
        return fix.with_impact(None)
    why = impact.never_safe()
    if why and fix.safety == Safety.SAFE:
        return replace(fix, safety=Safety.UNSAFE, reason=f"Never safe: {why}.", impact=impact)
    return fix.with_impact(impact)


def _node(doc: Document, pointer: str):
    """The node at pointer, or its nearest ancestor that has text of its own."""
    chain = doc.sourcemap.locate(jp.split(pointer))
    return next((n for n in reversed(chain) if n is not None), None)


def _position(doc: Document, pointer: str) -> tuple[int | None, int | None]:
    node = _node(doc, pointer)
    return doc.sourcemap.line_col(node.start) if node is not None else (None, None)


def _positioned(doc: Document, finding: Finding) -> Finding:
    return _placed(doc, [finding])[0]


def _placed(doc: Document, findings: list[Finding]) -> list[Finding]:
    """The findings with their spans; their lines counted in one pass over the text."""
    spans = [doc.span(jp.split(finding.pointer)) for finding in findings]
    places = doc.sourcemap.line_cols([offset for span in spans for offset in span])
    return [finding.placed(*places[start], *places[end]) for finding, (start, end) in zip(findings, spans)]


def check_document(doc: Document, settings: Settings = DEFAULT, path: str | None = None) -> CheckResult:
    try:
        findings, suppressed = detect(doc, settings)
    except CfnfixError as exc:  # a bad suppression, or cfn-lint failing on this template
        return CheckResult(path, doc.format, error=exc.problem.at(path) if path else exc.problem)
    return CheckResult(path, doc.format, tuple(_marked_unwritable(doc, f) for f in findings), suppressed)


def _marked_unwritable(doc: Document, finding: Finding) -> Finding:
    """A finding whose fix edits through a YAML anchor, alias or merge key, which apply holds
    back, offers no fix in check either, and says why."""
    if finding.fix is None or doc.format != "yaml" or not doc.may_share:
        return finding
    for op in finding.fix.patch:
        if op["op"] == "test":
            continue
        if any(node is not None and node.shared for node in doc.sourcemap.locate(jp.split(op["path"]))):
            why = (f"cfnfix cannot write this fix: {op['path']} passes through a YAML anchor, alias or merge key; "
                   "cfnfix does not edit there")
            return replace(finding, fix=None, message=f"{finding.message} (not fixed: {why})")
    return finding


# -- fixing -----------------------------------------------------------------------------------


def _allowed(fix: Fix | None, settings: Settings) -> bool:
    if fix is None or fix.safety == Safety.DISPLAY_ONLY:
        return False
    return fix.safety == Safety.SAFE or settings.unsafe_fixes


def _select(findings: list[Finding], settings: Settings,
            needs: list[frozenset[int]] | None = None, refused: frozenset = frozenset()) -> list[Finding]:
    """Fixes that touch disjoint paths, in order of code then pointer, each with the earlier fixes
    whose shared pieces it reuses; the rest wait a pass."""
    chosen: list[Finding] = []
    numbers: set[int] = set()
    written, read = jp.PathSet(), jp.PathSet()
    for number, finding in enumerate(findings):
        if not _allowed(finding.fix, settings) or _identity(finding) in refused:
            continue
        if needs is not None and not needs[number] <= numbers:
            continue  # a piece it reuses comes with a fix that waits
        assert finding.fix is not None
        writes, reads = finding.fix.paths(), finding.fix.read_paths()
        # it may not write where a chosen fix writes or was built from, nor be built from what one writes
        if any(written.related(a) or read.related(a) for a in writes) or any(written.related(a) for a in reads):
            continue
        chosen.append(finding)
        numbers.add(number)
        for path in writes:
            written.add(path)
        for path in reads:
            read.add(path)
    return chosen


def fix_document(doc: Document, settings: Settings = DEFAULT, path: str | None = None) -> FixResult:
    """Passes of fix and write; a fix that cannot be written, or that would take the template past
    one of CloudFormation's limits, is held back (the least severe first) and stays a finding."""
    held: dict[tuple[str, str], str] = {}
    while True:
        result = _fix_passes(doc, settings, path, held)
        if result.error is not None:
            return result
        over = _over_limit(doc, result)
        if over is None:
            warning = template_body_warning(result, len(doc.to_bytes()))
            return replace(_with_held(result, held), warnings=(warning,) if warning else ())
        keys, why = over
        held.update(dict.fromkeys(keys, why))


def _fix_passes(doc: Document, settings: Settings, path: str | None,
                held: dict[tuple[str, str], str]) -> FixResult:
    """The fix passes; with cfn-lint on, cfn-lint runs once more on the fixed text, and fixes it
    refuses are dropped and the file fixed again without them (rarely more than once)."""
    original = doc
    rules = settings.rule_instances()
    rejected: list[Any] = []
    last: list[Any] = []
    try:
        doc, applied, patch, log, passes = _passes(original, settings, rules, frozenset(), held, last)
        if settings.cfn_lint and applied:
            from .lint.verify import rejections

            for _ in range(MAX_PASSES):
                refused = rejections(original.text, doc.text, applied, lambda f: _alone(original, f))
                if not refused:
                    break
                rejected += refused
                doc, applied, patch, log, passes = _passes(original, settings, rules,
                                                   frozenset(_identity(r.finding) for r in rejected), held, last)
                if not applied:
                    break
            else:
                raise CfnfixError(Problem(f"cfn-lint refused the fixes again after {MAX_PASSES} tries"))
        remaining, suppressed, _ = _detect(doc, settings, rules, positions=True, one_pass=False, last=last,
                                           held=held)
        rejected = [replace(r, finding=_positioned(original, r.finding)) for r in rejected]
        if rejected:
            # a refused fix is not offered again: its finding stays, without a fix
            refused_ids = {_identity(r.finding) for r in rejected}
            remaining = [f.with_fix(None) if _identity(f) in refused_ids else f for f in remaining]
    except CfnfixError as exc:
        problem = exc.problem.at(path) if path else exc.problem
        return FixResult(path, original.format, original.text, original.text, error=problem)
    return FixResult(path, original.format, original.text, doc.text, tuple(applied), tuple(remaining),
                     tuple(patch), suppressed, new_bytes=doc.to_bytes(), edits=tuple(log.edits()),
                     rejected=tuple(rejected), passes=passes, fixed_data=doc.data)


def _alone(original: Document, finding: Finding) -> str | None:
    """The original text with only this finding's fix applied, or None when it needs another fix."""
    from .write.style import style_of
    from .write.writer import write

    try:
        return write(original, [dict(op) for op in finding.fix.patch], style_of(original)).text  # type: ignore[union-attr]
    except CfnfixError:
        return None


def _from_cfn_lint(finding: Finding) -> bool:
    from .lint.fixer import Linted  # plain data, no cfn-lint import

    return isinstance(finding.payload, Linted)


def _identity(finding: Finding) -> tuple[str, str, str]:
    return finding.code, finding.pointer, finding.message


def _passes(original: Document, settings: Settings, rules: list[Rule], refused: frozenset,
            held: dict[tuple[str, str], str], last: list[Any] | None = None
            ) -> tuple[Document, list[Finding], list[dict[str, Any]], Any, int]:
    """The fixed document, the fixes applied, their patch, the edit log, and how many passes wrote."""
    from .write.style import style_of
    from .write.writer import EditLog

    doc = original
    log = EditLog(len(original.text))
    applied: list[Finding] = []
    patch: list[dict[str, Any]] = []
    passes = 0
    for _ in range(MAX_PASSES):
        findings, suppressed, needs = _detect(doc, settings, rules, positions=False, one_pass=True, last=last)
        findings = [_without_held_fix(f, held) for f in findings]
        # a cfn-lint finding back after its fix is not fixed again: cfn-lint's check rejects that fix
        again = frozenset(_identity(f) for f in applied if _from_cfn_lint(f))
        chosen = _select(findings, settings, needs, refused | again)
        while (crossing := _crossing(original, doc, chosen)) is not None:
            # held back before the pass is written, so that the file is not fixed a second time
            keys, why = crossing
            held.update(dict.fromkeys(keys, why))
            findings = [_without_held_fix(f, held) for f in findings]
            chosen = _select(findings, settings, needs, refused | again)
        if not chosen:
            break
        doc, chosen = _write_pass(doc, chosen, style_of(original), held, log)
        passes += 1
        applied.extend(chosen)
        patch.extend(dict(op) for finding in chosen for op in finding.fix.patch)  # type: ignore[union-attr]
    else:
        findings, _, needs = _detect(doc, settings, rules, positions=False, one_pass=True, last=last)
        findings = [_without_held_fix(f, held) for f in findings]
        pending = sorted({f.code for f in _select(findings, settings, needs, refused)})
        if pending:
            raise CfnfixError(Problem(f"fixes did not converge in {MAX_PASSES} passes: {', '.join(pending)}"))
    return doc, applied, patch, log, passes


def _key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.pointer


def _without_held_fix(finding: Finding, held: dict[tuple[str, str], str]) -> Finding:
    return finding.with_fix(None) if finding.fix is not None and _key(finding) in held else finding


def _write_pass(doc: Document, chosen: list[Finding], style: Any, held: dict[tuple[str, str], str],
                log: Any = None) -> tuple[Document, list[Finding]]:
    """The pass's fixes written together; when that fails, each alone, so that one fix the writer
    cannot do (a path through a YAML alias) is held back and the others are kept."""
    from .errors import WriteError
    from .write.writer import write  # only fixing needs the writer and jsonpatch: keeps `check` quick to start

    def ops(findings: list[Finding]) -> list[dict[str, Any]]:
        return [dict(op) for finding in findings for op in finding.fix.patch]  # type: ignore[union-attr]

    try:
        return write(doc, ops(chosen), style, log), chosen
    except WriteError:
        if len(chosen) == 1:
            held[_key(chosen[0])] = _unwritable(doc, chosen[0], style)
            return doc, []
    writable = []
    for finding in chosen:
        try:
            write(doc, ops([finding]), style)
            writable.append(finding)
        except WriteError as exc:
            held[_key(finding)] = f"cfnfix cannot write this fix: {exc.problem.message}"
    if not writable:
        return doc, []
    try:
        return write(doc, ops(writable), style, log), writable
    except WriteError:
        pass
    # each writes alone but not all together: keep them in order while they still write, so the
    # one that breaks the write is named (with its position) instead of failing the whole file
    kept: list[Finding] = []
    for finding in writable:
        try:
            write(doc, ops([*kept, finding]), style)
            kept.append(finding)
        except WriteError as exc:
            held[_key(finding)] = f"cfnfix cannot write this fix together with the others: {exc.problem.message}"
    return write(doc, ops(kept), style, log), kept


def _unwritable(doc: Document, finding: Finding, style: Any) -> str:
    from .errors import WriteError
    from .write.writer import write

    try:
        write(doc, [dict(op) for op in finding.fix.patch], style)  # type: ignore[union-attr]
    except WriteError as exc:
        return f"cfnfix cannot write this fix: {exc.problem.message}"
    return "cfnfix cannot write this fix"  # pragma: no cover - it failed a moment ago


def _with_held(result: FixResult, held: dict[tuple[str, str], str]) -> FixResult:
    """Remaining findings whose fix was held back say why and offer no fix."""
    if not held:
        return result
    remaining = tuple(replace(f, fix=None, message=f"{f.message} (not fixed: {held[_key(f)]})")
                      if _key(f) in held else f for f in result.remaining)
    return replace(result, remaining=remaining)


def _limits() -> dict[str, Any]:
    from .values import aws_data

    return aws_data("limits.json")


def _over_limit(original: Document, result: FixResult) -> tuple[list[tuple[str, str]], str] | None:
    """The applied fixes to hold back when the fixed template crosses a limit the original did not
    reach, with why: the least severe (the last applied first) of those that add to it, as many as
    the excess needs. Each pass holds back the fixes that would cross a section's limit before it
    writes (``_crossing``); this catches the size of the fixed text, known only once written."""
    if not result.applied:
        return None
    limits = _limits()
    after = None
    for section, limit in limits["sections"].items():
        before_count = len(_section(original.data, section))
        if before_count + sum(_adds_to(f, section) for f in result.applied) <= limit:
            continue  # cannot have crossed it: no need to read the fixed text again
        after = after if after is not None else _data_of(result)
        count = len(_section(after, section))
        if count > limit and count > before_count:
            return _holding(list(result.applied), section, count - max(limit, before_count), limit)
    size = len(result.new_bytes)
    if size > limits["template_bytes"] >= len(original.to_bytes()):
        return ([_key(_least_severe_first(list(result.applied))[0])],
                f"it would take the template past CloudFormation's limit of {limits['template_bytes']:,} bytes")
    return None


def _crossing(original: Document, doc: Document, chosen: list[Finding]) -> tuple[list[tuple[str, str]], str] | None:
    """The fixes of a pass to hold back, with why, when writing them all would take a section of
    the template past its limit (one the original did not pass); None when they fit."""
    after = None
    for section, limit in _limits()["sections"].items() if chosen else ():
        most = len(_section(doc.data, section)) + sum(_adds_to(f, section) for f in chosen)
        if most <= limit:
            continue  # the usual case: no need to apply the ops
        if after is None:
            from .impact import patched

            after = patched(doc.data, [op for f in chosen for op in f.fix.patch])  # type: ignore[union-attr]
        # ops that do not apply fail the write, which holds them back itself
        count = most if after is None else len(_section(after, section))
        before_count = len(_section(original.data, section))
        if count > limit and count > before_count:
            keys, why = _holding(chosen, section, count - max(limit, before_count), limit)
            if keys:  # none when no chosen fix adds to it (a whole section replaced): _over_limit decides
                return keys, why
    return None


def _holding(applied: list[Finding], section: str, excess: int, limit: int) -> tuple[list[tuple[str, str]], str]:
    """The least severe fixes (the last applied first) that add to the section, as many as the
    excess needs, and why they are held back."""
    held = []
    for finding in _least_severe_first([f for f in applied if _adds_to(f, section)]):
        if excess <= 0:
            break
        held.append(_key(finding))
        excess -= _adds_to(finding, section)
    return held, f"it would take the template past CloudFormation's limit of {limit} {section.lower()}"


def _data_of(result: FixResult) -> Any:
    if result.fixed_data is not None:
        return result.fixed_data
    return parse_text(result.text, result.format).data


def _section(data: Any, section: str) -> dict[str, Any]:
    value = data.get(section) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _adds_to(finding: Finding, section: str) -> int:
    """How many entries the fix adds to the section (an upper bound: an add may replace one)."""
    assert finding.fix is not None
    count = 0
    for op in finding.fix.patch:
        path = jp.split(op["path"])
        if op["op"] in ("add", "copy", "move") and len(path) == 2 and path[0] == section:
            count += 1
        elif op["op"] == "add" and path == (section,) and isinstance(op.get("value"), dict):
            count += len(op["value"])
    return count


def _least_severe_first(findings: list[Finding]) -> list[Finding]:
    from .rule import SEVERITIES

    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    order = sorted(range(len(findings)), key=lambda i: (rank.get(findings[i].severity, 0), i), reverse=True)
    return [findings[i] for i in order]


def template_body_warning(result: FixResult, original_size: int) -> str | None:
    """A fixed template that grew past what a TemplateBody can pass (a warning: S3 takes more)."""
    limit = _limits()["template_body_bytes"]
    size = len(result.new_bytes)
    if result.changed and size > limit >= original_size:
        return (f"the fixed template is {size:,} bytes, past the {limit:,} a TemplateBody can pass; "
                "deploy it from S3 (TemplateURL)")
    return None


# -- files ------------------------------------------------------------------------------------


def load(raw: bytes, name: str | None = None, named: bool = True) -> Document:
    """A template document, or ParseError; a file met in a folder that is not a template raises
    ``NotATemplate`` so callers can skip it quietly."""
    try:
        doc = parse_bytes(raw, name)
    except ParseError:
        if not named and not _looks_like_template(raw):
            raise NotATemplate() from None
        raise
    if not is_template(doc.data):
        if not named:
            raise NotATemplate()
        raise not_a_template()
    _refuse_what_cloudformation_rejects(doc)
    return doc


def _refuse_what_cloudformation_rejects(doc: Document) -> None:
    from .model.structure import problem

    found = problem(doc)
    if found is not None:
        message, pointer = found
        line, column = _position(doc, pointer)
        raise ParseError(Problem(message, None, line, column))


def _looks_like_template(raw: bytes) -> bool:
    head = raw[:65536]
    return b"AWSTemplateFormatVersion" in head or b"Resources" in head


class NotATemplate(Exception):
    """A file found in a folder that is not a CloudFormation template: skipped, not an error."""


def document_from_text(text: str, format: Format | None = None) -> Document:
    doc = parse_text(text, format)
    if not is_template(doc.data):
        raise not_a_template()
    _refuse_what_cloudformation_rejects(doc)
    return doc
