"""What a rule is (metadata, docs, options, detect, fix, examples) and the values it produces."""

from __future__ import annotations

import inspect
import re
import textwrap
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Iterable, Literal

from pydantic import BaseModel, ConfigDict

from . import pointer as jp
from .template import Template

Severity = Literal["critical", "high", "medium", "low"]
Safety = Literal["safe", "unsafe", "display-only"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
DOC_HEADINGS = ("What it does", "Why does this fail?", "Fix", "Fix safety", "Options")


@dataclass(frozen=True)
class Fix:
    """RFC 6902 operations that repair a finding, and how safe they are to apply unasked."""

    title: str
    safety: Safety
    patch: tuple[dict[str, Any], ...] = field(hash=False)  # dicts: compared, left out of the hash

    def paths(self) -> list[tuple[str, ...]]:
        """The paths this fix changes (its ``test`` operations only read)."""
        return [jp.split(op["path"]) for op in self.patch if op["op"] != "test"]

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "safety": self.safety, "patch": [dict(op) for op in self.patch]}


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: Severity
    message: str
    pointer: str
    resource: str | None = None
    fix: Fix | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    # what the rule needs to build its fix (not reported)
    context: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_fix(self, fix: Fix | None) -> "Finding":
        return replace(self, fix=fix)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "severity": self.severity, "message": self.message,
            "resource": self.resource, "pointer": self.pointer, "line": self.line, "column": self.column,
            "end_line": self.end_line, "end_column": self.end_column,
            "fix": self.fix.to_json() if self.fix else None,
        }


@dataclass(frozen=True)
class Example:
    """A template a rule must pass (``good``) or flag and fix to exactly ``fixed`` (``bad``)."""

    name: str
    text: str
    fixed: str | None = None
    pointers: tuple[str, ...] = ()
    format: Literal["yaml", "json"] = "yaml"
    options: dict[str, Any] = field(default_factory=dict)
    unsafe_fixes: bool = False

    @property
    def good(self) -> bool:
        return not self.pointers


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              alias_generator=lambda name: name.replace("_", "-"))


class Rule:
    """One failure class: subclass, fill the metadata, write detect and fix, give examples.

    The subclass docstring is the rule's documentation in Markdown, with the headings of
    ``DOC_HEADINGS`` as ``## `` sections.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    fix_title: ClassVar[str]
    Options: ClassVar[type[BaseModel]] = NoOptions
    examples: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, options: dict[str, Any] | BaseModel | None = None):
        if isinstance(options, BaseModel):
            self.options = options
        else:
            self.options = self.Options.model_validate(options or {})

    # -- what a rule implements ------------------------------------------------------------

    def detect(self, template: Template) -> Iterable[Finding]:
        raise NotImplementedError

    def fix(self, finding: Finding, template: Template) -> Fix | None:
        return None

    def runs(self, explicitly_selected: bool) -> bool:
        """Whether the rule runs at all; an opt-in rule says no unless selected by name or configured."""
        return True

    # -- helpers ---------------------------------------------------------------------------

    def finding(self, message: str, pointer: str | Iterable[str], resource: str | None = None,
                **context: Any) -> Finding:
        if not isinstance(pointer, str):
            pointer = jp.join(pointer)
        return Finding(self.code, self.name, self.severity, message, pointer, resource, context=context)

    @classmethod
    def doc(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "").strip()

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        parts = re.split(r"^## (.+)$", cls.doc(), flags=re.M)
        return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}

    @classmethod
    def metadata(cls) -> dict[str, Any]:
        return {"code": cls.code, "name": cls.name, "severity": cls.severity,
                "summary": cls.summary, "fix": cls.fix_title}


def test_op(path: str | Iterable[str], value: Any) -> dict[str, Any]:
    return {"op": "test", "path": path if isinstance(path, str) else jp.join(path), "value": value}


def add_op(path: str | Iterable[str], value: Any, *, before: str | None = None,
           after: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"op": "add", "path": path if isinstance(path, str) else jp.join(path), "value": value}
    if before:
        op["position"] = {"before": before}
    elif after:
        op["position"] = {"after": after}
    return op


def replace_op(path: str | Iterable[str], value: Any) -> dict[str, Any]:
    return {"op": "replace", "path": path if isinstance(path, str) else jp.join(path), "value": value}


def remove_op(path: str | Iterable[str]) -> dict[str, Any]:
    return {"op": "remove", "path": path if isinstance(path, str) else jp.join(path)}
