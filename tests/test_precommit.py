"""The pre-commit hooks, run with `pre-commit try-repo` in a throwaway git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import CLEAN, ROOT
from .helpers import HARDCODED_ROLE as BROKEN

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to make a repository")



def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def try_repo(hook: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run([str(Path(shutil.which("pre-commit") or "pre-commit")), "try-repo", str(ROOT), hook,
                           "--all-files"], cwd=cwd, capture_output=True, text=True, env=env, timeout=900)


def test_hooks_on_a_broken_and_a_clean_template(tmp_path):
    repo = tmp_path / "infra"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "clean.yaml").write_text(CLEAN)
    (repo / "broken.yaml").write_text(BROKEN)
    (repo / "config.yaml").write_text("name: not-a-template\n")
    git("add", ".", cwd=repo)
    home = tmp_path / "pre-commit-home"

    check = try_repo("cfnfix-check", repo, home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "broken.yaml:8:16: CFX101 [*]" in check.stdout
    assert "clean.yaml" not in check.stdout and "config.yaml" not in check.stdout

    apply = try_repo("cfnfix-apply", repo, home)
    assert apply.returncode == 1  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in apply.stdout
    assert "RoleARN" not in (repo / "broken.yaml").read_text()
    assert (repo / "clean.yaml").read_text() == CLEAN

    git("add", ".", cwd=repo)
    again = try_repo("cfnfix-check", repo, home)
    assert again.returncode == 0, again.stdout + again.stderr
