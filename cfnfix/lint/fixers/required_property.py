"""E3003: a missing required property, added where its value is certain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...kit import Safety
from ...rule import Example, Fix, add_op, test_op
from ...model.template import Template
from ...values import aws_data
from ..edits import at, pattern, quoted
from ..fixer import Fixer, payload_of
from ..linter import Match


@dataclass(frozen=True)
class Missing:
    path: tuple[str, ...]  # of the object that lacks the property
    name: str
    value: Any


class RequiredProperty(Fixer):
    """Adds a missing required property whose value is certain.

    ## What it does
    Acts on cfn-lint's E3003 (a required property is missing). Where the value is certain, from
    a curated table (`cfnfix/data/required_values.json`), it adds it: CloudTrail's `IsLogging:
    true` (a trail is declared to log), DynamoDB's `SSEEnabled: true` in an `SSESpecification`.

    ## Why does this fail?
    CloudFormation rejects the resource: `Properties validation failed ... required key [...] not
    found`. The stack is not created.

    ## Fix
    Adds the property with its certain value, last in its object. For any other required
    property the finding stays and says that a value must be given by hand.

    ## Fix safety
    Safe: the template could not deploy without the property, and the value added is what
    declaring the object means.

    ## Options
    None.
    """

    code = "E3003"
    name = "required-property"
    severity = "high"
    summary = "a required property is missing"
    fix_title = "add the required property"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Missing | None:
        path = match.path
        names = quoted(match.message)
        if len(path) < 3 or path[0] != "Resources" or path[2] != "Properties" or not names \
                or "is a required property" not in match.message:
            return None
        resource = template.resources.get(path[1])
        target = at(template, path)
        if resource is None or not isinstance(target, dict) or names[0] in target:
            return None
        known = aws_data("required_values.json")["required"].get(resource.type, {}).get(pattern(path[3:]), {})
        if names[0] not in known:
            return None
        return Missing(path, names[0], known[names[0]])

    def message(self, match: Match, payload: Any) -> str:
        if payload is not None:
            return match.message
        return match.message + "; give it a value (no value is certain)"

    def fix(self, finding, template: Template, plan):
        missing: Missing = payload_of(finding)
        return Fix(f"add {missing.name}: {str(missing.value).lower() if isinstance(missing.value, bool) else missing.value}",
                   Safety.SAFE, "The template cannot deploy without it, and the value is what the object declares.",
                   (test_op(missing.path, at(template, missing.path)), add_op((*missing.path, missing.name), missing.value)))

    examples = (
        Example("logging", "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
                "      IsLogging: false\n      S3BucketName: audit-logs\n"),
        Example(
            "trail",
            "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
            "      S3BucketName: audit-logs\n",
            "Resources:\n  Trail:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n"
            "      S3BucketName: audit-logs\n      IsLogging: true\n",
            pointers=("/Resources/Trail/Properties",)),
        Example(
            "no-certain-value",
            "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: app\n",
            "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: app\n",
            pointers=("/Resources/Role/Properties",)),
        Example(
            "table-json",
            '{\n  "Resources": {\n    "Table": {\n      "Type": "AWS::DynamoDB::Table",\n      "Properties": {\n'
            '        "BillingMode": "PAY_PER_REQUEST",\n'
            '        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],\n'
            '        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],\n'
            '        "SSESpecification": {"SSEType": "KMS"}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Table": {\n      "Type": "AWS::DynamoDB::Table",\n      "Properties": {\n'
            '        "BillingMode": "PAY_PER_REQUEST",\n'
            '        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],\n'
            '        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],\n'
            '        "SSESpecification": {"SSEType": "KMS", "SSEEnabled": true}\n      }\n    }\n  }\n}\n',
            pointers=("/Resources/Table/Properties/SSESpecification",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "trail": {"modifies": ["Trail"]},
        "table-json": {"modifies": ["Table"]},
    }
