"""Fuzz the plan reader: mutated real plans (fields dropped, renamed or retyped, ids swapped between
groups or repeated, huge numbers, any Unicode, deep nesting, damaged bytes) either load as a plan
that passes ``validate_plan`` and round-trips, or are refused with ``PlanError``. Never anything
else: an ``IndexError`` or ``RecursionError`` would reach the user as an internal error, and a
plan accepted but invalid would reach ``execute``.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe.analyze import analyze_file
from immich_dedupe.errors import PlanError
from immich_dedupe.plan import Plan
from immich_dedupe.planfile import canonical_plan, dumps_plan, loads_plan, plan_digest, validate_plan
from immich_dedupe.policy import load_policy

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@functools.cache
def _base() -> dict[str, Any]:
    """The shipped example, planned: realistic groups (first four), every action edited in."""
    example = resources.files("immich_dedupe") / "data" / "example-duplicates.json"
    with resources.as_file(example) as path:
        plan = analyze_file(path, load_policy(None))
    plan = attrs.evolve(plan, groups=plan.groups[:4])
    doc: dict[str, Any] = json.loads(dumps_plan(plan))
    return doc


Path_ = tuple[Any, ...]


def _paths(node: Any, here: Path_ = ()) -> list[Path_]:
    """Every path to a value inside ``node`` (the root excluded)."""
    found: list[Path_] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found.append((*here, key))
        found += _paths(value, (*here, key))
    return found


def _parent(doc: Any, path: Path_) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


def _ids(doc: dict[str, Any]) -> list[str]:
    """Every asset or group id still in the (possibly already mangled) document."""
    found = []
    for path in _paths(doc):
        if path[-1] in ("id", "duplicate_id"):
            value = _parent(doc, path)[path[-1]]
            if isinstance(value, str):
                found.append(value)
    return found


texts = st.text(max_size=12) | st.sampled_from(["", "\x00", "\ud800", "é", "\u202e", "../x", " " * 3, "😀"])
numbers = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([10**400, -1, 0, 2**63])
    | st.floats(allow_nan=False)
)
leaves = st.none() | st.booleans() | numbers | texts
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)


DEEP = "\x00deep\x00"  # placeholder for a deeply nested value


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def _mutate(data: st.DataObject, doc: dict[str, Any]) -> None:
    """One edit at a random place."""
    paths = _paths(doc)
    kind = data.draw(
        st.sampled_from(["drop", "rename", "retype", "swap-id", "repeat", "huge", "unicode", "deep", "empty"])
    )
    path = data.draw(st.sampled_from(paths))
    parent, key = _parent(doc, path), path[-1]
    if kind == "drop":
        del parent[key]
    elif kind == "rename" and isinstance(parent, dict):
        parent[data.draw(texts)] = parent.pop(key)
    elif kind == "retype":
        parent[key] = data.draw(values)
    elif kind == "swap-id":
        ids = _ids(doc)
        if ids:
            parent[key] = data.draw(st.sampled_from(ids))
    elif kind == "repeat" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif kind == "huge":
        parent[key] = data.draw(st.sampled_from([10**400, 2**64, -(2**64), 1e308, -1e308, 5e-324]))
    elif kind == "unicode":
        parent[key] = data.draw(st.text(min_size=1, max_size=20))
    elif kind == "deep":  # spliced into the text later: json.dumps cannot nest that deep
        parent[key] = DEEP
    elif kind == "empty":
        parent[key] = data.draw(st.sampled_from([[], {}, "", 0, None]))


def _check(data_bytes: bytes) -> None:
    """The property: a valid plan that round-trips, or PlanError; nothing else."""
    try:
        plan = loads_plan(data_bytes, name="fuzzed.json")
    except PlanError as err:
        assert str(err).startswith("fuzzed.json"), str(err)
        return
    _assert_sound(plan)


def _assert_sound(plan: Plan) -> None:
    validate_plan(plan)
    for g in plan.groups:
        if g.action == "resolve":
            assert g.keep and not set(g.keep) & set(g.delete)
            assert set(g.keep) | set(g.delete) == {a.asset.id for a in g.assets}
    again = loads_plan(dumps_plan(plan), name="again")
    assert again == canonical_plan(plan)
    assert plan_digest(again) == plan_digest(plan)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_mutated_plans_load_as_valid_plans_or_are_refused(data: st.DataObject) -> None:
    doc = copy.deepcopy(_base())
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        _mutate(data, doc)
    raw = json.dumps(doc, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    depth = data.draw(st.integers(min_value=10, max_value=5000))
    raw = raw.replace(json.dumps(DEEP).encode(), b"[" * depth + b"]" * depth)
    _check(raw)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_damaged_plan_bytes_load_as_valid_plans_or_are_refused(data: st.DataObject) -> None:
    raw = bytearray(json.dumps(_base(), indent=data.draw(st.sampled_from([None, 2]))).encode())
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        where = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if how == "flip":
            raw[where] ^= 1 << data.draw(st.integers(min_value=0, max_value=7))
        elif how == "cut":
            del raw[where:]
            if not raw:
                break
        elif how == "insert":
            raw[where:where] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del raw[where : where + data.draw(st.integers(min_value=1, max_value=40))]
            if not raw:
                break
    _check(bytes(raw))


@pytest.mark.parametrize("depth", [50, 500, 990, 5000, 200_000])
def test_any_nesting_depth_is_a_plan_error_or_a_plan(depth: int) -> None:
    doc = copy.deepcopy(_base())
    doc["policy"]["extra"] = _nested(depth) if depth < 900 else None
    raw = json.dumps(doc).encode()
    if depth >= 900:  # too deep for json.dumps itself: splice the text in
        raw = raw.replace(b'"extra": null', b'"extra": ' + b"[" * depth + b"1" + b"]" * depth, 1)
    _check(raw)


def test_the_unmutated_base_plan_loads() -> None:
    plan = loads_plan(json.dumps(_base()).encode())
    assert len(plan.groups) == 4
    _assert_sound(plan)
