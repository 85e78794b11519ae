"""The harness for rule examples: check one example, or rewrite the expected files (``--update``).

    from cfnfix.testing import check_example
    check_example(MyRule, example)             # raises AssertionError saying what differs

    python -m cfnfix.testing                   # check every example of every rule (exit 1 on a failure)
    python -m cfnfix.testing --update [CODE]   # rewrite fixed files, pointers and impact from what the rules do

An example is a folder beside its rule (``examples/<rule name>/<example>/``) with
``template.yaml`` or ``template.json``, ``fixed.<ext>`` for a bad one, and ``expected.json``:
``pointers`` (of the findings, in file order), ``impact`` (per finding, its fix's impact as JSON
reports give it), and where needed ``options`` (the rule's) and ``unsafe_fixes``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .engine import CheckResult, FixResult
from .kit import Safety
from .rule import EXPECTED, Example, Rule


@dataclass(frozen=True)
class ExampleRun:
    """What a rule does with one example: its report, and (for a bad one) the result of apply."""

    checked: CheckResult
    fixed: FixResult | None


def settings_for(rule: type[Rule], example: Example):
    from .settings import Settings

    return Settings(select=(rule.code,), rules={rule.code: example.options}, unsafe_fixes=example.unsafe_fixes,
                    extra_rules=(rule,) if _external(rule) else (), lifecycle=getattr(rule, "lifecycle", None))


def _external(rule: type[Rule]) -> bool:
    from .rules import all_rules

    return rule not in all_rules()


def run_example(rule: type[Rule], example: Example) -> ExampleRun:
    import cfnfix

    settings = settings_for(rule, example)
    checked = cfnfix.check_text(example.text, example.format, settings)
    fixed = cfnfix.fix_text(example.text, example.format, settings=settings) if checked.findings else None
    return ExampleRun(checked, fixed)


def impacts(checked: CheckResult) -> list[dict[str, list[str]] | None]:
    return [f.fix.impact.to_json() if f.fix is not None and f.fix.impact is not None else None
            for f in checked.findings]


def check_example(rule: type[Rule], example: Example, lint: bool = False) -> ExampleRun:
    """Assert what DESIGN asks of an example: exact pointers; for a bad one the byte-exact fixed
    text, which reads back as the original data with the emitted patch applied, does not change
    on a second apply, and leaves no fix this run may apply; the exact impact of each fix; no
    ``safe`` fix that replaces or removes a stateful resource or changes the parameters; with
    ``lint``, no new cfn-lint finding (needs cfn-lint)."""
    import jsonpatch

    import cfnfix
    from .parse.document import parse_text

    where = f"{rule.code} example {example.name}"
    result = run_example(rule, example)
    checked = result.checked
    assert checked.error is None, f"{where}: {checked.error}"
    pointers = tuple(f.pointer for f in checked.findings)
    assert pointers == example.pointers, f"{where}: pointers {pointers} != expected {example.pointers}"
    if example.impact is not None:
        found = impacts(checked)
        assert found == list(example.impact), f"{where}: impact {found} != expected {list(example.impact)}"
    for finding in checked.findings:
        fix = finding.fix
        if fix is not None and fix.impact is not None and fix.impact.never_safe():
            assert fix.safety != Safety.SAFE, f"{where}: a safe fix {fix.impact.never_safe()}"
    if example.good:
        return result
    assert all(f.code == rule.code and f.line and f.column for f in checked.findings), f"{where}: positions"
    fixed = result.fixed
    assert fixed is not None and fixed.error is None, f"{where}: {fixed.error if fixed else 'no fix run'}"
    assert fixed.text == example.fixed, f"{where}: fixed text differs from {example.folder or 'the expected'}"
    applicable = [f for f in checked.findings if _applies(f.fix, example.unsafe_fixes)]
    assert len(fixed.applied) == len(applicable), f"{where}: applied {len(fixed.applied)} of {len(applicable)}"
    assert not [f for f in fixed.remaining if _applies(f.fix, example.unsafe_fixes)], f"{where}: fixes left"
    original = parse_text(example.text, example.format).data
    patched = jsonpatch.apply_patch(original, [dict(op) for op in fixed.patch])
    assert parse_text(fixed.text, example.format).data == patched, f"{where}: written text is not the patched data"
    again = cfnfix.fix_text(fixed.text, example.format, settings=settings_for(rule, example))
    assert again.text == fixed.text and again.applied == (), f"{where}: a second apply changes it"
    if lint:
        from cfnlint.api import lint as cfn_lint

        def findings(text: str) -> set[tuple[str, str]]:
            return {(m.rule.id, m.message) for m in cfn_lint(text)}

        new = findings(fixed.text) - findings(example.text)
        assert not new, f"{where}: new cfn-lint findings {sorted(new)}"
    return result


def _applies(fix: Any, unsafe_fixes: bool) -> bool:
    return fix is not None and (fix.safety == Safety.SAFE or (fix.safety == Safety.UNSAFE and unsafe_fixes))


def update_example(rule: type[Rule], example: Example) -> bool:
    """Rewrite an example's expected files from what the rule does now; whether anything changed."""
    if example.folder is None:
        raise ValueError(f"{rule.code} example {example.name} is not read from files")
    folder = Path(example.folder)
    result = run_example(rule, example)
    expected_path = folder / EXPECTED
    expected: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.is_file() else {}
    expected["pointers"] = [f.pointer for f in result.checked.findings]
    expected["impact"] = impacts(result.checked)
    changed = _write(expected_path, json.dumps(expected, indent=2) + "\n")
    fixed_path = folder / f"fixed.{example.format}"
    if result.fixed is not None and result.fixed.error is None:
        changed |= _write(fixed_path, result.fixed.text)
    elif fixed_path.is_file():
        fixed_path.unlink()
        changed = True
    return changed


def _write(path: Path, text: str) -> bool:
    if path.is_file() and path.read_bytes() == text.encode("utf-8"):
        return False
    path.write_bytes(text.encode("utf-8"))
    return True


def _rules(codes: Iterable[str]) -> list[type[Rule]]:
    from .rules import all_rules

    wanted = {c.upper() for c in codes}
    return [r for r in all_rules() if not wanted or r.code in wanted or r.name.upper() in wanted]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    update = "--update" in args
    codes = [a for a in args if not a.startswith("-")]
    failed = 0
    for rule in _rules(codes):
        for example in rule.examples:
            if update:
                if update_example(rule, example):
                    print(f"updated {example.folder}")
                continue
            try:
                check_example(rule, example)
            except AssertionError as exc:
                failed += 1
                print(f"FAILED {exc}")
    if not update:
        total = sum(len(r.examples) for r in _rules(codes))
        print(f"{total - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
