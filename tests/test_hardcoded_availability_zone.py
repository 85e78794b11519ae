"""CFX601's zone pattern and its data table (cfn-lint W3010's property list, kept in sync)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cfnfix.rules.hardcoded_availability_zone import zone_of


@pytest.mark.parametrize("text,zone", [
    ("us-east-1a", ("us-east-1", "a")), ("us-gov-west-1b", ("us-gov-west-1", "b")),
    ("cn-north-1a", ("cn-north-1", "a")), ("ap-southeast-2c", ("ap-southeast-2", "c")),
    ("us-west-2-lax-1a", None), ("us-east-1-wl1-bos-wlz-1", None), ("use1-az1", None),
    ("us-east-1", None), ("all", None),
])
def test_only_zone_names_of_a_region_are_zones(text, zone):
    assert zone_of(text) == zone


def test_placement_properties_are_cfn_lints():
    done = subprocess.run([sys.executable, "scripts/placement_properties.py", "--check"],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "")
