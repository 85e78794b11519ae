"""Write ``cfnfix/data/intrinsic_functions.json``: the intrinsic functions CloudFormation reads
(long-form keys; each short-form YAML tag is ``!`` plus the name after ``Fn::``), from the pinned
cfn-lint's ``cfnlint.helpers`` (FUNCTIONS, FUNCTION_CONDITIONS, FUNCTION_RULES).

    python scripts/intrinsics.py          # rewrite the file from the installed cfn-lint
    python scripts/intrinsics.py --check  # exit 1 when the file and cfn-lint disagree
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "intrinsic_functions.json"


def table() -> dict:
    from cfnlint.helpers import FUNCTION_CONDITIONS, FUNCTION_RULES, FUNCTIONS

    names = {name for name in FUNCTIONS | FUNCTION_CONDITIONS | FUNCTION_RULES if "[" not in name}
    return {
        "source": {"cfn-lint": metadata.version("cfn-lint"),
                   "from": "cfnlint.helpers.FUNCTIONS | FUNCTION_CONDITIONS | FUNCTION_RULES"},
        "functions": sorted(names | {"Ref", "Condition"}),
        # Fn::ForEach::<Name> (AWS::LanguageExtensions): a key pattern, not one name
        "prefixes": ["Fn::ForEach::"],
    }


def main() -> int:
    text = json.dumps(table(), indent=2) + "\n"
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from cfn-lint {metadata.version('cfn-lint')}; run python scripts/intrinsics.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
