"""The seed's mistake, kept on purpose: unit tests written for another stack.

`cfnfix tests examples/payment-processing/template.yaml --tests examples/payment-processing/wrong-tests`
reports the DynamoDB table these tests expect and the template does not have.
"""

import json


def load():
    with open("lib/TapStack.json", encoding="utf-8") as handle:
        return json.load(handle)


def test_table_exists():
    template = load()
    table = template["Resources"]["TurnAroundPromptTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


def test_outputs():
    outputs = load()["Outputs"]
    assert "TurnAroundPromptTableName" in outputs
    assert outputs["TurnAroundPromptTableArn"]
