"""What test files read of a stack: output keys, logical IDs and resource types they mention."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
