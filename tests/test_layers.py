"""The import layering of DESIGN section 2: a folder per layer, and a table of what may import what.

base (pointer, errors, values) imports nothing else of cfnfix; parse imports only base; model
only parse; rules only model, base and the kit (the rules layer itself); write only parse;
engine composes; commands about deployed stacks and their tests sit beside it; nothing imports
cli or report but cli. A module of a layer folder is in that layer; a module at the top is in the
table by name, so a new one is placed on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .helpers import ROOT

FOLDERS = {"parse": "parse", "model": "model", "rules": "rules", "lint": "rules", "write": "write",
           "stacks": "commands"}
LAYERS = {
    "base": {"pointer", "errors", "values"},
    # the rules layer's kit sits at the top so that plugins import `cfnfix.kit` and `cfnfix.rule`
    "rules": {"rule", "kit", "options", "validation", "schemas", "impact", "disaster_recovery"},
    "engine": {"engine", "suppression", "settings", "config", "fileio", "api", "runner"},
    # where templates are written: an editor's language server and an agent's MCP server
    "editors": {"lsp", "mcp_server"},
    "leaf": {"cli", "report", "testing", "ruledocs", "__main__"},
    "package": {"__init__", "data"},
}
MAY_IMPORT = {
    "base": {"base"},
    "parse": {"base", "parse"},
    "model": {"base", "parse", "model"},
    "rules": {"base", "model", "rules"},
    "write": {"base", "parse", "write"},
    "engine": {"base", "parse", "model", "rules", "write", "engine", "package"},
    "commands": {"base", "parse", "model", "commands"},
    "editors": {"base", "parse", "model", "rules", "write", "engine", "package"},
    "leaf": {"base", "parse", "model", "rules", "write", "engine", "commands", "editors", "package"},
    "package": {"base", "parse", "model", "rules", "write", "engine", "commands", "editors", "leaf", "package"},
}
ONLY_CLI_IMPORTS = {"cli", "report"}


def layer_of(module: str) -> str:
    top = module.split(".")[0]
    if top in FOLDERS:
        return FOLDERS[top]
    for layer, modules in LAYERS.items():
        if top in modules:
            return layer
    raise AssertionError(f"cfnfix.{module} is in no layer of the table: place it")


def imports(path: Path, package: str) -> set[str]:
    """The cfnfix modules a file imports, anywhere in it (function bodies and TYPE_CHECKING too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base[1:] + ([node.module] if node.module else []))
                if node.module:
                    found.add(target)
                else:  # `from . import x`: a module, or a name of the package itself
                    prefix = target + "." if target else ""
                    found.update(prefix + a.name if _is_module(prefix + a.name) else (target or "__init__")
                                 for a in node.names)
            elif node.module and node.module.startswith("cfnfix"):
                found.add(node.module.removeprefix("cfnfix").lstrip(".") or "__init__")
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("cfnfix.") for a in node.names if a.name.startswith("cfnfix."))
    return found


def _is_module(name: str) -> bool:
    path = ROOT / "cfnfix" / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def modules():
    root = ROOT / "cfnfix"
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        name = ".".join(relative.parts)
        package = "cfnfix." + ".".join(relative.parts[:-1]) if len(relative.parts) > 1 else "cfnfix"
        yield name, path, package


def test_every_module_imports_only_what_its_layer_may():
    wrong = []
    for name, path, package in modules():
        layer = layer_of(name)
        for target in imports(path, package):
            target_layer = layer_of(target)
            if target_layer not in MAY_IMPORT[layer] and not (name == "cli" and target in ONLY_CLI_IMPORTS):
                wrong.append(f"{name} ({layer}) imports {target} ({target_layer})")
            if target.split(".")[0] in ONLY_CLI_IMPORTS and name.split(".")[0] not in ("cli", "__init__", target):
                wrong.append(f"{name} imports {target}: only cli does")
    assert wrong == []


def test_the_table_catches_a_wrong_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from .write.writer import write\nfrom . import report\n")
    assert imports(bad, "cfnfix") == {"write.writer", "report"}
    assert layer_of("write.writer") not in MAY_IMPORT[layer_of("model.template")]
    nested = tmp_path / "nested.py"
    nested.write_text("def f():\n    from ..kit import walk\n    from ..model.template import Template\n")
    assert imports(nested, "cfnfix.rules") == {"kit", "model.template"}


def test_each_layer_folder_holds_its_modules():
    # the layers are folders one can see, not only rows of a table
    root = ROOT / "cfnfix"
    for folder in FOLDERS:
        assert (root / folder / "__init__.py").is_file(), folder
    top = {p.stem for p in root.glob("*.py")}
    assert top <= set().union(*LAYERS.values()), sorted(top - set().union(*LAYERS.values()))
