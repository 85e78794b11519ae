"""Reading property values the way CloudFormation would evaluate their literal parts."""

from __future__ import annotations

import json
import pkgutil
from functools import lru_cache
from typing import Any

WILDCARD = "\x00"  # stands for a part only known at deploy time (a Ref, a GetAtt, ...)


def flatten(value: Any) -> str | None:
    """A string with each intrinsic part as WILDCARD; None when the value is not string-like.

    ``Fn::Sub`` keeps its ``${...}`` text (pseudo parameters included), so patterns can name
    ``${AWS::AccountId}``; ``Fn::Join`` joins its literal parts with the delimiter.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "Fn::Sub":
            text = inner[0] if isinstance(inner, list) and inner else inner
            return text if isinstance(text, str) else None
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2:
            delimiter, parts = inner
            if not isinstance(delimiter, str) or not isinstance(parts, list):
                return None
            flat = [flatten(p) for p in parts]
            return delimiter.join(p if p is not None else WILDCARD for p in flat)
        if key == "Ref" and inner in ("AWS::Partition", "AWS::AccountId", "AWS::Region", "AWS::URLSuffix"):
            return "${" + inner + "}"
        return WILDCARD
    return None


@lru_cache(maxsize=None)
def aws_data(name: str) -> Any:
    """An AWS fact table shipped in ``cfnfix/data`` (service-linked roles, output types, ...)."""
    return json.loads(data_file(name))


def data_file(name: str) -> bytes:
    """A file of ``cfnfix/data`` by its ``/``-separated name; OSError when there is none. Read by
    the package's loader (from a folder or a zip alike), not through importlib.resources, whose
    imports (tempfile, shutil, zipfile) took a check of a small template longer than its data."""
    data = pkgutil.get_data("cfnfix.data", name)
    if data is None:  # a loader that cannot read files
        raise FileNotFoundError(name)
    return data
