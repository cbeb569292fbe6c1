"""planfile properties: exact round trips, order-independent bytes, and a schema checker that
agrees with jsonschema on every document it is shown."""

from __future__ import annotations

import copy
import json
import random
import uuid
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import schemacheck
from immich_dedupe.facts import AssetFacts
from immich_dedupe.plan import ACTIONS, GroupPlan, Plan, PlannedAsset, PlanServer, Summary
from immich_dedupe.planfile import (
    SUPPORTED_SCHEMA_VERSIONS,
    canonical_plan,
    dumps_plan,
    group_fingerprint,
    iter_plan_bytes,
    loads_plan,
    plan_digest,
    plan_schema,
)

ONE_LINE = ("albums", "breakdown", "facts", "people", "tags")  # per asset, from version 2 on
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

floats = st.floats(allow_nan=False, allow_infinity=False)
texts = st.text(max_size=8)  # any code point, lone surrogates included
_BY_TYPE: dict[str, st.SearchStrategy[Any]] = {
    "str": texts,
    "int": st.integers(min_value=-(2**63), max_value=2**63),
    "float": floats,
    "bool": st.booleans(),
    "tuple[str, ...]": st.lists(texts, max_size=3).map(tuple),
}


def _field_strategy(annotation: str) -> st.SearchStrategy[Any]:
    base = annotation.removesuffix(" | None")
    strategy = _BY_TYPE[base]
    return st.none() | strategy if annotation.endswith("| None") else strategy


_ASSET_FIELDS = {f.name: _field_strategy(str(f.type)) for f in attrs.fields(AssetFacts) if f.name != "id"}


@st.composite
def planned_assets(draw: st.DrawFn, asset_id: str) -> PlannedAsset:
    fields = {name: draw(s) for name, s in _ASSET_FIELDS.items()}
    names = draw(st.lists(texts, max_size=4, unique=True))
    return PlannedAsset(
        asset=AssetFacts(id=asset_id, **fields),
        score=draw(floats),
        breakdown={n: draw(floats) for n in names},
        facts={n: draw(st.none() | texts) for n in names},
    )


@st.composite
def group_plans(draw: st.DrawFn, ids: list[str], dup: str) -> GroupPlan:
    assets = tuple(draw(planned_assets(i)) for i in ids)
    action = draw(st.sampled_from(ACTIONS))
    shuffled = draw(st.permutations(ids))
    cut = draw(st.integers(min_value=1 if action in ("resolve", "stack") else 0, max_value=len(ids)))
    keep = shuffled[:cut]
    if action == "resolve":
        delete = shuffled[cut:]
    elif action in ("stack", "dismiss"):  # they delete nothing
        delete = []
    else:  # review and skip may leave members unplaced
        delete = shuffled[cut : draw(st.integers(min_value=cut, max_value=len(ids)))]
    return GroupPlan(
        duplicate_id=dup,
        action=action,
        keep=tuple(keep),
        delete=tuple(delete),
        immich_keep=tuple(draw(st.lists(st.sampled_from(ids), max_size=1))),
        differs_from_immich=draw(st.booleans()),
        reasons=tuple(draw(st.lists(texts, max_size=2))),
        lost_if_resolved=tuple(draw(st.lists(texts, max_size=2))),
        assets=assets,
        fingerprint=group_fingerprint(assets),
    )


uuids = st.uuids(version=4).map(str)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    sizes = draw(st.lists(st.integers(min_value=1, max_value=3), max_size=3))
    ids = draw(
        st.lists(uuids, min_size=sum(sizes) + len(sizes), max_size=sum(sizes) + len(sizes), unique=True)
    )
    groups = []
    for size in sizes:
        dup, members = ids[0], ids[1 : 1 + size]
        ids = ids[1 + size :]
        groups.append(draw(group_plans(members, dup)))
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | floats | texts,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
        max_leaves=8,
    )
    counts = st.integers(min_value=0, max_value=10**12)
    version = draw(st.sampled_from(SUPPORTED_SCHEMA_VERSIONS))
    return Plan(
        schema_version=version,
        generated_at=draw(texts),
        tool_version=draw(texts),
        source=draw(st.sampled_from(["server", "file"])),
        server=draw(st.none() | st.builds(PlanServer, url=texts, version=texts)),
        policy=draw(st.dictionaries(texts, json_values, max_size=3)),
        summary=Summary(
            groups=draw(counts),
            assets=draw(counts),
            resolve=draw(counts),
            review=draw(counts),
            skip=draw(counts),
            differs_from_immich=draw(counts),
            bytes_freed=draw(counts),
            # Version 1 files have no stack and dismiss counts: they read back as 0.
            stack=draw(counts) if version >= 2 else 0,
            dismiss=draw(counts) if version >= 2 else 0,
        ),
        groups=tuple(groups),
    )


@SETTINGS
@given(plans())
def test_load_of_dump_is_the_plan_in_canonical_order(plan: Plan) -> None:
    loaded = loads_plan(dumps_plan(plan))
    assert loaded == canonical_plan(plan)
    assert dumps_plan(loaded) == dumps_plan(plan)


@SETTINGS
@given(plans(), st.randoms(use_true_random=False))
def test_dump_bytes_do_not_depend_on_input_order(plan: Plan, rng: random.Random) -> None:
    groups = list(plan.groups)
    rng.shuffle(groups)
    shuffled = []
    for g in groups:
        assets, keep, delete = list(g.assets), list(g.keep), list(g.delete)
        for seq in (assets, keep, delete):
            rng.shuffle(seq)
        shuffled.append(attrs.evolve(g, assets=tuple(assets), keep=tuple(keep), delete=tuple(delete)))
    other = attrs.evolve(plan, groups=tuple(shuffled))
    assert dumps_plan(other) == dumps_plan(plan)
    assert plan_digest(other) == plan_digest(plan)


@SETTINGS
@given(plans(), texts)
def test_digest_ignores_only_generated_at(plan: Plan, when: str) -> None:
    assert plan_digest(attrs.evolve(plan, generated_at=when)) == plan_digest(plan)
    assert plan_digest(attrs.evolve(plan, tool_version=plan.tool_version + "x")) != plan_digest(plan)
    if plan.groups:
        g = plan.groups[0]
        flipped = attrs.evolve(g, keep=g.delete, delete=g.keep)
        if set(flipped.keep) != set(g.keep):
            assert plan_digest(attrs.evolve(plan, groups=(flipped, *plan.groups[1:]))) != plan_digest(plan)


def _reference_bytes(doc: dict[str, Any]) -> bytes:
    """The documented layout, written the slow, obvious way: ``json.dumps(indent=2)``, then
    (from version 2 on) each asset's one-line containers put back as compact JSON."""
    doc = copy.deepcopy(doc)
    marks = {}
    if doc["schema_version"] >= 2:
        for g in doc["groups"]:
            for a in g["assets"]:
                for key in ONE_LINE:
                    mark = f"one-line-{len(marks)}-{uuid.uuid4().hex}"
                    marks[json.dumps(mark)] = json.dumps(
                        a[key], sort_keys=True, ensure_ascii=False, separators=(", ", ": ")
                    )
                    a[key] = mark
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    for mark, compact in marks.items():
        assert text.count(mark) == 1
        text = text.replace(mark, compact)
    return text.encode("utf-8", "backslashreplace")


@SETTINGS
@given(plans())
def test_plan_bytes_follow_the_documented_layout(plan: Plan) -> None:
    data = dumps_plan(plan)
    assert data == _reference_bytes(json.loads(data))
    assert json.loads(data) == json.loads(_reference_bytes(json.loads(data)))
    if plan.schema_version >= 2:  # one line each, and nothing else on one line
        for line in data.decode().split("\n"):  # not splitlines(): U+2028 is text in JSON
            if line.rstrip(",").endswith(("}", "]")) and not line.strip().startswith(("}", "]")):
                key = line.strip().split('": ', 1)[0].strip('"')
                assert key in ONE_LINE or line.rstrip(",").endswith(("[]", "{}")), line


@SETTINGS
@given(plans())
def test_written_in_pieces_and_at_once_the_bytes_are_the_same(plan: Plan) -> None:
    pieces = list(iter_plan_bytes(plan))
    assert b"".join(pieces) == dumps_plan(plan)
    assert len(pieces) >= (len(plan.groups) if plan.schema_version >= 2 else 1)


# --------------------------------------------------------------------------- schemacheck vs jsonschema

json_leaves = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.5, 2.0, -1.0]) | texts
json_any = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=4,
)


def _nodes(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _nodes(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _nodes(v, (*path, i))
    return out


@st.composite
def mutated_docs(draw: st.DrawFn) -> Any:
    doc = json.loads(dumps_plan(draw(plans())))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        nodes = _nodes(doc)
        path = draw(st.sampled_from(nodes))
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        kind = draw(st.sampled_from(["replace", "delete", "add"]))
        if not path:
            if kind == "replace":
                doc = draw(json_any)
            continue
        key = path[-1]
        if kind == "replace":
            parent[key] = draw(json_any)
        elif kind == "delete":
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(texts)] = draw(json_any)
        else:
            parent.append(draw(json_any))
    return doc


def _paths_jsonschema(schema: Any, doc: Any) -> set[tuple[Any, ...]]:
    return {tuple(e.absolute_path) for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)}


def _paths_schemacheck(schema: Any, doc: Any) -> set[tuple[Any, ...]]:
    errors: list[schemacheck.Error] = []
    schemacheck.compile_schema(schema)(doc, (), errors)
    return {path for path, _ in errors}


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_docs())
def test_schemacheck_finds_errors_where_jsonschema_does_on_mutated_plans(doc: Any) -> None:
    schema = plan_schema()
    assert _paths_schemacheck(schema, doc) == _paths_jsonschema(schema, doc)


# Random small schemas from the supported subset, against random instances.
_leaf_keywords = st.one_of(
    st.builds(lambda t: {"type": t}, st.sampled_from(["string", "integer", "number", "boolean", "null"])),
    st.builds(
        lambda ts: {"type": ts},
        st.lists(st.sampled_from(["string", "integer", "array", "object", "null"]), min_size=1, unique=True),
    ),
    st.builds(lambda e: {"enum": e}, st.lists(json_leaves, min_size=1, max_size=3)),
    st.builds(lambda c: {"const": c}, json_leaves),
    st.builds(lambda n: {"minLength": n}, st.integers(0, 3)),
    st.builds(lambda n: {"maxLength": n}, st.integers(0, 3)),
    st.builds(lambda n: {"minimum": n}, st.integers(-2, 2)),
    st.builds(lambda n: {"maximum": n}, st.integers(-2, 2)),
    st.builds(lambda n: {"minItems": n}, st.integers(0, 2)),
    st.builds(lambda n: {"maxItems": n}, st.integers(0, 2)),
    st.builds(lambda p: {"pattern": p}, st.sampled_from(["^a", "b$", "[0-9]"])),
    st.just({}),
)
_no_refs = _leaf_keywords


def _extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(["a", "b", "c"])
    return st.one_of(
        st.builds(
            lambda props, req, extra: {"properties": props, "required": req, "additionalProperties": extra},
            st.dictionaries(keys, inner, max_size=2),
            st.lists(keys, max_size=2, unique=True),
            st.booleans() | inner,
        ),
        st.builds(lambda extra: {"additionalProperties": extra}, st.booleans() | inner),
        st.builds(lambda i: {"items": i}, inner),
        st.builds(lambda xs: {"anyOf": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"oneOf": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda xs: {"allOf": xs}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda i, t, e: {"if": i, "then": t, "else": e}, inner, inner, inner),
        st.builds(lambda a, b: {**a, **b}, inner, inner),
    )


small_schemas = st.recursive(_leaf_keywords | st.just({"$ref": "#/$defs/shared"}), _extend, max_leaves=6)
instances = st.recursive(
    json_leaves | st.sampled_from(["a", "ab", "b", "123"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(small_schemas, _no_refs, instances)
def test_schemacheck_agrees_with_jsonschema_on_random_schemas(
    schema: Any, shared: Any, instance: Any
) -> None:
    root = {"$defs": {"shared": shared}, "allOf": [schema]}
    ours = _paths_schemacheck(root, instance)
    theirs = _paths_jsonschema(root, instance)
    assert bool(ours) == bool(theirs), (ours, theirs)
