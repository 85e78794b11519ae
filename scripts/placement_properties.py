"""Write ``cfnfix/data/placement_properties.json``: where templates write zones and image ids.

The availability-zone places are the keyword paths of the pinned cfn-lint's W3010 rule
(``cfnlint.rules.resources.properties.AvailabilityZone``), the image-id places those of its W2506
rule (``cfnlint.rules.resources.properties.ImageId``), each split into resource type and the
property path under ``Properties`` (``*``: every item of a list).

    python scripts/placement_properties.py          # rewrite the file from the installed cfn-lint
    python scripts/placement_properties.py --check  # exit 1 when the file and cfn-lint disagree
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "cfnfix" / "data" / "placement_properties.json"


def _paths(keywords: list[str]) -> dict[str, list[str]]:
    places: dict[str, list[str]] = {}
    for keyword in keywords:
        _, resource_type, _, path = keyword.split("/", 3)
        places.setdefault(resource_type, []).append(path)
    return {key: sorted(places[key]) for key in sorted(places)}


def table() -> dict:
    from cfnlint.rules.resources.properties.AvailabilityZone import AvailabilityZone
    from cfnlint.rules.resources.properties.ImageId import ImageId

    return {
        "source": {"cfn-lint": metadata.version("cfn-lint"),
                   "availability_zones": "cfnlint.rules.resources.properties.AvailabilityZone (W3010) keywords",
                   "image_ids": "cfnlint.rules.resources.properties.ImageId (W2506) keywords"},
        "availability_zones": _paths(AvailabilityZone().keywords),
        "image_ids": _paths(ImageId().keywords),
    }


def main() -> int:
    text = json.dumps(table(), indent=2) + "\n"
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} differs from cfn-lint {metadata.version('cfn-lint')}; run python scripts/placement_properties.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
