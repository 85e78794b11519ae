"""`cfnfix outputs`: a deployed stack's Outputs as a flat {key: value} file for integration tests."""

from __future__ import annotations

import json
import time
from typing import Any

from ..errors import CfnfixError, Problem

FAILED = ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_COMPLETE", "DELETE_FAILED",
          "UPDATE_ROLLBACK_FAILED", "UPDATE_FAILED", "IMPORT_ROLLBACK_FAILED", "IMPORT_ROLLBACK_COMPLETE")


def _fail(message: str, path: str | None = None) -> CfnfixError:
    return CfnfixError(Problem(message, path))


def flat(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", []) if "OutputKey" in o}


def _check_status(stack: dict[str, Any], name: str) -> None:
    status = stack.get("StackStatus", "")
    if status in FAILED or status.endswith("_FAILED"):
        reason = stack.get("StackStatusReason")
        raise _fail(f"stack {name} is {status}" + (f": {reason}" if reason else ""))


def from_describe_stacks(path: str, name: str | None) -> dict[str, str]:
    """Outputs from a saved `aws cloudformation describe-stacks` answer."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise _fail(f"cannot read: {exc.strerror or exc}", path) from None
    except json.JSONDecodeError as exc:
        raise CfnfixError(Problem(exc.msg, path, exc.lineno, exc.colno)) from None
    stacks = data.get("Stacks") if isinstance(data, dict) else None
    if not isinstance(stacks, list) or not stacks:
        raise _fail("not a describe-stacks answer (no Stacks)", path)
    if name:
        stacks = [s for s in stacks if name in (s.get("StackName"), s.get("StackId"))]
        if not stacks:
            raise _fail(f"no stack {name} in the file", path)
    elif len(stacks) > 1:
        raise _fail("the file holds several stacks: name one", path)
    _check_status(stacks[0], stacks[0].get("StackName", name or "?"))
    return flat(stacks[0])


def from_aws(name: str, region: str | None = None, profile: str | None = None,
             endpoint_url: str | None = None, timeout: float = 1800, poll: float = 5) -> dict[str, str]:
    """Outputs of a deployed stack, waiting while it is in progress."""
    try:
        import boto3
        import botocore.exceptions
    except ImportError:
        raise _fail("`cfnfix outputs` needs boto3: pip install 'cfnfix[aws]'") from None
    session = boto3.session.Session(profile_name=profile, region_name=region)
    client = session.client("cloudformation", endpoint_url=endpoint_url)
    deadline = time.monotonic() + timeout
    while True:
        try:
            stacks = client.describe_stacks(StackName=name)["Stacks"]
        except botocore.exceptions.ClientError as exc:
            message = exc.response.get("Error", {}).get("Message", str(exc))
            raise _fail(f"stack {name}: {message}") from None
        except botocore.exceptions.BotoCoreError as exc:
            raise _fail(f"stack {name}: {exc}") from None
        stack = stacks[0]
        status = stack.get("StackStatus", "")
        if not status.endswith("_IN_PROGRESS"):
            _check_status(stack, name)
            return flat(stack)
        if time.monotonic() > deadline:
            raise _fail(f"stack {name} is still {status} after {timeout:.0f} s")
        time.sleep(poll)
