"""Write ``cfnfix/data/limits.json``: CloudFormation's template quotas a fix must not cross.

Counts and the S3 template size come from the pinned cfn-lint's ``cfnlint.helpers.LIMITS`` (the
facts its E1010-style limit rules check); the 51,200-byte ``TemplateBody`` quota is not in
cfn-lint and comes from the CloudFormation quotas page, recorded as such.

    python scripts/limits.py          # rewrite the file from the installed cfn-lint
    python scripts/limits.py --check  # exit 1 when the file and cfn-lint disagree
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "limits.json"
TEMPLATE_BODY_URL = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"


def table() -> dict:
    from cfnlint.helpers import LIMITS

    return {
        "source": {"cfn-lint": metadata.version("cfn-lint"), "from": "cfnlint.helpers.LIMITS",
                   "template_body": TEMPLATE_BODY_URL},
        "sections": {section: LIMITS[section]["number"] for section in ("Resources", "Parameters", "Outputs",
                                                                         "Mappings")},
        # bytes: the most CloudFormation reads from S3 (an error), and in a TemplateBody (a warning)
        "template_bytes": LIMITS["template"]["body"],
        "template_body_bytes": 51200,
    }


def main() -> int:
    text = json.dumps(table(), indent=2) + "\n"
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from cfn-lint {metadata.version('cfn-lint')}; run python scripts/limits.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
