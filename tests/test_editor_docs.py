"""docs/editors.md: each editor's and agent's configuration block, tested as far as a test can.

Each block is read as its editor reads it (JSON, TOML; the Lua by its table literals), and the
command it names is started the way the editor would start it and spoken to over stdio.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from .helpers import ROOT

DOC = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
FIX_ALL = "source.fixAll.cfnfix"


def block(heading: str, language: str) -> str:
    """The first fenced block of ``language`` under the ``heading`` (a Markdown heading's text)."""
    section = DOC.split(f"\n{heading}\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    match = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert match, f"no {language} block under {heading}"
    return match.group(1)


def executable(command: str) -> str:
    """The command as an editor finds it on PATH: this environment's own script."""
    found = Path(sys.executable).parent / command
    return str(found) if found.exists() else (shutil.which(command) or command)


def lua_strings(table: str) -> list[str]:
    return re.findall(r'"([^"]*)"', table)


def vscode() -> dict:
    return json.loads(block("### VS Code", "json"))


def neovim() -> str:
    return block("### Neovim (0.11 or later)", "lua")


def helix() -> dict:
    return tomllib.loads(block("### Helix", "toml"))


def test_each_editor_starts_cfnfix_server_for_yaml_and_json():
    settings = vscode()
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["cfnfix", "server"]
    assert settings["glspc.server.languageId"] == ["yaml", "json"]
    for language in ("[yaml]", "[json]"):
        assert settings[language] == {"editor.codeActionsOnSave": {FIX_ALL: "explicit"}}

    lua = neovim()
    assert lua_strings(re.search(r"cmd = (\{[^}]*\})", lua).group(1)) == ["cfnfix", "server"]
    assert lua_strings(re.search(r"filetypes = (\{[^}]*\})", lua).group(1)) == ["yaml", "json"]
    assert 'vim.lsp.config("cfnfix",' in lua and 'vim.lsp.enable("cfnfix")' in lua
    assert lua_strings(re.search(r"only = (\{[^}]*\})", lua).group(1)) == [FIX_ALL]
    assert lua.count("{") == lua.count("}") and lua.count("(") == lua.count(")")

    languages = helix()
    server = languages["language-server"]["cfnfix"]
    assert [server["command"], *server["args"]] == ["cfnfix", "server"]
    assert {entry["name"]: "cfnfix" in entry["language-servers"] for entry in languages["language"]} == \
        {"yaml": True, "json": True}


def test_the_editors_command_serves_the_fix_all_kind_they_bind(tmp_path):
    pytest.importorskip("pygls")
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    command = [vscode()["glspc.server.command"], *vscode()["glspc.server.commandArguments"]]

    async def run() -> lsp.InitializeResult:
        client = LanguageClient("docs-test", "1")
        await client.start_io(executable(command[0]), *command[1:], cwd=str(tmp_path))
        result = await asyncio.wait_for(client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities())), 60)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return result

    result = asyncio.run(run())
    assert result.server_info.name == "cfnfix"
    options = result.capabilities.code_action_provider
    assert FIX_ALL in options.code_action_kinds and "quickfix" in options.code_action_kinds
    assert result.capabilities.hover_provider


def test_the_mcp_block_starts_a_server_with_the_three_tools(tmp_path):
    pytest.importorskip("mcp")
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    entry = json.loads(block("## The MCP server, for agents", "json"))["mcpServers"]["cfnfix"]
    assert entry == {"command": "cfnfix", "args": ["mcp"]}

    async def run() -> list[str]:
        params = StdioServerParameters(command=executable(entry["command"]), args=entry["args"], cwd=str(tmp_path))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                return sorted(t.name for t in (await session.list_tools()).tools)

    assert asyncio.run(run()) == ["check", "explain", "fix"]


def test_the_stdin_example_runs(tmp_path):
    import subprocess

    line = block("## stdin", "sh").strip()
    assert line == "cfnfix apply - --stdin-filename infra/app.yaml < infra/app.yaml > fixed.yaml"
    (tmp_path / "infra").mkdir()
    shutil.copy(ROOT / "examples" / "payment-processing" / "template.yaml", tmp_path / "infra" / "app.yaml")
    result = subprocess.run(line.replace("cfnfix", executable("cfnfix"), 1), shell=True, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1  # CFX201 is unsafe and stays
    fixed = (tmp_path / "fixed.yaml").read_text(encoding="utf-8")
    assert fixed != (tmp_path / "infra" / "app.yaml").read_text(encoding="utf-8")
    assert "ServiceAutoScalingRole:" in fixed
