"""Extract the resource provider schema facts cfnfix needs from the pinned cfn-lint's bundled schemas.

Writes ``cfnfix/data/schemas/<Vendor>-<Service>.json`` (one file per service, read only for the
types a template has) and ``cfnfix/data/schemas/source.json`` (where the facts come from). Per
type: ``create_only`` (properties whose change replaces the resource, as ``/``-separated paths
below ``Properties``), ``read_only`` (the attributes, ``Fn::GetAtt`` style with dots),
``required`` and ``properties`` (top-level property names).

    python scripts/schema_table.py          # rewrite the table from the installed cfn-lint
    python scripts/schema_table.py --check  # exit 1 when the table and cfn-lint disagree
"""

from __future__ import annotations

import json
import sys
from importlib import import_module, metadata
from pathlib import Path

REGION = "us-east-1"
OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "schemas"


def _below_properties(pointer: str) -> str | None:
    prefix = "/properties/"
    return pointer[len(prefix):] if pointer.startswith(prefix) else None


def facts(schema: dict) -> dict:
    create_only = [p for p in map(_below_properties, schema.get("createOnlyProperties", [])) if p]
    read_only = [p.replace("/", ".") for p in map(_below_properties, schema.get("readOnlyProperties", [])) if p]
    return {
        "create_only": sorted(create_only),
        "read_only": sorted(read_only),
        "required": sorted(schema.get("required", [])),
        "properties": sorted(schema.get("properties", {})),
    }


def shard(type_name: str) -> str:
    return "-".join(type_name.split("::")[:2])


def table() -> tuple[dict[str, dict[str, dict]], dict]:
    """{shard: {type: facts}} from the installed cfn-lint, and the source record."""
    region = import_module("cfnlint.data.schemas.providers." + REGION.replace("-", "_"))
    resources = Path(import_module("cfnlint.data.schemas.resources").__file__).parent
    shards: dict[str, dict[str, dict]] = {}
    for type_name, digest in sorted(region.types.items()):
        schema = json.loads((resources / f"{digest}.json").read_text(encoding="utf-8"))
        shards.setdefault(shard(type_name), {})[type_name] = facts(schema)
    source = {
        "source": f"cfn-lint {metadata.version('cfn-lint')} bundled resource provider schemas, {REGION}",
        "cfn_lint": metadata.version("cfn-lint"),
        "region": REGION,
        "types": sum(len(s) for s in shards.values()),
        "generator": "scripts/schema_table.py",
    }
    return shards, source


def rendered() -> dict[str, str]:
    shards, source = table()
    files = {f"{name}.json": json.dumps(types, sort_keys=True, separators=(",", ":")) + "\n"
             for name, types in shards.items()}
    files["source.json"] = json.dumps(source, indent=2, sort_keys=True) + "\n"
    return files


def main(argv: list[str]) -> int:
    files = rendered()
    if "--check" in argv:
        present = {p.name: p.read_text(encoding="utf-8") for p in OUT.glob("*.json")}
        differ = sorted(set(files) ^ set(present) | {n for n in files if present.get(n) != files[n]})
        for name in differ:
            print(f"differs: cfnfix/data/schemas/{name}")
        return 1 if differ else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files for {json.loads(files['source.json'])['types']} types to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
