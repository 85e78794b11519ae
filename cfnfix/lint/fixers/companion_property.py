"""E3021: a property that needs a companion, given the companion where its value is certain."""

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
class Companion:
    path: tuple[str, ...]  # of the object
    name: str
    value: Any


class CompanionProperty(Fixer):
    """Adds the companion a property needs, where its value is certain.

    ## What it does
    Acts on cfn-lint's E3021 (a property is a dependency of another): where the companion's value
    follows from the property that needs it, from a curated table
    (`cfnfix/data/required_values.json`, `companions`), it adds it: DynamoDB's `SSEType: KMS`
    beside a `KMSMasterKeyId`.

    ## Why does this fail?
    CloudFormation or the service rejects the resource: the property has no effect or is invalid
    without its companion (a KMS key id with no KMS encryption type).

    ## Fix
    Adds the companion with its certain value, last in its object. Otherwise the finding stays
    and names the companion to set.

    ## Fix safety
    Safe: the template could not deploy as written, and the value is the only one the property
    that needs it allows.

    ## Options
    None.
    """

    code = "E3021"
    name = "companion-property"
    severity = "high"
    summary = "a property that needs a companion property"
    fix_title = "add the companion property"

    def payload(self, match: Match, template: Template, matches: tuple[Match, ...]) -> Companion | None:
        path = match.path
        names = quoted(match.message)
        if len(path) < 3 or path[0] != "Resources" or path[2] != "Properties" or len(names) < 2 \
                or "is a dependency of" not in match.message:
            return None
        resource = template.resources.get(path[1])
        target = at(template, path)
        if resource is None or not isinstance(target, dict) or names[0] in target:
            return None
        table = aws_data("required_values.json")["companions"].get(resource.type, {}).get(pattern(path[3:]), {})
        known = table.get(names[1], {})
        if names[0] not in known:
            return None
        return Companion(path, names[0], known[names[0]])

    def message(self, match: Match, payload: Any) -> str:
        if payload is not None:
            return match.message
        return match.message + "; set it (no value is certain)"

    def fix(self, finding, template: Template, plan):
        companion: Companion = payload_of(finding)
        return Fix(f"add {companion.name}: {companion.value}", Safety.SAFE,
                   "The property that needs it allows only this value.",
                   (test_op(companion.path, at(template, companion.path)),
                    add_op((*companion.path, companion.name), companion.value)))

    examples = (
        Example("both", "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
                "      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n"
                "        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n"
                "        - AttributeName: id\n          KeyType: HASH\n      SSESpecification:\n"
                "        SSEEnabled: true\n        SSEType: KMS\n        KMSMasterKeyId: alias/app\n"),
        Example(
            "kms-key",
            "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
            "      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n"
            "        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n"
            "        - AttributeName: id\n          KeyType: HASH\n      SSESpecification:\n"
            "        SSEEnabled: true\n        KMSMasterKeyId: alias/app\n",
            "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
            "      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n"
            "        - AttributeName: id\n          AttributeType: S\n      KeySchema:\n"
            "        - AttributeName: id\n          KeyType: HASH\n      SSESpecification:\n"
            "        SSEEnabled: true\n        KMSMasterKeyId: alias/app\n        SSEType: KMS\n",
            pointers=("/Resources/Table/Properties/SSESpecification",)),
        Example(
            "kms-key-json",
            '{\n  "Resources": {\n    "Table": {\n      "Type": "AWS::DynamoDB::Table",\n      "Properties": {\n'
            '        "BillingMode": "PAY_PER_REQUEST",\n'
            '        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],\n'
            '        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],\n'
            '        "SSESpecification": {"SSEEnabled": true, "KMSMasterKeyId": "alias/app"}\n      }\n    }\n  }\n}\n',
            '{\n  "Resources": {\n    "Table": {\n      "Type": "AWS::DynamoDB::Table",\n      "Properties": {\n'
            '        "BillingMode": "PAY_PER_REQUEST",\n'
            '        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],\n'
            '        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],\n'
            '        "SSESpecification": {"SSEEnabled": true, "KMSMasterKeyId": "alias/app", "SSEType": "KMS"}\n'
            '      }\n    }\n  }\n}\n',
            pointers=("/Resources/Table/Properties/SSESpecification",), format="json"),
    )

    # what each bad example's fix does to a deployed stack (the non-empty parts of its impact)
    impacts = {
        "kms-key": {"modifies": ["Table"]},
        "kms-key-json": {"modifies": ["Table"]},
    }
