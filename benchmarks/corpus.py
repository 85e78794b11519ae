"""The templates of a folder that the benchmarks measure: one list, shared by every benchmark."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cfnfix.engine import NotATemplate, load  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402

SUFFIXES = (".json", ".yaml", ".yml", ".template")


def templates(*folders: Path) -> list[Path]:
    """The files of ``folders`` (in sorted order, folder by folder) that cfnfix reads as templates."""
    found = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
            try:
                load(path.read_bytes(), path.name, named=False)
            except (CfnfixError, NotATemplate):
                continue
            found.append(path)
    return found
