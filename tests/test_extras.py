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


@pytest.mark.parametrize("command, module, extra", [("server", "pygls", "server"), ("mcp", "mcp", "mcp")])
def test_without_the_extra_the_server_command_names_it(tmp_path, command, module, extra):
    # the module made unimportable, as where the extra is not installed
    code = (f"import sys\nsys.modules[{module!r}] = None\nfrom cfnfix.cli import main\n"
            f"sys.exit(main([{command!r}]))\n")
    result = _python(code, tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"cfnfix: error: `cfnfix {command}` needs {module}: pip install 'cfnfix[{extra}]'\n"
