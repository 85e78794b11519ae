"""`cfnfix mcp` end to end through the MCP SDK's own stdio client."""

from __future__ import annotations

import json
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import jsonpatch
import pytest

pytest.importorskip("mcp")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

from cfnfix.parse.document import parse_text  # noqa: E402

from .helpers import ROOT  # noqa: E402

EXAMPLE = ROOT / "examples" / "payment-processing"


@asynccontextmanager
async def session(cwd: Path, command: str = sys.executable, args: list[str] | None = None):
    params = StdioServerParameters(command=command, args=args or ["-m", "cfnfix.cli", "mcp"], cwd=str(cwd))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as client:
            await client.initialize()
            yield client


def answer(result) -> dict:
    assert not result.is_error, result.content
    (content,) = result.content
    data = json.loads(content.text)
    assert data == result.structured_content
    return data


def error(result) -> str:
    assert result.is_error
    (content,) = result.content
    return content.text


@pytest.mark.asyncio
async def test_tools_and_their_input_schemas(tmp_path):
    async with session(tmp_path) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert sorted(tools) == ["check", "explain", "fix"]
    schema = {name: (sorted(t.input_schema["properties"]), sorted(t.input_schema.get("required", [])))
              for name, t in tools.items()}
    assert schema == {
        "check": (["filename", "ignore", "path", "select", "text"], []),
        "fix": (["filename", "ignore", "path", "select", "text", "unsafe_fixes", "write"], []),
        "explain": (["rule"], ["rule"]),
    }
    fix = tools["fix"].input_schema["properties"]
    assert fix["write"] == {"default": False, "description": "write the fixed text back to path (inside the "
                            "working folder); otherwise nothing is written", "title": "Write", "type": "boolean"}
    assert fix["select"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    assert tools["check"].annotations.read_only_hint is True
    assert tools["fix"].annotations.read_only_hint is False
    assert all(t.description for t in tools.values())


@pytest.mark.asyncio
async def test_check_and_fix_the_example(tmp_path):
    shutil.copy(EXAMPLE / "template.yaml", tmp_path / "template.yaml")
    shutil.copytree(EXAMPLE / "tests", tmp_path / "tests")  # CFX401 runs where integration tests are
    original = (EXAMPLE / "template.yaml").read_text(encoding="utf-8")
    async with session(tmp_path) as client:
        checked = answer(await client.call_tool("check", {"path": "template.yaml"}))
        by_text = answer(await client.call_tool("check", {"text": original, "filename": "template.yaml"}))
        fixed = answer(await client.call_tool("fix", {"text": original, "unsafe_fixes": True}))
        safe = answer(await client.call_tool("fix", {"path": "template.yaml", "select": ["CFX101"]}))
    assert checked["summary"] == {"findings": 15, "fixable": 15, "suppressed": 0}
    assert [f["code"] for f in checked["findings"]] == [
        "CFX301", "CFX301", "CFX401", "CFX401", "CFX401", "CFX401", "CFX401", "CFX401", "CFX401", "CFX401",
        "CFX201", "CFX202", "CFX401", "CFX101", "CFX401"]
    cfx101 = next(f for f in checked["findings"] if f["code"] == "CFX101")
    assert (cfx101["pointer"], cfx101["line"], cfx101["column"], cfx101["fix"]["safety"]) == \
        ("/Resources/ServiceAutoScalingTarget/Properties/RoleARN", 376, 16, "safe")
    assert by_text["findings"] == checked["findings"]
    # fix: exactly the fixed example, its patch, its diff, nothing left, nothing written
    assert fixed["text"] == (EXAMPLE / "fixed" / "template.yaml").read_text(encoding="utf-8")
    assert (fixed["changed"], fixed["written"], fixed["remaining"]) == (True, False, [])
    data = jsonpatch.apply_patch(parse_text(original).data, fixed["patch"])
    assert data == parse_text(fixed["text"]).data
    assert fixed["diff"].startswith("--- a/<text>\n+++ b/<text>\n@@ ")
    assert sorted({a["code"] for a in fixed["applied"]}) == ["CFX101", "CFX201", "CFX202", "CFX301", "CFX401"]
    assert all(a["safety"] in ("safe", "unsafe") and a["title"] for a in fixed["applied"])
    assert [(a["code"], a["pointer"]) for a in safe["applied"]] == \
        [("CFX101", "/Resources/ServiceAutoScalingTarget/Properties/RoleARN")]
    (role,) = safe["applied"]
    assert role["impact"] == {"adds": ["ServiceAutoScalingRole"], "modifies": ["ServiceAutoScalingTarget"],
                              "replaces": [], "removes": [], "parameters_added": [], "parameters_removed": []}
    assert role["safety"] == "safe" and role["reason"].startswith("The template already declares IAM resources")
    assert safe["impact"] == role["impact"]
    assert "ServiceAutoScalingRole" in fixed["impact"]["adds"]
    assert safe["written"] is False and (tmp_path / "template.yaml").read_text(encoding="utf-8") == original


@pytest.mark.asyncio
async def test_bad_templates_are_tool_errors_with_file_line_and_column(tmp_path):
    (tmp_path / "broken.yaml").write_text("Resources:\n  A: [\n")
    async with session(tmp_path) as client:
        by_text = error(await client.call_tool("check", {"text": "Resources:\n  A: [\n"}))
        named = error(await client.call_tool("fix", {"text": "Resources:\n  A: [\n", "filename": "app.yaml"}))
        by_path = error(await client.call_tool("check", {"path": "broken.yaml"}))
        missing = error(await client.call_tool("check", {"path": "nowhere.yaml"}))
        neither = error(await client.call_tool("check", {}))
        unknown = error(await client.call_tool("explain", {"rule": "CFX999"}))
        wrong_type = error(await client.call_tool("check", {"text": 5}))
        binary = error(await client.call_tool("check", {"text": "\x00\x01"}))
        # and the server still answers
        explained = await client.call_tool("explain", {"rule": "CFX101"})
    message = "3:1: while parsing a flow node, did not find expected node content"
    assert by_text == f"Error executing tool check: <text>:{message}"
    assert named == f"Error executing tool fix: app.yaml:{message}"
    assert by_path == f"Error executing tool check: broken.yaml:{message}"
    assert missing == "Error executing tool check: nowhere.yaml: cannot read: No such file or directory"
    assert neither.endswith("give either text (the template) or path (a template file), not both or neither")
    from cfnfix.rules import all_rules

    assert unknown.endswith("no rule 'CFX999'; the rules are " + ", ".join(r.code for r in all_rules()))
    assert "text" in wrong_type and "string" in wrong_type.lower()
    assert binary == "Error executing tool check: <text>: binary file, not a template"
    (content,) = explained.content
    assert content.text.startswith("# hardcoded-service-linked-role (CFX101)\n\nSeverity: critical.")
    assert "## Fix safety" in content.text


@pytest.mark.asyncio
async def test_write_only_inside_the_working_folder(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path / "outside.yaml"
    shutil.copy(EXAMPLE / "template.yaml", outside)
    shutil.copy(EXAMPLE / "template.yaml", work / "template.yaml")
    shutil.copytree(EXAMPLE / "tests", work / "tests")
    (work / "link.yaml").symlink_to(outside)
    before = outside.read_bytes()
    async with session(work) as client:
        up = error(await client.call_tool("fix", {"path": "../outside.yaml", "write": True}))
        absolute = error(await client.call_tool("fix", {"path": str(outside), "write": True}))
        through_link = error(await client.call_tool("fix", {"path": "link.yaml", "write": True}))
        text_only = error(await client.call_tool("fix", {"text": "Resources: {}\n", "write": True}))
        read_only = answer(await client.call_tool("fix", {"path": "../outside.yaml"}))
        written = answer(await client.call_tool("fix", {"path": "template.yaml", "write": True,
                                                        "unsafe_fixes": True}))
    assert up == f"Error executing tool fix: ../outside.yaml: outside the working folder {work}; " \
                 "cfnfix writes only inside it"
    assert absolute.endswith("outside the working folder " + str(work) + "; cfnfix writes only inside it")
    assert through_link.endswith("outside the working folder " + str(work) + "; cfnfix writes only inside it")
    assert text_only.endswith("write: true needs a path; for text, the fixed text is in the answer")
    assert outside.read_bytes() == before
    assert read_only["changed"] is True and read_only["written"] is False
    assert written["written"] is True
    assert (work / "template.yaml").read_bytes() == (EXAMPLE / "fixed" / "template.yaml").read_bytes()
