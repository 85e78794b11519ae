"""Property tests: random templates in many styles, random patches; invariants 1 and 2 hold."""

from __future__ import annotations

import copy
import json

import jsonpatch
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cfnfix import pointer as jp
from cfnfix.parse.document import parse_bytes, parse_text
from cfnfix.write.render import YamlRenderer
from cfnfix.write.style import Style
from cfnfix.write.writer import write

NAMES = st.sampled_from(["Alpha", "Beta", "Gamma", "VpcId", "Tags", "Key", "Value", "yes", "on", "80",
                         "2010-09-09", "Name With Space", "a:b", "x-y_z"])
TEXT = st.one_of(
    st.sampled_from(["", "yes", "no", "null", "~", "2010-09-09", "0777", "1:20", "1e3", ".inf", "a: b",
                     "x #y", "- item", "[x]", "{x}", "'quoted'", '"dq"', "multi\nline\n", "tail\n\n",
                     "AWS::Region", "arn:aws:s3:::bucket/*", "${AWS::StackName}-x", "café", " lead", "trail "]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)
SCALAR = st.one_of(TEXT, st.integers(-10_000, 10_000), st.booleans(),
                   st.floats(allow_nan=False, allow_infinity=False, width=32))
INTRINSIC = st.one_of(
    st.builds(lambda n: {"Ref": n}, NAMES),
    st.builds(lambda a, b: {"Fn::GetAtt": [a, b]}, NAMES, st.sampled_from(["Arn", "DNSName", "Endpoint.Address"])),
    st.builds(lambda s: {"Fn::Sub": s}, TEXT),
    st.builds(lambda parts: {"Fn::Join": ["", parts]}, st.lists(st.one_of(TEXT, st.builds(lambda n: {"Ref": n}, NAMES)), max_size=3)),
)


def trees(depth: int = 3):
    leaf = st.one_of(SCALAR, INTRINSIC)
    return st.recursive(leaf, lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(NAMES, inner, max_size=4)), max_leaves=12)


TEMPLATES = st.builds(
    lambda resources: {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources},
    st.dictionaries(st.sampled_from(["Vpc", "Bucket", "Queue", "Topic"]),
                    st.builds(lambda props: {"Type": "AWS::X::Y", "Properties": props},
                              st.dictionaries(NAMES, trees(), max_size=5)), min_size=1, max_size=3))


@st.composite
def rendered(draw):
    data = draw(TEMPLATES)
    kind = draw(st.sampled_from(["json", "yaml-pyyaml", "yaml-cfnfix"]))
    if kind == "json":
        indent = draw(st.sampled_from([None, 2, 4, "\t"]))
        text = json.dumps(data, indent=indent, ensure_ascii=draw(st.booleans()))
        fmt = "json"
    elif kind == "yaml-pyyaml":
        text = yaml.safe_dump(data, default_flow_style=draw(st.sampled_from([False, True, None])),
                              indent=draw(st.sampled_from([2, 4])), allow_unicode=True, sort_keys=False)
        fmt = "yaml"
    else:
        style = Style(indent=" " * draw(st.sampled_from([2, 4])), seq_indent=draw(st.sampled_from([0, 2, 4])),
                      quote=draw(st.sampled_from(["'", '"'])), short_form=draw(st.booleans()),
                      getatt_dotted=draw(st.booleans()))
        text = YamlRenderer(style).mapping(data, 0) + "\n"
        fmt = "yaml"
    if draw(st.booleans()):
        text = text.rstrip("\n")
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    bom = draw(st.booleans())
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8"), fmt


def _paths(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (str(i),))


@st.composite
def patches(draw, data):
    ops = []
    state = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 4))):
        candidates = [(p, v) for p, v in _paths(state) if len(p) >= 3]
        if not candidates:
            break
        path, value = draw(st.sampled_from(candidates))
        kind = draw(st.sampled_from(["replace", "remove", "add"]))
        if kind == "add" and isinstance(value, dict):
            key = draw(NAMES.filter(lambda k: k not in value))
            op = {"op": "add", "path": jp.join(path + (key,)), "value": draw(trees())}
        elif kind == "add" and isinstance(value, list):
            index = draw(st.integers(0, len(value)))
            op = {"op": "add", "path": jp.join(path + (str(index) if draw(st.booleans()) or index < len(value) else "-",)),
                  "value": draw(trees())}
        elif kind == "remove":
            op = {"op": "remove", "path": jp.join(path)}
        else:
            op = {"op": "replace", "path": jp.join(path), "value": draw(trees())}
        state = jsonpatch.apply_patch(state, [op])
        ops.append(op)
    return ops


COMMON = settings()  # the profile of tests/conftest.py


@COMMON
@given(rendered())
def test_null_write_is_byte_identical(sample):
    raw, fmt = sample
    doc = parse_bytes(raw, "t." + fmt)
    assert write(doc, []).to_bytes() == raw


@COMMON
@given(st.data())
def test_random_patches_read_back_exactly(data):
    raw, fmt = data.draw(rendered())
    doc = parse_bytes(raw, "t." + fmt)
    ops = data.draw(patches(doc.data))
    new = write(doc, ops)
    expected = jsonpatch.apply_patch(copy.deepcopy(doc.data), ops)
    assert parse_text(new.text, fmt).data == expected
    assert new.bom == doc.bom
    if "\r\n" in doc.text:
        assert "\n" not in new.text.replace("\r\n", "")
