"""The servers' dependencies are optional extras: `check` never loads them, and without them the
server commands say which extra to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .helpers import CLEAN

EXTRAS = ("pygls", "lsprotocol", "mcp")


def _python(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_check_and_apply_load_no_server_module(tmp_path):
    (tmp_path / "t.yaml").write_text(CLEAN)
    code = ("import sys\nfrom cfnfix.cli import main\n"
            "for argv in (['check', 't.yaml'], ['apply', 't.yaml'], ['--version']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {EXTRAS!r}))\n")
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


# What fixing, diffs, reports of fixes, configuration files, cfn-lint, parallel runs and the
# other commands need: `check` of one clean template without a configuration file loads none
NOT_FOR_CHECK = ("jsonpatch", "jsonpointer", "difflib", "tomllib", "secrets", "ctypes", "concurrent.futures",
                 "multiprocessing", "cfnlint", "boto3", "botocore", "cfnfix.write.writer", "cfnfix.write.render",
                 "cfnfix.write.style", "cfnfix.impact", "cfnfix.lint", "cfnfix.api", "cfnfix.testing",
                 "cfnfix.ruledocs", "cfnfix.stacks.outputs", "cfnfix.stacks.testcoverage", "cfnfix.lsp", "cfnfix.mcp_server")


@pytest.mark.parametrize("name, text, also", [
    ("t.yaml", CLEAN, ()),
    ("t.json", '{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}\n', ("yaml",)),  # no PyYAML for JSON
])
def test_check_loads_nothing_it_does_not_use(tmp_path, name, text, also):
    (tmp_path / name).write_text(text)
    heavy = NOT_FOR_CHECK + also
    code = ("import sys\nfrom cfnfix.cli import main\n"
            f"code = main(['check', {name!r}])\n"
            f"print(code, sorted(m for m in {heavy!r} if m in sys.modules or any(n.startswith(m + '.') for n in sys.modules)))\n")
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


@pytest.mark.parametrize("command, module, extra", [("server", "pygls", "server"), ("mcp", "mcp", "mcp")])
def test_without_the_extra_the_server_command_names_it(tmp_path, command, module, extra):
    # the module made unimportable, as where the extra is not installed
    code = (f"import sys\nsys.modules[{module!r}] = None\nfrom cfnfix.cli import main\n"
            f"sys.exit(main([{command!r}]))\n")
    result = _python(code, tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"cfnfix: error: `cfnfix {command}` needs {module}: pip install 'cfnfix[{extra}]'\n"
