"""The command line: a thin layer over the engine and the reports."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Sequence

VERSION = "0.1.0"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cfnfix", description="Find and fix known failure classes "
                                     "in AWS CloudFormation templates.")
    parser.add_argument("--version", action="version", version=f"cfnfix {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def selection(p: argparse.ArgumentParser) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help="template files or folders")
        p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
        p.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
        p.add_argument("--config", metavar="FILE", help="use this configuration file only")
        p.add_argument("--jobs", "-j", type=int, default=0, help="processes (default: one per core)")
        p.add_argument("--only-templates", action="store_true",
                       help="skip named files that are not templates, as in folders (for pre-commit)")
        p.add_argument("--cfn-lint", action="store_true", default=None,
                       help="also run cfn-lint (the cfn-lint extra) and fix what it finds")

    check = sub.add_parser("check", help="report findings")
    selection(check)
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    check.add_argument("--report-unused-suppressions", action="store_true")

    apply = sub.add_parser("apply", help="fix templates in place")
    selection(apply)
    apply.add_argument("--diff", action="store_true", help="print unified diffs, write nothing")
    apply.add_argument("--patch", action="store_true", help="print the RFC 6902 patches, write nothing")
    apply.add_argument("--unsafe-fixes", action="store_true", default=None, help="apply unsafe fixes too")

    outputs = sub.add_parser("outputs", help="write a deployed stack's Outputs as flat JSON")
    outputs.add_argument("stack", nargs="?", metavar="STACK")
    outputs.add_argument("--region")
    outputs.add_argument("--profile")
    outputs.add_argument("--endpoint-url")
    outputs.add_argument("--from", dest="source", metavar="FILE", help="a saved describe-stacks answer")
    outputs.add_argument("--timeout", type=float, default=1800, help="seconds to wait while in progress")
    outputs.add_argument("-o", "--output", default="cfn-outputs/flat-outputs.json", metavar="FILE")

    tests = sub.add_parser("tests", help="compare a template with its tests")
    tests.add_argument("template", metavar="TEMPLATE")
    tests.add_argument("--tests", required=True, metavar="DIR", help="folder (or file) of tests")
    tests.add_argument("--write", metavar="FILE", help="generate a pytest module that checks every resource")

    config = sub.add_parser("config", help="print the settings that apply to a path")
    config.add_argument("path", metavar="PATH")
    config.add_argument("--config", metavar="FILE", help="use this configuration file only")

    rules = sub.add_parser("rules", help="list the rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rule = sub.add_parser("rule", help="show one rule's documentation")
    rule.add_argument("rule", metavar="CODE|NAME")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .errors import CfnfixError

    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "rules":
            return _rules(args)
        if args.command == "rule":
            return _rule(args)
        if args.command == "config":
            return _config(args)
        if args.command == "outputs":
            return _outputs(args)
        if args.command == "tests":
            return _tests(args)
        return _run(args)
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130
    except CfnfixError as exc:  # a rule plugin that cannot be loaded, or whose code is taken
        _error(str(exc))
        return 2


def _split(codes: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in codes.split(",") if c.strip()) if codes else ()


def _error(message: str) -> None:
    print(f"cfnfix: error: {message}", file=sys.stderr)


def _rules(args: argparse.Namespace) -> int:
    from .rules import all_rules

    rules = all_rules()
    if args.format == "json":
        print(json.dumps([r.metadata() for r in rules], indent=2))
        return 0
    for r in rules:
        print(f"{r.code}  {r.name:<34} {r.severity:<8} {r.summary}")
    return 0


def _rule(args: argparse.Namespace) -> int:
    from .rules import find_rule

    rule = find_rule(args.rule)
    if rule is None:
        from .lint.fixers import find_fixer  # a cfn-lint id: its fixer's page

        rule = find_fixer(args.rule)
    if rule is None:
        _error(f"no rule {args.rule!r}; `cfnfix rules` lists them")
        return 2
    print(f"# {rule.name} ({rule.code})\n\nSeverity: {rule.severity}. Fix: {rule.fix_title}.\n\n{rule.doc()}")
    return 0


def _config(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .config import find_config, settings_for
    from .errors import CfnfixError

    target = Path(args.path).resolve()
    folder = target if target.is_dir() else target.parent
    source = Path(args.config).resolve() if args.config else find_config(folder)
    try:
        settings = settings_for(str(folder / "x"), {}, args.config)
    except CfnfixError as exc:
        _error(str(exc.problem))
        return 2
    print(json.dumps({"config": str(source) if source else None,
                      "settings": settings.model_dump(by_alias=True, mode="json")}, indent=2))
    return 0


def _outputs(args: argparse.Namespace) -> int:
    from .errors import CfnfixError
    from .fileio import write_atomic
    from .outputs import from_aws, from_describe_stacks

    if not args.stack and not args.source:
        _error("name a STACK, or give --from FILE")
        return 2
    try:
        if args.source:
            values = from_describe_stacks(args.source, args.stack)
        else:
            values = from_aws(args.stack, args.region, args.profile, args.endpoint_url, args.timeout)
        folder = os.path.dirname(args.output)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_atomic(args.output, (json.dumps(values, indent=2) + "\n").encode("utf-8"))
    except CfnfixError as exc:
        _error(str(exc.problem))
        return 2
    print(f"Wrote {len(values)} output{'s' * (len(values) != 1)} to {args.output}.")
    return 0


def _tests(args: argparse.Namespace) -> int:
    from .engine import load
    from .errors import CfnfixError
    from .fileio import read_bytes, write_atomic
    from .template import Template
    from .testcoverage import coverage, test_module
    from .testscan import scan

    try:
        doc = load(read_bytes(args.template), args.template)
    except CfnfixError as exc:
        _error(str(exc.problem.at(args.template)))
        return 2
    if not os.path.exists(args.tests):
        _error(f"{args.tests}: no such file or folder")
        return 2
    template = Template.from_data(doc.data)
    if args.write:
        try:
            write_atomic(args.write, test_module(template, args.template, args.write).encode("utf-8"))
        except CfnfixError as exc:
            _error(str(exc.problem))
            return 2
        print(f"Wrote {args.write} ({len(template.resources)} resources).")
    report = coverage(template, scan(args.tests))
    for line in report.lines():
        print(f"{args.template}: {line}")
    if report.clean:
        print("Every resource is tested and the tests ask for nothing the template lacks.")
        return 0
    return 1


def _run(args: argparse.Namespace) -> int:
    from . import runner
    from .errors import CfnfixError

    overrides: dict[str, Any] = {}
    if args.select:
        overrides["select"] = _split(args.select)
    if args.ignore:
        overrides["ignore"] = _split(args.ignore)
    if getattr(args, "unsafe_fixes", None):
        overrides["unsafe_fixes"] = True
    if args.cfn_lint:
        overrides["cfn_lint"] = True
    if getattr(args, "report_unused_suppressions", False):
        overrides["report_unused_suppressions"] = True
    mode = "sarif" if args.command == "check" and args.format == "sarif" else "check"
    if args.command == "apply":
        mode = "diff" if args.diff else "patch" if args.patch else "apply"
    try:
        results, problems = runner.run(args.paths, mode, overrides, args.config,
                                       jobs=args.jobs or os.cpu_count() or 1, only_templates=args.only_templates)
    except CfnfixError as exc:
        _error(str(exc.problem))
        return 2
    for problem in problems:
        _error(str(problem))
    errors = [r for r in results if r.error]
    for r in errors:
        _error(str(r.error))
    status = 2 if problems or errors else 0
    if mode in ("check", "sarif"):
        out = _check_report(args.format, results)
        if args.output:
            from .fileio import write_atomic

            write_atomic(args.output, out.encode("utf-8"))
        else:
            sys.stdout.write(out)
        if any(r.findings for r in results):
            status = max(status, 1)
        return status
    return max(status, _apply_report(mode, results))


def _check_report(fmt: str, results: list) -> str:
    from . import report

    checks = [r.check for r in results]
    if fmt == "json":
        return report.to_json(checks)
    if fmt == "github":
        return report.github(checks)
    if fmt == "sarif":
        return report.sarif(checks, {r.path: r.fix_texts for r in results})
    return report.text(checks)


def _apply_report(mode: str, results: list) -> int:
    status = 0
    fixes = [r.fix for r in results if r.fix is not None and r.fix.error is None]
    for f in fixes:
        for r in f.rejected:  # on stderr where stdout carries a diff or a patch
            print(f"{f.path}:{r.finding.line or 1}:{r.finding.column or 1}: {r.finding.code} fix rejected: "
                  f"{r.reason}", file=sys.stdout if mode == "apply" else sys.stderr)
    if mode == "patch":
        files = [{"path": f.path, "patch": list(f.patch)} for f in fixes if f.patch]
        sys.stdout.write(json.dumps({"files": files}, indent=2) + "\n")
        return 1 if files else 0
    if mode == "diff":
        for f in fixes:
            if f.changed:
                sys.stdout.write(f.diff)
        return 1 if any(f.changed for f in fixes) else 0
    applied = sum(len(f.applied) for f in fixes)
    changed = sum(1 for f in fixes if f.changed)
    remaining = [(f.path, x) for f in fixes for x in f.remaining]
    for path, x in remaining:
        mark = " [~]" if x.fix and x.fix.safety == "unsafe" else ""
        print(f"{path}:{x.line or 1}:{x.column or 1}: {x.code}{mark} {x.message}")
    line = f"Fixed {applied} finding{'s' * (applied != 1)} in {changed} file{'s' * (changed != 1)}"
    if remaining:
        unsafe = sum(1 for _, x in remaining if x.fix and x.fix.safety == "unsafe")
        line += f"; {len(remaining)} remain" + (f" ({unsafe} fixable with --unsafe-fixes)" if unsafe else "")
        status = 1
    print(line + ".")
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
