"""The cfn-lint fixers' documentation in Markdown, generated like the rules' (`python -m cfnfix.lint.docs`)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..ruledocs import render
from .fixers import all_fixers


def index() -> str:
    lines = ["# cfn-lint fixers", "",
             "With `--cfn-lint` (or `cfn-lint = true`), cfnfix runs cfn-lint and fixes what it finds; each "
             "finding keeps cfn-lint's id. These are the ids with a fixer; any other cfn-lint finding is "
             "reported as it is, without a fix.", "",
             "| cfn-lint id | name | severity | summary |", "|---|---|---|---|"]
    lines += [f"| {f.code} | [{f.name}]({f.name}.md) | {f.severity} | {f.summary} |" for f in all_fixers()]
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    return {"README.md": index(),
            **{f"{f.name}.md": render(f).replace("`cfnfix apply` changes it so:",
                                                 "`cfnfix apply --cfn-lint --unsafe-fixes` changes it so:")
               for f in all_fixers()}}


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "docs/cfn-lint")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages())} pages to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
