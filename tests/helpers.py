"""Shared test helpers: where the corpus is, the cfn-lint oracle, and the changed-lines check."""

from __future__ import annotations

import difflib
import os
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CFNFIX_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SUFFIXES = (".json", ".yaml", ".yml", ".template")


@lru_cache(maxsize=1)
def corpus_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))


def corpus_ids() -> list[str]:
    return [str(p.relative_to(CORPUS)) for p in corpus_files()]


def lint_findings(text: str) -> set[tuple[str, str]]:
    """cfn-lint's findings as (rule id, message), positions aside; run in this process."""
    from cfnlint.api import lint

    return {(m.rule.id, m.message) for m in lint(text)}


def new_lint_findings(before: str, after: str) -> set[tuple[str, str]]:
    return lint_findings(after) - lint_findings(before)


def changed_line_ranges(before: str, after: str) -> list[tuple[str, int, int]]:
    """(tag, first, last) 0-based ranges of original lines that a diff replaces, deletes or inserts at."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    out = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append((tag, i1, i2))
    return out
