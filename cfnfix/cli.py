"""The command line: a thin layer over the engine and the reports."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import Any, Sequence, TextIO

VERSION = "0.1.0"
SEVERITIES = ("critical", "high", "medium", "low")  # as cfnfix.rule.SEVERITIES, without importing the rules


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the command the arguments name, only that command's own
    arguments are added (the others only list in the help): adding them all took a check of a
    small template a sixth of its start."""
    parser = argparse.ArgumentParser(prog="cfnfix", description="Find and fix known failure classes "
                                     "in AWS CloudFormation templates.")
    parser.add_argument("--version", action="version", version=f"cfnfix {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, arguments) in _COMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if command is None or command == name:
            arguments(p)
    return parser


def _command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, when it is their first (as the top level takes only
    ``--version`` and ``--help``); None otherwise, for which every command's arguments are added."""
    return argv[0] if argv and argv[0] in _COMMANDS else None


def _selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="template files or folders; - reads stdin")
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="the name of the template read from stdin (its format and configuration)")
    p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run (or ALL)")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    p.add_argument("--extend-select", metavar="CODES", help="codes or prefixes to run on top of the selection")
    p.add_argument("--extend-ignore", metavar="CODES", help="codes or prefixes to skip on top of `ignore`")
    p.add_argument("--config", metavar="FILE", help="use this configuration file only")
    p.add_argument("--jobs", "-j", type=int, default=0,
                   help="processes (default: chosen from the work, at most one per core)")
    p.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                   help="in folders, also read what .gitignore ignores")
    p.add_argument("--follow-links-outside", action="store_true",
                   help="in folders, also follow links to files outside the folder")
    p.add_argument("--only-templates", action="store_true",
                   help="skip named files that are not templates, as in folders (for pre-commit)")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain (errors still 2)")
    p.add_argument("--fail-on", choices=SEVERITIES, default="low", metavar="SEVERITY",
                   help="exit 1 only for findings of this severity or higher: critical, high, medium, low "
                        "(default)")
    p.add_argument("--show-fixes", action="store_true",
                   help="show each fix: its title, safety and why, and its impact when known")
    loudness = p.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary")
    loudness.add_argument("--verbose", "-v", action="store_true",
                          help="also say, on stderr, which settings and rules each file ran with")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text output (auto: on a terminal, unless NO_COLOR is set)")
    p.add_argument("--cfn-lint", action="store_true", default=None,
                   help="also run cfn-lint (the cfn-lint extra) and fix what it finds")


def _check_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)
    p.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout (- is stdout)")
    p.add_argument("--statistics", action="store_true", help="count the findings by rule instead of listing them")
    p.add_argument("--report-unused-suppressions", action="store_true")


def _apply_arguments(p: argparse.ArgumentParser) -> None:
    _selection(p)
    p.add_argument("--diff", action="store_true", help="print unified diffs, write nothing")
    p.add_argument("--patch", action="store_true", help="print the RFC 6902 patches, write nothing")
    p.add_argument("--unsafe-fixes", action="store_true", default=None, help="apply unsafe fixes too")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="the summary as text or as JSON (files changed, fixes applied, remaining)")


def _outputs_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("stack", nargs="?", metavar="STACK")
    p.add_argument("--region")
    p.add_argument("--profile")
    p.add_argument("--endpoint-url")
    p.add_argument("--from", dest="source", metavar="FILE", help="a saved describe-stacks answer")
    p.add_argument("--timeout", type=float, default=1800, help="seconds to wait while in progress")
    p.add_argument("-o", "--output", default="cfn-outputs/flat-outputs.json", metavar="FILE")


def _tests_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("template", metavar="TEMPLATE")
    p.add_argument("--tests", metavar="DIR", help="folder (or file) of tests (default: the tests folder found "
                   "beside the template or above it, up to the repository's root)")
    p.add_argument("--write", metavar="FILE", help="generate a pytest module that checks every resource")


def _config_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH")
    p.add_argument("--config", metavar="FILE", help="use this configuration file only")


def _server_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--debounce", type=float, default=50, metavar="MS",
                   help="wait this long after a change before checking (default 50)")


def _mcp_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", metavar="DIR", help="the working folder: paths are read from it and written "
                   "only inside it (default: the current folder)")


def _rules_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")


def _rule_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rule", metavar="CODE|NAME")


_COMMANDS = {
    "check": ("report findings", _check_arguments),
    "apply": ("fix templates in place", _apply_arguments),
    "outputs": ("write a deployed stack's Outputs as flat JSON", _outputs_arguments),
    "tests": ("compare a template with its tests", _tests_arguments),
    "config": ("print the settings that apply to a path", _config_arguments),
    "server": ("run the language server on stdio (needs cfnfix[server])", _server_arguments),
    "mcp": ("run the Model Context Protocol server on stdio (needs cfnfix[mcp])", _mcp_arguments),
    "rules": ("list the rules", _rules_arguments),
    "rule": ("show one rule's documentation", _rule_arguments),
}


def main(argv: Sequence[str] | None = None) -> int:
    from .errors import CfnfixError

    if argv is None:
        argv = sys.argv[1:]
    parser = _parser(_command(argv))
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
        if args.command in ("server", "mcp"):
            return _serve(args)
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
    from .lint.fixers import all_fixers
    from .rules import all_rules

    rules = all_rules()
    if args.format == "json":
        print(json.dumps([r.metadata() for r in rules], indent=2))
        return 0
    for r in rules:
        print(f"{r.code}  {r.name:<34} {r.severity:<8} {r.summary}")
    # cfn-lint's own findings that cfnfix fixes: what `--cfn-lint` adds (`cfnfix rule E3002` shows one)
    print("\nWith --cfn-lint, cfnfix also fixes these cfn-lint findings:")
    for f in all_fixers():
        print(f"{f.code}   {f.name:<34} {f.level:<8} {f.summary}")
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
    resolves = f" Resolves cfn-lint {', '.join(rule.resolves)}." if rule.resolves else ""
    print(f"# {rule.name} ({rule.code})\n\nSeverity: {rule.severity}. Fix: {rule.fix_title}.{resolves}\n\n{rule.doc()}")
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
    from .stacks.outputs import from_aws, from_describe_stacks

    if not args.stack and not args.source:
        _error("name a STACK, or give --from FILE")
        return 2
    try:
        if args.source:
            values = from_describe_stacks(args.source, args.stack)
        else:
            values = from_aws(args.stack, args.region, args.profile, args.endpoint_url, args.timeout)
        text = json.dumps(values, indent=2) + "\n"
        if args.output == "-":
            sys.stdout.write(text)
            return 0
        folder = os.path.dirname(args.output)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_atomic(args.output, text.encode("utf-8"))
    except CfnfixError as exc:
        _error(str(exc.problem))
        return 2
    print(f"Wrote {len(values)} output{'s' * (len(values) != 1)} to {args.output}.")
    return 0


def _tests(args: argparse.Namespace) -> int:
    from .engine import load
    from .errors import CfnfixError
    from .fileio import read_bytes, write_atomic
    from .model.template import Template
    from .stacks.testcoverage import coverage, test_module
    from .model.testscan import scan

    try:
        doc = load(read_bytes(args.template), args.template)
    except CfnfixError as exc:
        _error(str(exc.problem.at(args.template)))
        return 2
    if args.tests is None:
        from .model.testscan import TEST_FOLDERS, find_tests

        found = find_tests(os.path.dirname(os.path.abspath(args.template)), reading_outputs=False)
        if found is None:
            _error(f"{args.template}: no tests folder ({', '.join(TEST_FOLDERS)}) beside it or above it; "
                   "give --tests DIR")
            return 2
        args.tests = os.path.relpath(found)
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


def _codes(flag: str, value: str | None) -> tuple[str, ...]:
    """The codes of a flag, upper-cased; ValueError naming the flag for an unknown one."""
    from .settings import code_problem

    codes = _split(value)
    for code in codes:
        problem = code_problem(code)
        if problem:
            raise ValueError(f"{flag}: {problem}")
    return tuple(code.upper() for code in codes)


def _color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def _serve(args: argparse.Namespace) -> int:
    # pygls and mcp are optional and slow to import: only these commands load them
    extra, module = ("server", "pygls") if args.command == "server" else ("mcp", "mcp")
    try:
        __import__(module)
    except ImportError:
        _error(f"`cfnfix {args.command}` needs {module}: pip install 'cfnfix[{extra}]'")
        return 2
    if args.command == "server":
        from .lsp import main as serve_lsp

        return serve_lsp(args.debounce / 1000)
    from .mcp_server import main as serve_mcp

    return serve_mcp(args.root)


def _run(args: argparse.Namespace) -> int:
    from . import runner
    from .engine import CheckResult
    from .errors import CfnfixError

    overrides: dict[str, Any] = {}
    try:
        for flag in ("select", "ignore", "extend_select", "extend_ignore"):
            value = getattr(args, flag)
            if value:
                overrides[flag] = _codes("--" + flag.replace("_", "-"), value)
    except ValueError as exc:
        _error(str(exc))
        return 2
    if getattr(args, "unsafe_fixes", None):
        overrides["unsafe_fixes"] = True
    if args.cfn_lint:
        overrides["cfn_lint"] = True
    if getattr(args, "report_unused_suppressions", False):
        overrides["report_unused_suppressions"] = True
    mode = "sarif" if args.command == "check" and args.format == "sarif" else "check"
    if args.command == "apply":
        mode = "diff" if args.diff else "patch" if args.patch else "apply"
    if args.jobs < 0:
        _error("--jobs must be 0 (chosen from the work) or more")
        return 2
    previous = signal.signal(signal.SIGTERM, _terminated)  # a CI step's cancel stops as ^C does
    try:
        if "-" in args.paths:
            return _run_stdin(args, mode, overrides)
        results, problems = runner.run(args.paths, mode, overrides, args.config, jobs=args.jobs,
                                       only_templates=args.only_templates,
                                       respect_gitignore=args.respect_gitignore,
                                       follow_links_outside=args.follow_links_outside)
    except CfnfixError as exc:
        _error(str(exc.problem))
        return 2
    except runner.Stopped as exc:
        print(f"cfnfix: {exc}", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    for problem in problems:
        _error(str(problem))
    errors = [r for r in results if r.error]
    for r in errors:
        _error(str(r.error))
    if args.verbose:
        _explain(results, overrides, args.config)
    # a path that does not exist, or a broken configuration file, is an error in every report
    unread = [runner.FileResult(p.path or "", CheckResult(p.path, None, error=p)) for p in problems]
    return _report(args, mode, results, unread, 2 if problems or errors else 0)


def _report(args: argparse.Namespace, mode: str, results: list, unread: list, status: int) -> int:
    if mode in ("diff", "patch"):
        # what would change, not what remains: 1 when the diff or the patch is not empty
        failing = any(r.fix is not None and r.fix.error is None and (r.fix.changed if mode == "diff" else r.fix.patch)
                      for r in results)
    else:
        failing = any(_fails(f.severity, args.fail_on) for r in results for f in r.findings)
    if mode in ("check", "sarif"):
        out = _check_report(args, unread + results)
        if args.output and args.output != "-":
            from .errors import CfnfixError
            from .fileio import write_atomic

            try:
                write_atomic(args.output, out.encode("utf-8"))
            except CfnfixError as exc:
                _error(str(exc.problem))
                return 2
        else:
            sys.stdout.write(out)
    else:
        _apply_report(mode, args, unread + results)
    if failing and not args.exit_zero:
        status = max(status, 1)
    return status


def _terminated(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _fails(severity: str, threshold: str) -> bool:
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def _explain(results: list, overrides: dict[str, Any], config: str | None) -> None:
    """--verbose: which configuration file and which rules each file ran with, on stderr."""
    from pathlib import Path

    from .config import find_config, settings_for
    from .errors import CfnfixError

    for r in results:
        try:
            settings = settings_for(r.path, overrides, config)
        except CfnfixError:
            continue
        source = config or find_config(Path(os.path.dirname(r.path) or ".").resolve())
        rules = ", ".join(rule.code for rule in settings.rule_instances()) or "none"
        passes = f"; fixed in {r.fix.passes} pass{'es' * (r.fix.passes != 1)}" if r.fix is not None else ""
        print(f"cfnfix: {r.path}: settings from {source or 'defaults'}; rules {rules}{passes}", file=sys.stderr)


def _run_stdin(args: argparse.Namespace, mode: str, overrides: dict[str, Any]) -> int:
    """`check -` and `apply -`: one template from stdin; `apply -` writes the fixed text to stdout
    (nothing on an error) and its summary to stderr, as a filter in an editor wants."""
    from . import runner

    if args.paths != ["-"]:
        _error("- (stdin) cannot be combined with other paths")
        return 2
    result = runner.run_stdin(sys.stdin.buffer.read(), args.stdin_filename, mode, overrides, args.config)
    status = 0
    if result.error:
        _error(str(result.error))
        status = 2
    if mode != "apply":
        return _report(args, mode, [result], [], status)
    if result.error or result.fix is None:
        return 2
    sys.stdout.flush()
    sys.stdout.buffer.write(result.fix.new_bytes)
    sys.stdout.flush()
    _apply_report(mode, args, [result], out=sys.stderr)
    failing = any(_fails(f.severity, args.fail_on) for f in result.fix.remaining)
    return 1 if failing and not args.exit_zero else 0


def _check_report(args: argparse.Namespace, results: list) -> str:
    from . import report

    checks = [r.check for r in results]
    fmt = args.format
    if args.statistics:
        return report.statistics(checks, fmt)
    if fmt == "json":
        return report.to_json(checks)
    if fmt == "github":
        return report.github(checks)
    if fmt == "sarif":
        return report.sarif(checks, {r.path: r.fix_texts for r in results})
    return report.text(checks, color=_color(args.color), quiet=args.quiet, show_fixes=args.show_fixes)


def _apply_report(mode: str, args: argparse.Namespace, results: list, out: TextIO | None = None) -> None:
    from . import report

    out = out or sys.stdout
    fixes = [r.fix for r in results if r.fix is not None and r.fix.error is None]
    for f in fixes:
        for r in f.rejected:  # on stderr where stdout carries a diff or a patch
            print(f"{f.path}:{r.finding.line or 1}:{r.finding.column or 1}: {r.finding.code} fix rejected: "
                  f"{r.reason}", file=sys.stdout if mode == "apply" else sys.stderr)
    if mode == "patch":
        files = [{"path": f.path, "patch": list(f.patch)} for f in fixes if f.patch]
        sys.stdout.write(json.dumps({"files": files}, indent=2) + "\n")
        return
    if mode == "diff":
        for f in fixes:
            if f.changed:
                sys.stdout.write(f.diff)
        return
    from .errors import Problem

    for f in fixes:
        for warning in f.warnings:
            print(f"cfnfix: warning: {Problem(warning, f.path)}", file=sys.stderr)
    checks = [r.check for r in results]
    if args.format == "json":
        out.write(report.apply_json(checks, fixes))
        return
    out.write(report.apply_text(checks, fixes, color=_color(args.color), quiet=args.quiet,
                                       show_fixes=args.show_fixes))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
