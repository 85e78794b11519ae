"""Rules from other distributions through the entry-point group `cfnfix.rules`: a tiny distribution
built from tests/fixtures/plugin and installed into a temporary venv, without the network."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "plugin"
QUEUE = "Resources:\n  Jobs:\n    Type: AWS::SQS::Queue\n"


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory):
    """A venv that sees this environment's packages (cfnfix and its dependencies) and has the
    sample plugin installed into it alone."""
    root = tmp_path_factory.mktemp("plugin")
    env = root / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # this environment's site folder, processed as one (its .pth files too: cfnfix may be editable)
    Path(purelib, "zz_parent.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    source = root / "src"
    shutil.copytree(FIXTURE, source)
    done = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                           "--no-build-isolation", "--target", purelib, str(source)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def cfnfix(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([env / "bin" / "python", "-m", "cfnfix.cli", *args], capture_output=True, text=True,
                          cwd=cwd)


def test_a_plugin_rule_is_listed_checked_and_fixed(plugin_venv, tmp_path):
    listed = cfnfix(plugin_venv, "rules", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    codes = [r["code"] for r in json.loads(listed.stdout)]
    assert "XQ001" in codes and "CFX101" in codes
    (tmp_path / "q.yaml").write_text(QUEUE)
    checked = cfnfix(plugin_venv, "check", "q.yaml", "--select", "XQ001", cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[0] == "q.yaml:3:5: XQ001 [*] Queue Jobs has no VisibilityTimeout"
    applied = cfnfix(plugin_venv, "apply", "q.yaml", "--select", "XQ001", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (tmp_path / "q.yaml").read_text() == QUEUE + "    Properties:\n      VisibilityTimeout: 300\n"


def test_the_plugin_is_only_in_the_venv_that_installed_it():
    from cfnfix.rules import all_rules

    assert "XQ001" not in [r.code for r in all_rules()]


def test_a_code_that_clashes_with_a_built_in_is_an_error_naming_both(plugin_venv, tmp_path):
    source = tmp_path / "clash"
    shutil.copytree(FIXTURE, source)
    init = source / "cfnfix_sample_plugin" / "__init__.py"
    init.write_text(init.read_text().replace('code = "XQ001"', 'code = "CFX101"'))
    (source / "pyproject.toml").write_text((source / "pyproject.toml").read_text()
                                           .replace("cfnfix-sample-plugin", "cfnfix-clashing-plugin")
                                           .replace("cfnfix_sample_plugin", "cfnfix_clashing_plugin"))
    init.parent.rename(source / "cfnfix_clashing_plugin")
    target = tmp_path / "site"
    done = subprocess.run([plugin_venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps",
                           "--no-index", "--no-build-isolation", "--target", target, str(source)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([plugin_venv / "bin" / "python", "-m", "cfnfix.cli", "rules"], capture_output=True,
                            text=True, cwd=tmp_path, env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "cfnfix: error: rule code CFX101 clashes: CFX101 queue-without-visibility-timeout (entry point "
        "unnamed-queue of cfnfix-clashing-plugin as cfnfix_clashing_plugin.UnnamedQueue) and CFX101 "
        "hardcoded-service-linked-role (built in as cfnfix.rules.hardcoded_service_linked_role."
        "HardcodedServiceLinkedRole)\n")


def _dist_info(folder: Path, name: str, entry_points: str | None) -> None:
    meta = folder / f"{name}-1.0.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (meta / "entry_points.txt").write_text(entry_points)


def test_entry_points_are_read_only_where_a_distribution_may_declare_the_group(tmp_path, monkeypatch):
    from cfnfix.errors import CfnfixError
    from cfnfix.rules import _maybe_declared, plugin_rules

    assert not _maybe_declared()  # this environment has no plugin: importlib.metadata is not needed
    assert plugin_rules() == []
    _dist_info(tmp_path / "site", "other", "[console_scripts]\nother = other:main\n")
    _dist_info(tmp_path / "site", "bare", None)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    assert not _maybe_declared()
    _dist_info(tmp_path / "site", "rules", "[cfnfix.rules]\nx = rules_pkg:Rule\n")
    assert _maybe_declared()
    with pytest.raises(CfnfixError, match="the rule plugin entry point x of rules cannot be loaded"):
        plugin_rules()  # read: importlib.metadata found it


def test_a_zip_on_the_path_is_left_to_importlib_metadata(tmp_path, monkeypatch):
    from cfnfix.rules import _maybe_declared

    (tmp_path / "plugins.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip archive
    monkeypatch.syspath_prepend(str(tmp_path / "plugins.zip"))
    assert _maybe_declared()
