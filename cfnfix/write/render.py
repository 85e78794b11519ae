"""New values rendered as text in a file's own style (YAML block or flow, or JSON)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..parse.source import key_tag
from .style import Style

_resolver = Resolver()
# YAML 1.2 core schema forms that 1.1 reads as strings: quote them too, so any parser agrees.
_YAML12_TYPED = re.compile(
    r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[yYnN]|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$""",
    re.X,
)
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}")
_UNSAFE_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_LONG_TO_TAG = {"Ref": "!Ref"}


def intrinsic_name(value: Any) -> str | None:
    """``Fn::Sub`` / ``Ref`` when value is a one-key intrinsic mapping, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        if key == "Ref" or key.startswith("Fn::"):
            return key
    return None


def _short_ok(value: Any) -> bool:
    """Whether a one-key intrinsic can be written as a tag: a tagged scalar always reads as a
    string, so ``{"Ref": 0}`` keeps its long form, and ``!GetAtt A.B`` reads as ``[A, B]``, so
    ``{"Fn::GetAtt": "A.B"}`` does too."""
    (key, inner), = value.items()
    if key == "Fn::GetAtt" and isinstance(inner, str):
        return False
    return isinstance(inner, (str, dict, list))


def short_possible(value: dict) -> bool:
    """Whether a one-key intrinsic written in long form could have been a tag."""
    return _short_ok(value)


@lru_cache(maxsize=4096)  # measuring a file's habits asks it of each of its strings; they repeat
def plain_ok(value: str, flow: bool, habit: bool = False) -> bool:
    """Whether value can be written plain; ``habit``: the file itself writes it plain, which
    shows its parser takes a leading ``-``, ``?`` or ``:`` before a non-space in block context."""
    if not value or value != value.strip() or _UNSAFE_CHARS.search(value) or "\n" in value:
        return False
    leading_ok = habit and not flow and value[0] in "-?:" and len(value) > 1 and not value[1].isspace()
    if (value[0] in _PLAIN_FIRST_BAD and not leading_ok) or ": " in value or " #" in value \
            or value.endswith(":"):
        return False
    if flow and (any(c in _FLOW_BAD for c in value) or ":," in value):
        return False
    if _YAML12_TYPED.match(value):
        return False
    return _resolver.resolve(ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"


def _flowable(items: list) -> bool:
    for item in items:
        if isinstance(item, dict):
            name = intrinsic_name(item)
            if not name or isinstance(item[name], dict) or (
                    isinstance(item[name], list) and not _flowable(item[name])):
                return False
        elif isinstance(item, list):
            if not _flowable(item):
                return False
        elif isinstance(item, str) and "\n" in item:
            return False
    return True


@lru_cache(maxsize=1)
def _default_renderer() -> "YamlRenderer":
    return YamlRenderer(Style())


# longest one-line flow list the writer writes
FLOW_WIDTH = 100


def flow_possible(tag: str, items: list, long_form: bool) -> bool:
    """Whether the writer, in a file that writes flow lists, would write this list argument of
    ``tag`` in flow (long form: ``Fn::Join: [...]``); the width is measured with default quoting."""
    if not items or not _flowable(items) or (long_form and any(isinstance(v, list) for v in items)):
        return False
    text = _default_renderer().flow(items)
    return len(text if long_form else tag + " " + text) <= FLOW_WIDTH


class YamlRenderer:
    def __init__(self, style: Style):
        self.style = style
        self.unit = len(style.indent) or 2

    # -- scalars ---------------------------------------------------------------------------

    def plain_ok(self, value: str, flow: bool, habit: bool = False) -> bool:
        return plain_ok(value, flow, habit)

    def quoted(self, value: str, quote: str | None = None) -> str:
        if (quote or self.style.quote) == "'" and not _UNSAFE_CHARS.search(value) and "\n" not in value:
            return "'" + value.replace("'", "''") + "'"
        text = json.dumps(value, ensure_ascii=False)
        return text.replace("\u2028", "\\L").replace("\u2029", "\\P").replace("\x85", "\\N")

    def scalar(self, value: Any, flow: bool = False, key: bool = False, tag: str | None = None) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        if isinstance(value, (int, float)):
            return repr(value)
        value = str(value)
        if key:
            return value if self.plain_ok(value, flow) else self.quoted(value)
        # a tag's argument is written as that tag's arguments are, any other string as the file
        # writes that string; with no habit there, as the file writes its strings (style.py)
        if tag is not None:
            habit, quote = self.style.tag_quotes.get(tag), self.style.tag_chars.get(tag)
        else:
            habit, quote = self.style.scalar_quotes.get(value), self.style.scalar_chars.get(value)
        quote = quote or self.style.quote
        if habit is None:
            habit = quote if self.style.quote_all else ""
        if habit:
            return self.quoted(value, habit)
        plain_habit = tag is None and self.style.scalar_quotes.get(value) == ""
        return value if self.plain_ok(value, flow, plain_habit) else self.quoted(value, quote)

    def key(self, name: str) -> str:
        return self.scalar(name, key=True)

    # -- flow ------------------------------------------------------------------------------

    def flow(self, value: Any, tag: str | None = None) -> str:
        """Value in flow context; ``tag``: the intrinsic tag whose argument it is."""
        name = intrinsic_name(value)
        if name and self._short(value):
            inner = value[name]
            if name == "Fn::GetAtt" and self._dotted(inner):
                return "!GetAtt " + ".".join(inner)
            if not intrinsic_name(inner):
                # a tag's string argument is quoted as the file quotes that tag, in flow as in block
                return key_tag(name) + " " + self.flow(inner, key_tag(name))
        if isinstance(value, dict):
            if not value:
                return "{}"
            tag = key_tag(name) if name else None  # a one-key intrinsic in long form
            return "{" + ", ".join(f"{self.key(k)}: {self.flow(v, tag)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, flow=True, tag=tag)

    def _short(self, value: dict) -> bool:
        """Whether this one-key intrinsic is written as a tag: as the file writes that intrinsic."""
        return self.style.short(next(iter(value))) and _short_ok(value)

    def _dotted(self, inner: Any) -> bool:
        return (self.style.getatt_dotted and isinstance(inner, list) and len(inner) == 2
                and all(isinstance(p, str) for p in inner) and "." not in inner[0]
                and self.plain_ok(".".join(inner), True))

    def inline(self, value: Any) -> str | None:
        """The one-line form of value in block context, or None when it wants a block."""
        if isinstance(value, (dict, list)) and not value:
            return "{}" if isinstance(value, dict) else "[]"
        name = intrinsic_name(value)
        if name and self._short(value):
            inner = value[name]
            if name == "Fn::GetAtt" and self._dotted(inner):
                return "!GetAtt " + ".".join(inner)
            if isinstance(inner, (dict, list)) and not inner:
                return key_tag(name) + (" {}" if isinstance(inner, dict) else " []")
            if not isinstance(inner, (dict, list)):
                if isinstance(inner, str) and "\n" in inner:
                    return None
                if inner == "" and self.style.tag_quotes.get(key_tag(name)) == "":
                    return key_tag(name)  # the file writes `!GetAZs` with nothing after it
                return key_tag(name) + " " + self.scalar(inner, tag=key_tag(name))
            if isinstance(inner, list) and _flowable(inner) and self.style.flow_list(key_tag(name)):
                text = key_tag(name) + " " + self.flow(inner)
                return text if len(text) <= FLOW_WIDTH else None
            return None
        if isinstance(value, (dict, list)):
            return None
        if isinstance(value, str) and "\n" in value:
            return None
        return self.scalar(value)

    # -- block -----------------------------------------------------------------------------

    def after_key(self, value: Any, col: int) -> str:
        """Text that follows ``key:`` for a key at column ``col``: `` value`` or a new block."""
        one_line = self.inline(value)
        if one_line is not None:
            return " " + one_line
        name = intrinsic_name(value)
        if name and self._short(value):
            inner = value[name]
            tag = key_tag(name)
            if isinstance(inner, str):
                return " " + tag + " " + self.block_scalar(inner, col + self.unit)
            if isinstance(inner, dict) and not intrinsic_name(inner):
                return " " + tag + "\n" + self.mapping(inner, col + self.unit)
            if isinstance(inner, list):
                return " " + tag + "\n" + self.sequence(inner, col + self.unit)
            # a tag on a tag is not YAML: write one of the two in long form, as the file does
            if self.style.outer_tag:
                return " " + tag + "\n" + self.mapping(inner, col + self.unit)
            return "\n" + self.mapping(value, col + self.unit)
        if isinstance(value, dict):
            return "\n" + self.mapping(value, col + self.unit)
        if isinstance(value, list):
            return "\n" + self.sequence(value, col + self.style.seq_indent)
        return " " + self.block_scalar(value, col + self.unit)

    def block_scalar(self, value: str, col: int) -> str:
        lines = value.split("\n")
        if (_UNSAFE_CHARS.search(value.replace("\n", "")) or any(l != l.rstrip() for l in lines)
                or lines[0].startswith((" ", "\t")) or value.endswith("\n\n") or not value.strip("\n")):
            # a block scalar of empty lines only reads back as "": such a value is quoted
            return self.quoted(value)
        indicator = "|" if value.endswith("\n") else "|-"
        if value.endswith("\n"):
            lines = lines[:-1]
        pad = " " * col
        return indicator + "".join("\n" + (pad + line if line else "") for line in lines)

    def mapping(self, value: dict, col: int) -> str:
        pad = " " * col
        long_form = intrinsic_name(value) is not None
        return "\n".join(pad + self.key(k) + ":" + self._member(k, v, col, long_form) for k, v in value.items())

    def _member(self, key: str, value: Any, col: int, long_form: bool) -> str:
        if long_form:
            # long-form intrinsic arguments read best inline: ``Fn::GetAtt: [Role, Arn]``
            if isinstance(value, list) and value and _flowable(value) and not any(isinstance(v, list) for v in value) \
                    and self.style.flow_list(key_tag(key)):
                text = self.flow(value)
                if len(text) <= FLOW_WIDTH:
                    return " " + text
            if isinstance(value, str) and "\n" not in value:
                return " " + self.scalar(value, tag=key_tag(key))  # quoted as that tag's argument
        return self.after_key(value, col)

    def sequence(self, value: list, col: int) -> str:
        pad = " " * col
        return "\n".join(pad + "-" + self.item(v, col) for v in value)

    def item(self, value: Any, dash_col: int) -> str:
        """Text that follows a ``-`` at column ``dash_col``."""
        one_line = self.inline(value)
        if one_line is not None:
            return " " + one_line
        if isinstance(value, dict) and not (intrinsic_name(value) and self._short(value)):
            body = self.mapping(value, dash_col + 2)
            return " " + body[dash_col + 2:]
        if isinstance(value, list):
            body = self.sequence(value, dash_col + 2)
            return " " + body[dash_col + 2:]
        text = self.after_key(value, dash_col)
        if text.startswith("\n") and isinstance(value, dict):
            # an intrinsic in long form over a tagged one: `- Fn::Base64: !Sub ...`
            return " " + self.mapping(value, dash_col + 2)[dash_col + 2:]
        return text


class JsonRenderer:
    def __init__(self, style: Style):
        self.style = style

    def scalar(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=self.style.ascii)

    def one_line(self, value: Any) -> str:
        sep, key_sep = self.style.item_sep, self.style.key_sep
        if isinstance(value, dict):
            return "{" + sep.join(self.scalar(k) + key_sep + self.one_line(v) for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + sep.join(self.one_line(v) for v in value) + "]"
        return self.scalar(value)

    def _inline(self, value: Any) -> bool:
        if isinstance(value, (dict, list)) and not value:
            return True
        if isinstance(value, list):
            return self.style.inline_scalar_lists and all(not isinstance(v, (dict, list)) for v in value)
        if isinstance(value, dict):
            name = intrinsic_name(value)
            if not (name and self.style.inline_intrinsics):
                return False
            inner = value[name]
            return not isinstance(inner, (dict, list)) or (
                isinstance(inner, list) and all(not isinstance(v, dict) or self._inline(v) for v in inner)
                and all(not isinstance(v, list) for v in inner))
        return True

    def value(self, value: Any, pad: str) -> str:
        """Value as text whose first line continues a line indented by ``pad``."""
        if self.style.one_line or self._inline(value):
            return self.one_line(value)
        inner = pad + self.style.indent
        nl = "\n"
        if isinstance(value, dict):
            members = [inner + self.scalar(k) + self.style.key_sep + self.value(v, inner) for k, v in value.items()]
            return "{" + nl + ("," + nl).join(members) + nl + pad + "}"
        items = [inner + self.value(v, inner) for v in value]
        return "[" + nl + ("," + nl).join(items) + nl + pad + "]"

    def member(self, key: str, value: Any, pad: str) -> str:
        return self.scalar(key) + self.style.key_sep + self.value(value, pad)
