"""CFX602 hardcoded-partition-region-account: an ARN, principal or endpoint names a literal partition, region or account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from .. import kit
from ..kit import Plan, Safety
from ..rule import Finding, Fix, Rule
from ..model.graph import contents
from ..model.template import Template
from ..values import aws_data

# a part of an ARN: literal characters or Sub variables (``${AWS::Region}`` holds colons)
_SEGMENT = r"(?:\$\{[^}]*\}|[A-Za-z0-9*_-])*"
_ARN = re.compile(
    r"(?<![A-Za-z0-9])arn:(?P<partition>aws(?:-cn|-us-gov|-iso(?:-[a-z])?|-eusc)?)(?=:)"
    rf"(?::(?P<service>{_SEGMENT})(?::(?P<region>{_SEGMENT})(?::(?P<account>{_SEGMENT}))?)?)?"
    r"(?P<rest>:[A-Za-z0-9_-]*)?")
_REGION_SHAPE = r"[a-z]{2,4}(?:-[a-z]+)+-\d"
# an endpoint in a URL: https://sqs.us-east-1.amazonaws.com/...
_ENDPOINT = re.compile(
    rf"https?://(?P<host>[A-Za-z0-9${{}}:.-]*?)[.-](?P<region>{_REGION_SHAPE})\.(?P<suffix>amazonaws\.com(?:\.cn)?)"
    r"(?![A-Za-z0-9-])")
# a whole value that is a regional service principal or host: logs.us-east-1.amazonaws.com
_REGIONAL_HOST = re.compile(rf"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?P<region>{_REGION_SHAPE})\.amazonaws\.com$")
# a whole value that is a VPC endpoint service name: com.amazonaws.us-east-1.s3
_SERVICE_NAME = re.compile(rf"^com\.amazonaws\.(?P<region>{_REGION_SHAPE})\.[a-z0-9.-]+$")
_ACCOUNT = re.compile(r"^\d{12}$")
# what a literal may hold in ``${...}``: IAM policy variables (``${aws:username}``), escaped in the
# Sub; anything else (``${AWS::AccountId}`` without its Sub, another tool's ``${self:custom}``) is
# left as it is
_POLICY_VARIABLE = re.compile(r"\$\{(?:aws|s3|sts|ec2|iam|saml|cognito-identity\.amazonaws\.com|www\.amazon\.com"
                              r"|graph\.facebook\.com|accounts\.google\.com|ssm):[^}]*\}")
# the services whose ARNs always name an account
_ACCOUNT_SERVICES = frozenset({"iam", "sts"})
_HINTS = ("arn:aws", "amazonaws")


# intrinsics whose arguments are names or keys, not values to rewrite
_OPAQUE = frozenset({"Ref", "Fn::GetAtt", "Fn::FindInMap", "Condition", "Fn::GetAZs", "Fn::ImportValue",
                     "Fn::Transform", "Fn::Cidr", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"})
# keys whose literal values are words for people, not ARNs a service resolves
_LABELS = frozenset({"Description", "Tags"})
# the arguments of these that are values (the rest are delimiters, indexes or condition names)
_VALUE_ARGUMENT = {"Fn::If": (1, 2), "Fn::Join": (1,), "Fn::Split": (1,), "Fn::Select": (1,)}
# a us-east-1 ARN of these services may be one that must be in us-east-1 (CloudFront's certificate
# and web ACL, an edge-optimised API's certificate): its region is not the stack's
_EDGE_SERVICES = frozenset({"acm", "wafv2", "waf"})
_EDGE_REGION = "us-east-1"


class _Edit(NamedTuple):
    start: int
    end: int
    text: str


@dataclass
class _Candidate:
    path: tuple[str, ...]
    text: str
    sub: bool             # the text is Fn::Sub text (else a literal, which becomes Fn::Sub)
    resource: str | None
    edge: bool            # in a CloudFront resource: every region stays
    partitions: list[_Edit]
    suffixes: list[_Edit]
    regions: list[tuple[_Edit, str]]   # the edit and the region it replaces
    accounts: list[tuple[_Edit, str]]
    placeholders: list[tuple[_Edit, str]]
    owned: list[str]      # AWS-owned accounts, kept: what they are


class HardcodedPartitionRegionAccount(Rule):
    """## What it does
    Finds literal partitions (`arn:aws:`), region names and 12-digit account ids inside ARNs,
    regional service principals (`logs.us-east-1.amazonaws.com`), VPC endpoint service names
    (`com.amazonaws.us-east-1.s3`) and endpoint URLs (`https://sqs.us-east-1.amazonaws.com`) in
    resource properties and outputs, plain or inside `Fn::Sub` and `Fn::Join`.

    ## Why does this fail?
    `arn:aws:` does not exist in the China (`aws-cn`) and GovCloud (`aws-us-gov`) partitions, a
    literal region points every other region's stack at a resource that is not there, and a
    literal account id points a second account's stack at the first account. The template
    deploys once, in one place.

    ## Fix
    The value becomes `Fn::Sub` (or its `Fn::Sub` text is rewritten) with `${AWS::Partition}`,
    `${AWS::Region}`, `${AWS::AccountId}` and, in endpoint URLs, `${AWS::URLSuffix}`; what
    `Fn::Sub` would otherwise read in a literal is escaped (`${aws:username}` becomes
    `${!aws:username}`). What is kept:
    - service principals stay `service.amazonaws.com` (in `aws-cn` some differ, and URLSuffix
      is not the principal's suffix); only the region of a regional principal is rewritten;
    - the `aws` account of AWS managed policies (`arn:aws:iam::aws:policy/...`), empty regions
      and accounts (S3, IAM, CloudFront, Route 53 ARNs), and regions in bucket names or
      descriptions, which are not ARNs;
    - AWS-owned accounts (the Elastic Load Balancing log delivery accounts, the Lambda Insights
      layer publisher) and the accounts of Lambda layers: they are not the stack's account;
    - regions when the template names more than one (a second region is there on purpose), the
      regions of CloudFront resources and of us-east-1 certificate and web ACL ARNs (CloudFront
      and edge-optimised APIs need them there), and S3 endpoint URLs (a bucket lives in one
      region);
    - accounts when the template names more than one (cross-account grants);
    - a scalable target's service-linked role ARN, which CFX101 replaces.

    An ARN with a placeholder account id (`123456789012`, `111122223333`) is reported with no
    fix: it names nothing real.

    ## Fix safety
    Safe when only partitions, regions and URL suffixes are rewritten: deployed in the partition
    and region the literal names, the value is unchanged. Unsafe when an account id is rewritten:
    if the account was another one than the stack's (a cross-account grant), the value now names
    the stack's own account. Display-only with a placeholder account id.

    ## Options
    None.
    """

    code = "CFX602"
    name = "hardcoded-partition-region-account"
    severity = "medium"
    summary = "An ARN, principal or endpoint hard-codes its partition, region or account"
    fix_title = "Use ${AWS::Partition}, ${AWS::Region}, ${AWS::AccountId} and ${AWS::URLSuffix}"
    cfn_lint_ids = ("I3042",)
    resolves = cfn_lint_ids

    def detect(self, template: Template) -> Iterator[Finding]:
        facts = _facts()
        candidates: list[_Candidate] = []
        walked = contents(template)
        for name, resource in template.resources.items():
            # the strings joined by NUL: worth a walk when one of them is (no match spans two)
            if not _worth_a_walk(walked[name].text):
                continue
            edge = resource.type.startswith("AWS::CloudFront::")
            candidates += _scan(("Resources", name), resource.raw, name, edge, facts)
        for name, output in template.outputs.items():
            candidates += _scan(("Outputs", name, "Value"), output.value, None, False, facts)
        if not candidates:
            return
        regions = {region for c in candidates for _, region in c.regions}
        accounts = {account for c in candidates for _, account in c.accounts}
        # CFX101 replaces a scalable target's service-linked role ARN altogether
        targets = {r.name for r in template.of_type("AWS::ApplicationAutoScaling::ScalableTarget")}
        for candidate in candidates:
            if candidate.resource in targets and "/aws-service-role/" in candidate.text:
                continue
            yield from self._judge(candidate, len(regions) == 1, len(accounts) == 1)

    def _judge(self, c: _Candidate, one_region: bool, one_account: bool) -> Iterator[Finding]:
        edits = list(c.partitions) + list(c.suffixes)
        if one_region:
            edits += [edit for edit, _ in c.regions]
        if one_account:
            edits += [edit for edit, _ in c.accounts]
        placeholders = sorted({account for _, account in c.placeholders})
        if placeholders:
            edits += [edit for edit, _ in c.placeholders]
        if not edits:
            return
        what = []
        if c.partitions or c.suffixes:
            what.append("the partition")
        if one_region and c.regions:
            what.append("the region " + ", ".join(sorted({r for _, r in c.regions})))
        accounts = sorted({a for _, a in c.accounts}) if one_account else []
        if accounts:
            what.append("the account " + ", ".join(accounts))
        if placeholders:
            what.append("the placeholder account " + ", ".join(placeholders))
        kept = f" ({'; '.join(sorted(set(c.owned)))}, kept)" if c.owned else ""
        message = f"{_where(c)} hard-codes {_and(what)}{kept}"
        new_text = _rewrite(c.text, edits, c.sub)
        new: Any = new_text if c.sub else {"Fn::Sub": new_text}
        yield self.finding(message, c.path, c.resource,
                           _Payload(c.text, new, tuple(accounts), tuple(placeholders)))

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        found: _Payload = finding.payload
        ops = (kit.test_op(finding.pointer, found.old), kit.replace_op(finding.pointer, found.new))
        if found.placeholders:
            return Fix("Use ${AWS::AccountId} in place of the placeholder", Safety.DISPLAY_ONLY,
                       f"{', '.join(found.placeholders)} is a placeholder: the ARN names nothing real, and "
                       "only its author knows whether the stack's own account is meant.", ops)
        if found.accounts:
            return Fix("Use ${AWS::Partition}, ${AWS::Region} and ${AWS::AccountId}", Safety.UNSAFE,
                       f"The value changes in any account but {', '.join(found.accounts)}: where that was "
                       "another account (a cross-account grant), it now names the stack's own.", ops)
        return Fix("Use ${AWS::Partition}, ${AWS::Region} and ${AWS::URLSuffix}", Safety.SAFE,
                   "Deployed in the partition and region the literal names, the value is unchanged.", ops)


class _Payload(NamedTuple):
    old: str
    new: Any
    accounts: tuple[str, ...]      # rewritten to ${AWS::AccountId}
    placeholders: tuple[str, ...]  # placeholder ids: the fix is only shown


class _Facts:
    """The region and account tables."""

    def __init__(self) -> None:
        self.regions = frozenset(aws_data("regions.json")["regions"])
        owned = aws_data("aws_owned_accounts.json")
        self.owned = {account: f"{account} is the Elastic Load Balancing log delivery account of {region}"
                      for region, account in owned["elb_log_delivery"].items()}
        self.owned.update({account: f"{account} publishes the Lambda Insights layer"
                           for account in owned["lambda_insights"]})
        self.placeholders = frozenset(owned["placeholders"])


@lru_cache(maxsize=1)
def _facts() -> _Facts:
    return _Facts()


def _where(c: _Candidate) -> str:
    return f"Resource {c.resource}" if c.resource else f"Output {c.path[1]}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _rewrite(text: str, edits: list[_Edit], sub: bool) -> str:
    out: list[str] = []
    last = 0
    for edit in sorted(edits, key=lambda e: e.start):
        literal = text[last:edit.start]
        out.append(literal if sub else kit.escape_sub(literal))
        out.append(edit.text)
        last = edit.end
    tail = text[last:]
    out.append(tail if sub else kit.escape_sub(tail))
    return "".join(out)


def _scan(base: tuple[str, ...], value: Any, resource: str | None, edge: bool, facts: _Facts) -> list[_Candidate]:
    """The strings under ``value`` (a resource's entry, or an output's value) that name a literal
    partition, region or account."""
    found: list[_Candidate] = []
    # no intrinsic is skipped in the walk: a Sub variable may be named Ref or Condition
    # a resource's strings were searched already (``contents``), an output's are not
    for link, text in kit.located_strings(value, base, containing=_HINTS, searched=resource is not None):
        if not _worth_a_walk(text):
            continue
        path = kit.parts(link)
        keys = path[len(base):]
        # only properties and output values hold literals a service resolves
        reading = _reading(value, keys, plain=resource is None or keys[0] == "Properties")
        if reading is None or (reading is _LITERAL and (not _plain_ok(text) or path[-1] == "Principal")):
            continue
        candidate = _candidate(path, text, reading is _SUB, resource, edge, facts)
        if candidate:
            found.append(candidate)
    return found


_SUB, _LITERAL = "Fn::Sub text", "literal"


def _reading(value: Any, keys: tuple[str, ...], plain: bool) -> str | None:
    """How the string at ``keys`` under ``value`` may be rewritten: as the text of its ``Fn::Sub``
    (anywhere), as a literal that becomes one (where ``plain``, outside labels and user data), or
    not at all (an intrinsic's name or key argument, a Sub text's inner value)."""
    item, literal_ok, at = value, plain, 0
    while at < len(keys):
        key = keys[at]
        if isinstance(item, list):
            item, at = item[int(key)], at + 1
            continue
        function = kit.intrinsic(item)
        if function is None:
            item, literal_ok, at = item[key], literal_ok and key not in _LABELS, at + 1
            continue
        inner = item[function]
        if function == "Fn::Sub":
            if isinstance(inner, str):
                return _SUB
            rest = keys[at + 1:]
            if not isinstance(inner, list):
                return None
            if rest == ("0",):
                return _SUB
            if rest[:1] == ("1",) and len(inner) == 2 and isinstance(inner[1], dict):
                # the values of Sub's own variables are values like any other
                item, at = inner[1][keys[at + 2]], at + 3
                continue
            return None
        if function in _OPAQUE:
            return None
        if function == "Fn::Base64":
            # a user-data script: its literal text is the script's, only Sub text is rewritten
            item, literal_ok, at = inner, False, at + 1
            continue
        indexes = _VALUE_ARGUMENT.get(function)
        if isinstance(inner, list):
            index = int(keys[at + 1])
            if indexes is not None and index not in indexes:
                return None
            item, at = inner[index], at + 2
        elif indexes is None:
            item, at = inner, at + 1
        else:
            return None
    return _LITERAL if literal_ok else None


def _candidate(path: tuple[str, ...], text: str, sub: bool, resource: str | None, edge: bool,
               facts: _Facts) -> _Candidate | None:
    c = _Candidate(path, text, sub, resource, edge, [], [], [], [], [], [])
    regions = facts.regions
    for match in _ARN.finditer(text):
        if match.group("partition") and "$" not in match.group("partition"):
            c.partitions.append(_Edit(match.start("partition"), match.end("partition"), "${AWS::Partition}"))
        service = match.group("service") or ""
        region = match.group("region")
        if service in _ACCOUNT_SERVICES and match.group("account") == "":
            return None  # an IAM ARN without its account is invalid as written: cfn-lint says so
        if region and region in regions and not edge and not (
                service in _EDGE_SERVICES and region == _EDGE_REGION):
            c.regions.append((_Edit(match.start("region"), match.end("region"), "${AWS::Region}"), region))
        account = match.group("account")
        if account and _ACCOUNT.match(account):
            if account in facts.placeholders or len(set(account)) == 1:
                c.placeholders.append((_Edit(match.start("account"), match.end("account"), "${AWS::AccountId}"),
                                       account))
            elif account in facts.owned:
                c.owned.append(facts.owned[account])
            elif service == "lambda" and (match.group("rest") or "") == ":layer":
                c.owned.append(f"{account} publishes a Lambda layer")
            else:
                c.accounts.append((_Edit(match.start("account"), match.end("account"), "${AWS::AccountId}"),
                                   account))
    for match in _ENDPOINT.finditer(text):
        host = match.group("host")
        region = match.group("region")
        if region not in regions or edge or _s3_host(host):
            continue
        c.regions.append((_Edit(match.start("region"), match.end("region"), "${AWS::Region}"), region))
        c.suffixes.append(_Edit(match.start("suffix"), match.end("suffix"), "${AWS::URLSuffix}"))
    host = _REGIONAL_HOST.match(text)
    whole = _SERVICE_NAME.match(text) or (host if host and not _s3_host(text) else None)
    if whole and whole.group("region") in regions and not edge:
        c.regions.append((_Edit(whole.start("region"), whole.end("region"), "${AWS::Region}"),
                          whole.group("region")))
    if c.partitions or c.suffixes or c.regions or c.accounts or c.placeholders:
        return c
    return None


def _worth_a_walk(text: str) -> bool:
    """Whether a candidate may come of this text: an ARN's partition, a VPC endpoint service name,
    or a region before amazonaws (an endpoint, a regional host). A service principal alone
    (`lambda.amazonaws.com`) is not one; substring searches, as most templates have principals."""
    if "arn:aws" in text or "com.amazonaws." in text:
        return True
    at = text.find(".amazonaws")
    while at != -1:
        if at and text[at - 1].isdigit():
            return True
        at = text.find(".amazonaws", at + 1)
    return False


def _plain_ok(text: str) -> bool:
    """A literal that may become Fn::Sub text: its ``${`` are all IAM policy variables."""
    return "${" not in text or text.count("${") == len(_POLICY_VARIABLE.findall(text))


def _s3_host(host: str) -> bool:
    # bucket.s3.us-east-1..., s3.us-east-1..., s3-us-west-2...: a bucket lives in one region
    return host == "s3" or host.startswith(("s3.", "s3-")) or ".s3." in host or ".s3-" in host or host.endswith(".s3")
