"""What a rule is (metadata, docs, options, detect, fix, examples) and the values it produces."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Literal, Mapping

from . import pointer as jp
from .kit import Plan, Safety, add_op, remove_op, replace_op, test_op  # noqa: F401  (the op builders live in the kit)
from .model.template import Template
from .options import NoRuleOptions, validated

if TYPE_CHECKING:
    from .impact import Impact
    from .validation import NoOptions  # noqa: F401  (made on first use: see __getattr__)

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
DOC_HEADINGS = ("What it does", "Why does this fail?", "Fix", "Fix safety", "Options")


class _Impact:
    """``Fix.impact``: the impact, or a ``Pending`` computation of it, done on first read. A
    report that never shows a fix's impact never pays for it; ``check`` costs only the safe
    fixes, whose safety the impact may take away."""

    def __get__(self, fix: "Fix | None", owner: type | None = None) -> "Impact | None":
        if fix is None:
            return None  # the field's default
        value = fix.__dict__.get("_impact")
        if isinstance(value, Pending):
            value = fix.__dict__["_impact"] = value.compute()
        return value

    def __set__(self, fix: "Fix", value: "Impact | Pending | None") -> None:
        # the dataclass passes the descriptor itself as the default
        fix.__dict__["_impact"] = None if isinstance(value, _Impact) else value


@dataclass(frozen=True)
class Pending:
    """The impact of ``patch`` on ``template``, not computed yet."""

    patch: tuple[dict[str, Any], ...]
    template: Template = field(repr=False)

    def compute(self) -> "Impact | None":
        from .impact import impact_of

        return impact_of(self.patch, self.template)


@dataclass(frozen=True)
class Fix:
    """RFC 6902 operations that repair a finding, how safe they are to apply unasked and why
    (``reason``, one sentence), and what they do to a deployed stack (``impact``, set by the engine
    from the patch and the resource provider schemas)."""

    title: str
    safety: Safety
    reason: str
    patch: tuple[dict[str, Any], ...] = field(hash=False)  # dicts: compared, left out of the hash
    impact: "Impact | None" = field(default=_Impact(), compare=False)  # type: ignore[assignment]
    # pointers the fix was built from besides those its patch pins (``Parameters``, when it copies
    # every parameter): a fix of the same pass that changes them makes this one wait a pass
    reads: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "safety", Safety(self.safety))
        object.__setattr__(self, "patch", tuple(self.patch))

    def __getstate__(self) -> dict[str, Any]:
        # a result sent from a worker process carries the impact, not the template it is computed from
        state = dict(self.__dict__)
        state["_impact"] = self.impact
        return state

    def with_impact(self, impact: "Impact | Pending | None") -> "Fix":
        """The fix with ``impact`` (or its pending computation); ``replace`` without ``__init__``'s
        checks, which the engine would run for every fix of a check."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, _impact=impact)
        return copy

    def paths(self) -> list[tuple[str, ...]]:
        """The paths this fix changes (its ``test`` operations only read)."""
        return [jp.split(op["path"]) for op in self.patch if op["op"] != "test"]

    def read_paths(self) -> list[tuple[str, ...]]:
        """The paths this fix was built from: its ``test`` operations and ``reads``."""
        return [jp.split(op["path"]) for op in self.patch if op["op"] == "test"] + [jp.split(p) for p in self.reads]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "safety": self.safety.value, "reason": self.reason,
                               "patch": [dict(op) for op in self.patch],
                               "impact": self.impact.to_json() if self.impact is not None else None}
        return out


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
    # what detect hands fix: an immutable record of the rule's own (not reported)
    payload: Any = field(default=None, compare=False, repr=False)

    def with_fix(self, fix: Fix | None) -> "Finding":
        return self._with(fix=fix)

    def placed(self, line: int, column: int, end_line: int, end_column: int) -> "Finding":
        """The finding at this span of its file."""
        return self._with(line=line, column=column, end_line=end_line, end_column=end_column)

    def _with(self, **changes: Any) -> "Finding":
        # ``replace`` for fields that need no checks: it runs ``__init__`` through the fields'
        # introspection, and the engine makes two copies of every finding of a check
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, **changes)
        return copy

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
    # per finding, in file order: its fix's impact as the JSON report gives it (None: no fix)
    impact: tuple[dict[str, list[str]] | None, ...] | None = None
    folder: str | None = field(default=None, compare=False)  # where it was read from

    @property
    def good(self) -> bool:
        return not self.pointers


EXPECTED = "expected.json"


def read_examples(folder: Path) -> tuple[Example, ...]:
    """The examples in ``folder``: one folder each, sorted by name, holding ``template.yaml`` or
    ``template.json``, for a bad one ``fixed.yaml``/``fixed.json``, and ``expected.json``
    (``pointers``, ``impact``, and where needed ``options`` and ``unsafe_fixes``)."""
    if not folder.is_dir():
        return ()
    examples = []
    for entry in sorted(p for p in folder.iterdir() if p.is_dir()):
        template = next((entry / f"template.{ext}" for ext in ("yaml", "json") if (entry / f"template.{ext}").is_file()),
                        None)
        if template is None:
            continue
        fmt = template.suffix[1:]
        expected = json.loads((entry / EXPECTED).read_text(encoding="utf-8")) if (entry / EXPECTED).is_file() else {}
        fixed = entry / f"fixed.{fmt}"
        impact = expected.get("impact")
        examples.append(Example(
            entry.name, _read_exact(template), _read_exact(fixed) if fixed.is_file() else None,
            tuple(expected.get("pointers", ())), fmt,  # type: ignore[arg-type]
            expected.get("options", {}), expected.get("unsafe_fixes", False),
            tuple(impact) if impact is not None else None, str(entry)))
    return tuple(examples)


def _read_exact(path: Path) -> str:
    # bytes as they are: CRLF and a missing final newline are part of an example
    return path.read_bytes().decode("utf-8")


class _Examples:
    """``Rule.examples``: read from ``examples/<rule name>/`` beside the rule's module, once."""

    def __get__(self, instance: Any, owner: type["Rule"]) -> tuple[Example, ...]:
        cached = owner.__dict__.get("_examples_read")
        if cached is None:
            cached = read_examples(owner.examples_folder())
            owner._examples_read = cached  # type: ignore[attr-defined]
        return cached


def __getattr__(name: str) -> Any:
    # `NoOptions`, the pydantic base of options declared as a model (plugins' rules), is made on
    # first use: a rule whose options are a plain dataclass (``cfnfix.options``) never needs pydantic
    if name == "NoOptions":
        from .validation import NoOptions

        return NoOptions
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    # the cfn-lint rule ids whose findings this rule's fix also resolves (reported once, by this rule)
    resolves: ClassVar[tuple[str, ...]] = ()
    # a frozen dataclass of ``option`` fields (``cfnfix.options``), or a pydantic model (``NoOptions``)
    Options: ClassVar[type] = NoRuleOptions
    # read from files beside the module (see ``read_examples``); a rule may also set a tuple here
    examples: ClassVar[tuple[Example, ...]] = _Examples()  # type: ignore[assignment]

    def __init__(self, options: Mapping[str, Any] | Any = None):
        """``options``: values to check (keys as in a configuration file, or by field name), or an
        ``Options`` instance, taken as it is."""
        if options is None or isinstance(options, Mapping):
            self.options = validated(self.Options, options)
        else:
            self.options = options

    # -- what a rule implements ------------------------------------------------------------

    def detect(self, template: Template) -> Iterable[Finding]:
        raise NotImplementedError

    def fix(self, finding: Finding, template: Template, plan: Plan) -> Fix | None:
        """The fix of one finding. ``plan`` gives free names and the shared pieces (parameters,
        conditions, mappings) of this pass: see ``kit.Plan``."""
        return None

    def runs(self, explicitly_selected: bool) -> bool:
        """Whether the rule runs at all; an opt-in rule says no unless selected by name or configured."""
        return True

    # -- helpers ---------------------------------------------------------------------------

    def finding(self, message: str, pointer: str | Iterable[str], resource: str | None = None,
                payload: Any = None) -> Finding:
        """A finding of this rule; ``payload`` is what ``fix`` needs, an immutable record of the
        rule's (a NamedTuple or a frozen dataclass)."""
        if not isinstance(pointer, str):
            pointer = jp.join(pointer)
        return Finding(self.code, self.name, self.severity, message, pointer, resource, payload=payload)

    @classmethod
    def examples_folder(cls) -> Path:
        """``examples/<name>/`` in the folder of the rule's module."""
        return Path(inspect.getfile(cls)).parent / "examples" / cls.name

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
                "summary": cls.summary, "fix": cls.fix_title, "resolves": list(cls.resolves)}

