"""RFC 6902 operations turned into minimal text edits of a template's own text, then verified."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import jsonpatch
import jsonpointer

from .. import pointer as jp
from ..parse.document import Document, parse_text
from ..errors import CfnfixError, Problem, WriteError
from .render import JsonRenderer, YamlRenderer
from ..parse.source import MAP, SEQ, TAG, Node
from .style import Style, blank_lines_between, column, style_of

SECTION_ORDER = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
                 "Mappings", "Conditions", "Transform", "Resources", "Outputs")


def _fail(message: str) -> WriteError:
    return WriteError(Problem(message))


@dataclass
class Edit:
    start: int
    end: int
    text: str
    depth: int = 0  # of the value inserted into: at one offset, an inner block's lines come first


@dataclass(frozen=True)
class TextEdit:
    """Replace ``text[start:end]`` of the text the first write started from (offsets in characters)."""

    start: int
    end: int
    text: str


class EditLog:
    """The edits of successive writes to one text, composed into edits of the first text.

    Editors take edits, not whole texts (a language server's ``TextEdit``s): the log keeps the
    current text as pieces, each either a span of the first text or new text, so the composed
    edits are exactly the splices made, never a diff of before and after.
    """

    def __init__(self, length: int):
        self.length = length
        self._pieces: list[tuple[int, int] | str] = [(0, length)] if length else []

    def _cut(self, offset: int) -> int:
        """The index of the piece that starts at ``offset`` of the current text, splitting one if needed."""
        position = 0
        for i, piece in enumerate(self._pieces):
            if position == offset:
                return i
            size = len(piece) if isinstance(piece, str) else piece[1] - piece[0]
            if offset < position + size:
                cut = offset - position
                if isinstance(piece, str):
                    halves: list[tuple[int, int] | str] = [piece[:cut], piece[cut:]]
                else:
                    halves = [(piece[0], piece[0] + cut), (piece[0] + cut, piece[1])]
                self._pieces[i:i + 1] = halves
                return i + 1
            position += size
        return len(self._pieces)

    def record(self, edits: list[Edit]) -> None:
        """One batch of non-overlapping edits of the current text, in the order they are spliced."""
        for edit in reversed(edits):  # from the end, so earlier offsets stay valid
            first = self._cut(edit.start)
            last = self._cut(edit.end)
            self._pieces[first:last] = [edit.text] if edit.text else []

    def edits(self) -> list[TextEdit]:
        result: list[TextEdit] = []
        done = 0
        new: list[str] = []
        for piece in [*self._pieces, (self.length, self.length)]:
            if isinstance(piece, str):
                new.append(piece)
                continue
            if piece[0] != done or new:
                result.append(TextEdit(done, piece[0], "".join(new)))
            new = []
            done = piece[1]
        return result


def same(a: Any, b: Any) -> bool:
    """Equality that tells ``True`` from ``1`` and ``1`` from ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def write(doc: Document, ops: list[dict], style: Style | None = None, log: EditLog | None = None) -> Document:
    """The document with ``ops`` applied as text edits; WriteError unless the result is exact.
    ``log``, if given, records the splices made, once the whole write has succeeded."""
    style = style or style_of(doc)
    batches: list[list[Edit]] = []  # recorded in ``log`` only when the result is verified
    expected = doc.data  # copied path by path as operations touch it: doc.data stays as read
    current = doc
    pending: list[Edit] = []
    touched: list[tuple[tuple[str, ...], bool, str]] = []
    for op in _expand(ops, doc.data):
        path = jp.split(op["path"])
        if op["op"] == "test":
            apply_data_in_place(expected, [op])
            continue
        parent_is_list = isinstance(_get(expected, path[:-1]), list) if path else False
        if op["op"] == "add" and parent_is_list and path[-1] == "-":
            path = path[:-1] + (str(len(_get(expected, path[:-1]))),)
            op = {**op, "path": jp.join(path)}
        expected = _own_path(expected, path)
        apply_data_in_place(expected, [{k: copy.deepcopy(v) if k == "value" else v for k, v in op.items()}])
        if any(_overlaps(path, parent_is_list, op["op"], *seen) for seen in touched):
            current = _flush(current, pending, batches)
            pending, touched = [], []
        edit, edited = _Planner(current, style).plan(op, path, expected)
        if any(jp.related(edited, seen[0]) for seen in touched):
            # the edit fell back to rewriting an enclosing value that an earlier edit touches
            current = _flush(current, pending, batches)
            pending, touched = [], []
            edit, edited = _Planner(current, style).plan(op, path, expected)
        pending.append(edit)
        touched.append((edited, parent_is_list or edited != path, op["op"]))
    current = _flush(current, pending, batches)
    if not same(current.data, expected):
        raise _fail("the edited text does not read back as the patched data; nothing was written")
    if log is not None:
        for batch in batches:
            log.record(batch)
    return current


def apply_data_in_place(data: Any, ops: list[dict]) -> None:
    try:
        jsonpatch.apply_patch(data, ops, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
        raise _fail(f"patch does not apply: {exc}") from None


def _own_path(data: Any, path: tuple[str, ...]) -> Any:
    """A new root whose containers from the root to the parent of ``path`` are fresh shallow copies,
    so an in-place operation there leaves every earlier version of the data as it was."""
    root = copy.copy(data)
    node = root
    for part in path[:-1]:
        key: Any = int(part) if isinstance(node, list) and part.isdigit() else part
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            break  # jsonpatch reports the bad path
        if not isinstance(child, (dict, list)):
            break
        child = copy.copy(child)
        node[key] = child
        node = child
    return root


def _get(data: Any, path: tuple[str, ...]) -> Any:
    try:
        return jp.resolve(data, path)
    except (KeyError, IndexError, ValueError):
        return None


def _expand(ops: list[dict], data: Any) -> list[dict]:
    """``move`` and ``copy`` as ``remove`` and ``add``, so the planner knows three verbs."""
    if not any(op.get("op") in ("move", "copy") for op in ops):
        for op in ops:
            if op.get("op") not in ("add", "remove", "replace", "test"):
                raise _fail(f"unknown patch operation {op.get('op')!r}")
        return list(ops)
    result: list[dict] = []
    state = copy.deepcopy(data)
    for op in ops:
        kind = op.get("op")
        if kind in ("move", "copy"):
            value = _get(state, jp.split(op["from"]))
            steps = [{"op": "add", "path": op["path"], "value": copy.deepcopy(value)}]
            if kind == "move":
                steps.insert(0, {"op": "remove", "path": op["from"]})
        elif kind in ("add", "remove", "replace", "test"):
            steps = [op]
        else:
            raise _fail(f"unknown patch operation {kind!r}")
        apply_data_in_place(state, [{k: v for k, v in s.items() if k != "position"} for s in steps])
        result.extend(steps)
    return result


def _overlaps(path: tuple[str, ...], in_list: bool, kind: str,
              seen: tuple[str, ...], seen_in_list: bool, seen_kind: str) -> bool:
    """Whether an operation must see the text after an earlier one of the same batch."""
    if jp.related(path, seen):
        return True
    siblings = jp.is_prefix(seen[:-1], path)
    # indices shift under earlier edits of a sequence; removals can empty a mapping
    return siblings and (in_list or seen_in_list or "remove" in (kind, seen_kind))


def _flush(doc: Document, edits: list[Edit], batches: list[list[Edit]] | None = None) -> Document:
    if not edits:
        return doc
    original = doc.text
    order = sorted(range(len(edits)), key=lambda i: (edits[i].start, -edits[i].depth, i))
    pieces: list[str] = []
    done = 0
    for i in order:
        edit = edits[i]
        if edit.start < done:
            raise _fail("two edits overlap; nothing was written")
        pieces += (original[done:edit.start], edit.text)
        done = edit.end
    pieces.append(original[done:])
    text = "".join(pieces)
    try:
        written = parse_text(text, doc.format, bom=doc.bom)
    except CfnfixError as exc:
        raise _fail(f"an edit made the text unreadable ({exc.problem.message}); nothing was written") from None
    if batches is not None:
        batches.append([edits[i] for i in order])
    return written


class _Planner:
    """Plans one operation as one edit of the current text."""

    def __init__(self, doc: Document, style: Style):
        self.doc = doc
        self.text = doc.text
        self.smap = doc.sourcemap
        self.style = style
        self.json = doc.format == "json"
        self.yaml = YamlRenderer(style)
        self.jsonr = JsonRenderer(style)

    # -- text helpers ----------------------------------------------------------------------

    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def after_line(self, i: int) -> int:
        if i > 0 and self.text[i - 1] == "\n":
            return i
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def col(self, i: int) -> int:
        return column(self.text, i)

    def lead(self, i: int) -> str:
        start = self.line_start(i)
        j = start
        while j < len(self.text) and self.text[j] in " \t":
            j += 1
        return self.text[start:j]

    def above_comments(self, line_start: int, col: int) -> int:
        """Move a line start up over the comment lines directly above it at the same indent."""
        while line_start > 0:
            prev = self.line_start(line_start - 1)
            line = self.text[prev:line_start].rstrip("\r\n")
            if line.lstrip().startswith("#") and len(line) - len(line.lstrip(" ")) == col:
                line_start = prev
            else:
                break
        return line_start

    def edit(self, start: int, end: int, text: str) -> Edit:
        if self.style.newline != "\n":
            text = text.replace("\n", self.style.newline)
        return Edit(start, end, text)

    # -- planning --------------------------------------------------------------------------

    def plan(self, op: dict, path: tuple[str, ...], expected: Any) -> tuple[Edit, tuple[str, ...]]:
        if not path:
            raise _fail("cfnfix does not replace a whole document")
        chain = self.smap.locate(path)
        for node in chain:
            if node is not None and node.shared:
                raise _fail(f"{op['path']} passes through a YAML anchor, alias or merge key; "
                            "cfnfix does not edit there")
        parent = chain[-2]
        node = chain[-1]
        kind = op["op"]
        if parent is None or parent.kind == TAG or (kind != "add" and node is None):
            return self.fallback(path, expected)
        if kind == "replace" or (kind == "add" and parent.kind == MAP and node is not None):
            edit = self.replace(path, parent, node, expected)
        elif kind == "add":
            edit = self.add(path, parent, _get(expected, path), op.get("position"))
        else:
            edit = self.remove(path, parent)
        if edit is None:
            return self.fallback(path, expected)
        edit.depth = len(path)
        return edit, path

    def fallback(self, path: tuple[str, ...], expected: Any) -> tuple[Edit, tuple[str, ...]]:
        """Rewrite the nearest enclosing value that has text of its own."""
        up = path[:-1]
        while up:
            chain = self.smap.locate(up)
            node, parent = chain[-1], chain[-2]
            if node is not None and parent is not None and parent.kind != TAG:
                if any(n is not None and n.shared for n in chain):
                    break
                edit = self.replace(up, parent, node, expected)
                if edit is not None:
                    return edit, up
            up = up[:-1]
        raise _fail(f"cannot edit {jp.join(path)} in place")

    def replace(self, path: tuple[str, ...], parent: Node, node: Node, expected: Any) -> Edit | None:
        value = _get(expected, path)
        if self.json:
            return self.edit(node.start, node.end, self.jsonr.value(value, self.lead(node.start)))
        if parent.flow:
            return self.edit(node.start, node.end, self.yaml.flow(value))
        if parent.kind == SEQ:
            # continuation lines line up with where the item starts (`-   x` has three spaces)
            return self.edit(node.start, node.end, self.yaml.item(value, self.col(node.start) - 2).lstrip(" "))
        index = parent.key_index(path[-1])
        key = parent.keys[index]
        colon = self.text.find(":", key.end)
        one_line = self.yaml.inline(value)
        same_line = self.line_start(node.start) == self.line_start(key.start)
        if one_line is not None and same_line and node.kind != TAG and node.style not in ("|", ">"):
            return self.edit(node.start, node.end, one_line)
        return self.edit(colon + 1, max(node.end, colon + 1), self.yaml.after_key(value, self.col(key.start)))

    # -- add -------------------------------------------------------------------------------

    def add(self, path: tuple[str, ...], parent: Node, value: Any, position: dict | None) -> Edit | None:
        if parent.kind == MAP:
            if not parent.keys:
                return None
            index = self._sibling(path, parent, position)
            if self.json or parent.flow:
                return self._add_flow_member(parent, path[-1], value, index)
            return self._add_block_member(parent, path[-1], value, index)
        if parent.kind != SEQ or not parent.children:
            return None
        at = int(path[-1])
        if self.json or parent.flow:
            return self._add_flow_item(parent, value, at)
        return self._add_block_item(parent, value, at)

    def _sibling(self, path: tuple[str, ...], parent: Node, position: dict | None) -> tuple[int, str]:
        """(index of sibling, 'before' or 'after') for a new key; the last key when unsaid."""
        if position:
            for where in ("before", "after"):
                if where in position:
                    index = parent.key_index(jp.split(position[where])[-1])
                    if index >= 0:
                        return index, where
        if len(path) == 1 and path[0] in SECTION_ORDER:
            # after the last section that comes earlier in the usual order, whatever order the
            # file keeps (a `Transform:` first must not pull `Conditions:` above `Parameters:`)
            rank = SECTION_ORDER.index(path[0])
            earlier = [i for i, key in enumerate(parent.keys)
                       if key.name in SECTION_ORDER and SECTION_ORDER.index(key.name) < rank]
            if earlier:
                return earlier[-1], "after"
            later = SECTION_ORDER[rank + 1:]
            for i, key in enumerate(parent.keys):
                if key.name in later:
                    return i, "before"
        return len(parent.keys) - 1, "after"

    def _add_block_member(self, parent: Node, name: str, value: Any, sibling: tuple[int, str]) -> Edit:
        index, where = sibling
        key_col = self.col(parent.keys[0].start)
        entry = self.yaml.key(name) + ":" + self.yaml.after_key(value, key_col)
        blank = blank_lines_between(self.text, parent)
        if where == "before":
            return self._insert_before(parent.keys[index].start, key_col, entry, blank)
        return self._insert_after(max(parent.children[index].end, parent.keys[index].end), key_col, entry, blank)

    def _add_block_item(self, parent: Node, value: Any, at: int) -> Edit:
        first_dash = self.text.rfind("-", 0, parent.children[0].start)
        dash_col = self.col(first_dash)
        entry = "-" + self.yaml.item(value, dash_col)
        if at < len(parent.children):
            dash = self.text.rfind("-", 0, parent.children[at].start)
            return self._insert_before(dash, dash_col, entry, False)
        return self._insert_after(parent.children[-1].end, dash_col, entry, False)

    def _insert_before(self, anchor: int, col: int, entry: str, blank: bool) -> Edit:
        start = self.line_start(anchor)
        if self.text[start:anchor].strip():
            # the sibling shares its line (``- Key: v``): put the entry there and push it down
            return self.edit(anchor, anchor, entry + "\n" + " " * col)
        start = self.above_comments(start, col)
        return self.edit(start, start, " " * col + entry + "\n" + ("\n" if blank else ""))

    def _insert_after(self, end: int, col: int, entry: str, blank: bool) -> Edit:
        point = self._past_owned_comments(self.after_line(end), col)
        gap = "\n" if blank else ""
        if point == len(self.text) and not self.text.endswith("\n"):
            scalar = self._final_block_scalar()
            if scalar is not None:
                # a clipped `|` at the very end would gain a line break: make it `|-`
                header_end = self.text.find("\n", scalar.start)
                header = self.text[scalar.start:header_end]
                if not any(c in header.split("#")[0] for c in "+-"):
                    header = header[0] + "-" + header[1:]
                    # the scalar's own lines are copied: in LF form, as ``edit`` converts line breaks
                    body = (header + self.text[header_end:point]).replace("\r\n", "\n")
                    return self.edit(scalar.start, point, body + "\n" + gap + " " * col + entry)
            return self.edit(point, point, "\n" + gap + " " * col + entry)
        return self.edit(point, point, gap + " " * col + entry + "\n")

    def _past_owned_comments(self, point: int, col: int) -> int:
        """Past the comment lines after ``point`` indented deeper than ``col``, with the blank lines
        between them: they belong to the node above (a commented-out last property), not to
        what is inserted after it."""
        owned = point
        i = point
        while i < len(self.text):
            j = self.text.find("\n", i)
            stop = len(self.text) if j < 0 else j + 1
            line = self.text[i:stop].rstrip("\r\n")
            stripped = line.lstrip(" ")
            if stripped.startswith("#") and len(line) - len(stripped) > col:
                owned = i = stop
            elif not stripped:
                i = stop
            else:
                break
        return owned

    def _final_block_scalar(self) -> Node | None:
        node: Node | None = self.smap.root
        while node is not None and node.children:
            node = node.children[-1]
        if node is not None and node.style in ("|", ">") and node.end == len(self.text):
            return node
        return None

    def _multiline(self, parent: Node, first: int) -> bool:
        return "\n" in self.text[parent.start:first]

    def _add_flow_member(self, parent: Node, name: str, value: Any, sibling: tuple[int, str]) -> Edit:
        index, where = sibling
        first = parent.keys[0].start
        multiline = self._multiline(parent, first)
        pad = self.lead(first) if multiline else self.lead(parent.start)
        if self.json:
            member = self.jsonr.member(name, value, pad)
        else:
            member = self.yaml.key(name) + ": " + self.yaml.flow(value)
        sep = "," + ("\n" + pad if multiline else (self.style.item_sep[1:] if self.json else " "))
        if where == "before":
            at = parent.keys[index].start
            return self.edit(at, at, member + sep)
        end = parent.children[index].end
        return self.edit(end, end, sep + member)

    def _add_flow_item(self, parent: Node, value: Any, at: int) -> Edit:
        first = parent.children[0].start
        multiline = self._multiline(parent, first)
        pad = self.lead(first) if multiline else self.lead(parent.start)
        item = self.jsonr.value(value, pad) if self.json else self.yaml.flow(value)
        sep = "," + ("\n" + pad if multiline else (self.style.item_sep[1:] if self.json else " "))
        if at < len(parent.children):
            start = parent.children[at].start
            return self.edit(start, start, item + sep)
        end = parent.children[-1].end
        return self.edit(end, end, sep + item)

    # -- remove ----------------------------------------------------------------------------

    def remove(self, path: tuple[str, ...], parent: Node) -> Edit | None:
        count = len(parent.children)
        if count < 2:
            return None  # the parent becomes empty: rewrite it as {} or []
        index = parent.key_index(path[-1]) if parent.kind == MAP else int(path[-1])
        child = parent.children[index]
        start = parent.keys[index].start if parent.kind == MAP else child.start
        if self.json or parent.flow:
            if index + 1 < count:
                following = parent.keys[index + 1].start if parent.kind == MAP else parent.children[index + 1].start
                return self.edit(start, following, "")
            return self.edit(parent.children[index - 1].end, child.end, "")
        if parent.kind == SEQ:
            start = self.text.rfind("-", 0, child.start)
        line = self.line_start(start)
        if self.text[line:start].strip():
            if index + 1 < count and parent.kind == MAP:
                return self.edit(start, parent.keys[index + 1].start, "")
            return None
        line = self.above_comments(line, self.col(start))
        end = max(child.end, parent.keys[index].end if parent.kind == MAP else child.end)
        stop = self.after_line(end)
        if stop == len(self.text) and not self.text.endswith("\n"):
            line = max(0, line - 1)
            if line > 0 and self.text[line - 1] == "\r":
                line -= 1
        else:
            # an entry set apart by blank lines takes one of them along, so that none doubles up
            # and none is left at the start or the end of its parent
            above = line > 0 and self._blank_line_at(self.line_start(line - 1))
            below = self._blank_line_at(stop)
            if below and (above or index == 0):
                stop = self._next_line(stop)
            elif above and index + 1 == count:
                line = self.line_start(line - 1)
        return self.edit(line, stop, "")

    def _next_line(self, i: int) -> int:
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def _blank_line_at(self, i: int) -> bool:
        j = self.text.find("\n", i)
        line = self.text[i:] if j < 0 else self.text[i:j]
        return i < len(self.text) and not line.strip()
