"""The servers' dependencies are optional extras: `check` never loads them, and without them the
server commands say which extra to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
# (a write's snapshot digest needs hashlib; importlib.metadata is read only where a plugin may be)
NOT_FOR_CHECK = ("jsonpatch", "jsonpointer", "difflib", "tomllib", "secrets", "ctypes", "concurrent.futures",
                 "hashlib", "importlib.metadata", "email",
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


ORDERS = Path(__file__).resolve().parent.parent / "examples" / "orders-api" / "template.yaml"


# pydantic checks what a user gives (a configuration file, rule options); a check with none makes
# the settings, the typed template and every rule's options as plain values
@pytest.mark.parametrize("name, flags, integration_tests", [
    ("t.yaml", [], False),
    ("t.json", [], False),
    ("orders.yaml", [], False),  # findings with fixes: every rule reads its options' defaults
    ("t.yaml", ["--select", "CFX1,CFX5", "--ignore", "CFX102"], False),  # flags of the declared types
    ("t.yaml", [], True),  # the tests folder found for CFX401 is an option of its plain type
])
def test_check_without_configuration_never_imports_pydantic(tmp_path, name, flags, integration_tests):
    texts = {"t.yaml": CLEAN, "t.json": '{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}\n'}
    if name in texts:
        (tmp_path / name).write_text(texts[name])
    else:
        shutil.copyfile(ORDERS, tmp_path / name)  # without the example's .cfnfix.toml
    if integration_tests:
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "test_stack.py").write_text('def test_logs(outputs):\n    outputs["LogsName"]\n')
    code = ("import sys\nfrom cfnfix.cli import main\n"
            f"code = main(['check', *{flags!r}, {name!r}])\n"
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m == 'cfnfix.validation'))\n")
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    # CFX401 runs with the tests found, and finds the output they read missing
    assert result.stdout.splitlines()[-1] == ("1 []" if name == "orders.yaml" or integration_tests else "0 []")
    assert ("CFX401" in result.stdout) is integration_tests


def test_options_in_a_configuration_file_are_checked_by_pydantic(tmp_path):
    # the other side of the boundary: the same check with options given validates them
    shutil.copyfile(ORDERS, tmp_path / "orders.yaml")
    (tmp_path / ".cfnfix.toml").write_text('[rules.CFX202]\nstandby-region = "eu-west-1"\n')
    code = ("import sys\nfrom cfnfix.cli import main\n"
            "code = main(['check', '--select', 'CFX202', 'orders.yaml'])\n"
            "print(code, 'pydantic' in sys.modules, 'cfnfix.validation' in sys.modules)\n")
    result = _python(code, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "1 True True"
    assert "(eu-west-1)" in result.stdout
