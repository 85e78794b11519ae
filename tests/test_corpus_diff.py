"""`apply --diff` output applies with `git apply` and `patch -p1` for every corpus template, in its
own bytes and in four other renderings (marker: corpus)."""

from __future__ import annotations

import subprocess

import pytest

import cfnfix
from cfnfix.parse.document import parse_bytes
from cfnfix.engine import fix_document, is_template
from cfnfix.errors import ParseError

from .helpers import CORPUS, corpus_files

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not beside the project")]

SETTINGS = cfnfix.Settings(unsafe_fixes=True, extend_select=("CFX401",))


def _renderings(path, doc):
    import json

    yield "as-is", path.read_bytes(), doc.format
    yield "json-indent-2", json.dumps(doc.data, indent=2).encode(), "json"
    yield "minified-json", json.dumps(doc.data, separators=(",", ":")).encode(), "json"
    yield "crlf", doc.text.replace("\r\n", "\n").replace("\n", "\r\n").encode(), doc.format
    yield "no-final-newline", doc.text.rstrip("\r\n").encode(), doc.format


def _cases():
    """(relative name, original bytes, fixed bytes, diff) of every rendering a fix changes."""
    cases = []
    for number, path in enumerate(corpus_files()):
        try:
            doc = parse_bytes(path.read_bytes(), path.name)
        except ParseError:
            continue
        if not is_template(doc.data):
            continue
        for rendering, raw, fmt in _renderings(path, doc):
            source = parse_bytes(raw, None, fmt)
            name = f"{rendering}/{number}-{path.name}"
            fixed = fix_document(source, SETTINGS, name)
            assert fixed.error is None, (path, rendering, fixed.error)
            if fixed.changed:
                cases.append((name, raw, fixed.new_bytes, fixed.diff))
    return cases


@pytest.fixture(scope="module")
def cases():
    return _cases()


def _lay_out(folder, cases):
    for name, raw, _, _ in cases:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(raw)


@pytest.mark.parametrize("tool", [["git", "apply", "--whitespace=nowarn"], ["patch", "-p1", "--quiet", "--batch"]],
                         ids=["git-apply", "patch"])
def test_every_diff_applies_and_gives_the_fixed_bytes(tmp_path, cases, tool):
    assert len(cases) > 900
    assert sum(1 for name, raw, _, _ in cases if not raw.endswith(b"\n")) > 300  # the case of issue 10
    _lay_out(tmp_path, cases)
    diff = "".join(d for _, _, _, d in cases).encode("utf-8")
    result = subprocess.run(tool, cwd=tmp_path, input=diff, capture_output=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[:2000]
    wrong = [name for name, _, fixed, _ in cases if (tmp_path / name).read_bytes() != fixed]
    assert wrong == []
