"""Rule documentation in Markdown, generated from the rule modules (`python -m cfnfix.ruledocs`)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from .options import is_pydantic
from .rule import Rule
from .rules import all_rules
from .validation import model_of


def _options(rule: type[Rule]) -> list[str]:
    declared = rule.Options
    fields = (declared if is_pydantic(declared) else model_of(declared)).model_fields
    if not fields:
        return ["This rule has no options."]
    lines = ["| option | type | default |", "|---|---|---|"]
    for name, field in fields.items():
        key = field.alias or name.replace("_", "-")
        annotation = str(field.annotation).replace("typing.", "").replace("<class '", "").replace("'>", "")
        default = field.default_factory() if field.default_factory else field.default
        lines.append(f"| `{key}` | `{annotation}` | `{default!r}` |".replace(" | None", " \\| None"))
    return [f"Set them under `[tool.cfnfix.rules.{rule.code}]` in `pyproject.toml` or "
            f"`[rules.{rule.code}]` in `.cfnfix.toml`.", "", *lines]


def render(rule: type[Rule]) -> str:
    lines = [f"# {rule.name} ({rule.code})", "",
             f"Severity: **{rule.severity}**. Fix: {rule.fix_title}."
             + (f" Resolves cfn-lint {', '.join(rule.resolves)}." if rule.resolves else ""), "", rule.doc(), "",
             "## Configuration", "", *_options(rule)]
    bad = next((e for e in rule.examples if not e.good), None)
    if bad is not None and bad.fixed is not None:
        lang = "json" if bad.format == "json" else "yaml"
        diff = "".join(difflib.unified_diff(bad.text.splitlines(keepends=True), bad.fixed.splitlines(keepends=True),
                                            "before", "after"))
        lines += ["", "## Example", "", f"`{bad.name}`" + (f", with options `{bad.options}`" if bad.options else "")
                  + ":", "", f"```{lang}", bad.text.rstrip("\n"), "```", "", "`cfnfix apply` changes it so:", "",
                  "```diff", diff.rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def index() -> str:
    lines = ["# Rules", "", "| code | name | severity | summary |", "|---|---|---|---|"]
    lines += [f"| {r.code} | [{r.name}]({r.name}.md) | {r.severity} | {r.summary} |" for r in all_rules()]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    return {"README.md": index(), **{f"{r.name}.md": render(r) for r in all_rules()}}


def fixer_index() -> str:
    from .lint.fixers import all_fixers  # the cfn-lint fixers' pages, in docs/cfn-lint

    lines = ["# cfn-lint fixers", "",
             "With `--cfn-lint` (or `cfn-lint = true`), cfnfix runs cfn-lint and fixes what it finds; each "
             "finding keeps cfn-lint's id. These are the ids with a fixer; any other cfn-lint finding is "
             "reported as it is, without a fix.", "",
             "| cfn-lint id | name | severity | summary |", "|---|---|---|---|"]
    lines += [f"| {f.code} | [{f.name}]({f.name}.md) | {f.severity} | {f.summary} |" for f in all_fixers()]
    return "\n".join(lines) + "\n"


def fixer_pages() -> dict[str, str]:
    from .lint.fixers import all_fixers

    return {"README.md": fixer_index(),
            **{f"{f.name}.md": render(f).replace("`cfnfix apply` changes it so:",
                                                 "`cfnfix apply --cfn-lint --unsafe-fixes` changes it so:")
               for f in all_fixers()}}


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m cfnfix.ruledocs",
                                     description="Write the rule documentation pages (Markdown) into a folder.")
    parser.add_argument("folder", nargs="?", default="docs/rules", help="where to write them (default: docs/rules)")
    folder = Path(parser.parse_args(argv).folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages())} pages to {folder}")
    fixers = folder.parent / "cfn-lint"
    fixers.mkdir(parents=True, exist_ok=True)
    for name, text in fixer_pages().items():
        (fixers / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(fixer_pages())} pages to {fixers}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
