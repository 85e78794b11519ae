"""What test files read of a stack: output keys, logical IDs and resource types they mention."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

TEST_SUFFIXES = (".py", ".ts", ".js", ".mjs", ".cjs", ".tsx", ".jsx")
# outputs["Key"], outputs.get("Key"), outputs.Key, also stack_outputs[...]; not `flat-outputs.json`
_OUTPUT_KEY = re.compile(
    r"""(?<![\w.-])\w*[Oo]utputs?\s*(?:\.\s*get\s*\(\s*|\[\s*)["'`](?P<a>[A-Za-z][A-Za-z0-9]*)["'`]"""
    r"""|(?<![\w.-])\w*[Oo]utputs?\s*\.\s*(?P<b>[A-Z][A-Za-z0-9]*)\b""",
)
_RESOURCE_KEY = re.compile(
    r"""Resources\s*(?:\.\s*(?P<a>[A-Za-z][A-Za-z0-9]*)|\[\s*["'`](?P<b>[A-Za-z][A-Za-z0-9]*)["'`]\s*\])"""
    r"""|["'`]Resources["'`]\s*\]\s*\[\s*["'`](?P<d>[A-Za-z][A-Za-z0-9]*)["'`]"""
    r"""|(?:resource|getResource|findResource)\w*\s*\(\s*["'`](?P<c>[A-Za-z][A-Za-z0-9]*)["'`]""",
)
_TYPE = re.compile(r"""["'`](?P<t>AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["'`]""")


@dataclass
class TestUse:
    """Everything the test files of a folder say about a stack."""

    text: str = ""
    output_keys: set[str] = field(default_factory=set)
    logical_ids: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def mentions(self, name: str) -> bool:
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", self.text) is not None


def scan(folder: str | Path) -> TestUse:
    use = TestUse()
    root = Path(folder)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in TEST_SUFFIXES
                                                 and "node_modules" not in p.parts)
    chunks = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        use.files.append(str(path))
        chunks.append(text)
        for m in _OUTPUT_KEY.finditer(text):
            use.output_keys.add(m.group("a") or m.group("b"))
        for m in _RESOURCE_KEY.finditer(text):
            use.logical_ids.add(m.group("a") or m.group("b") or m.group("c") or m.group("d"))
        use.types.update(m.group("t") for m in _TYPE.finditer(text))
    use.text = "\n".join(chunks)
    return use


# Folders that hold tests, by the names projects give them (a `tests/integration` is inside `tests`).
TEST_FOLDERS = ("tests", "test", "__tests__", "integ", "integration", "integration-tests", "e2e")
# What marks the root of a repository: the search for tests stops there (a configuration file
# does not: infra/pyproject.toml may hold cfnfix's settings while the tests lie at the root).
PROJECT_ROOT = (".git", ".hg")
# Ways a test reads a deployed stack's outputs besides `outputs["Key"]`.
_READS_STACK = re.compile(r"flat-outputs|describe_stacks|describeStacks|DescribeStacksCommand|cfn-outputs")


def find_tests(start: str | Path, reading_outputs: bool = True) -> Path | None:
    """The tests folder of the project a template lies in: a folder of TEST_FOLDERS in the
    template's folder or an ancestor up to the repository's root (the nearest folder with one of
    PROJECT_ROOT), or, outside any repository, in the template's folder or its parent. With
    ``reading_outputs``, only one whose tests read stack outputs counts (what CFX401 needs)."""
    folder = Path(start).resolve()
    chain = [folder, *folder.parents]
    root = next((i for i, f in enumerate(chain) if any((f / marker).exists() for marker in PROJECT_ROOT)), None)
    for candidate_folder in chain[:root + 1] if root is not None else chain[:2]:
        for name in TEST_FOLDERS:
            candidate = candidate_folder / name
            if candidate.is_dir() and (not reading_outputs or reads_outputs(candidate)):
                return candidate
    return None


@lru_cache(maxsize=256)
def reads_outputs(folder: Path) -> bool:
    use = scan(folder)
    return bool(use.output_keys) or _READS_STACK.search(use.text) is not None
