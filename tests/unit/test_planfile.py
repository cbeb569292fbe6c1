"""planfile: deterministic plan bytes, and every way a plan file can be refused (PlanError)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from immich_dedupe import schemacheck
from immich_dedupe.errors import PlanError, UsageError
from immich_dedupe.facts import AssetFacts
from immich_dedupe.plan import SCHEMA_VERSION, GroupPlan, Plan, PlannedAsset, PlanServer, Summary
from immich_dedupe.planfile import (
    MAX_PLAN_BYTES,
    canonical_plan,
    dumps_plan,
    group_fingerprint,
    load_plan,
    loads_plan,
    plan_digest,
    plan_schema,
    validate_plan,
    write_plan,
)
from tests.factories import bare, new_id, photo, video

# --------------------------------------------------------------------------- builders


def planned(a: AssetFacts, score: float = 1.0) -> PlannedAsset:
    facts = {"gps": None if a.latitude is None else f"{a.latitude}, {a.longitude}", "time_zone": a.time_zone}
    breakdown = {"gps": 10.0 if a.latitude is not None else 0.0, "time_zone": 5.0 if a.time_zone else 0.0}
    return PlannedAsset(asset=a, score=score, breakdown=breakdown, facts=facts)


def gplan(*assets: AssetFacts, action: str = "resolve", keep: int = 0, dup: str | None = None) -> GroupPlan:
    dup = dup or new_id()
    members = tuple(planned(attrs.evolve(a, duplicate_id=dup), score=float(i)) for i, a in enumerate(assets))
    return GroupPlan(
        duplicate_id=dup,
        action=action,
        keep=(members[keep].id,),
        delete=tuple(m.id for i, m in enumerate(members) if i != keep),
        immich_keep=(members[-1].id,),
        differs_from_immich=keep != len(members) - 1,
        reasons=("keeps the copy with GPS and time zone",),
        lost_if_resolved=(),
        assets=members,
        fingerprint=group_fingerprint(members),
    )


def make_plan(*groups: GroupPlan, generated_at: str = "2026-07-30T12:00:00Z") -> Plan:
    return Plan(
        schema_version=SCHEMA_VERSION,
        generated_at=generated_at,
        tool_version="0.1.0",
        source="server",
        server=PlanServer(url="https://photos.example/api", version="3.1.0"),
        policy={"name": "default", "weights": {"gps": 10, "time_zone": 5}},
        summary=Summary(
            groups=len(groups),
            assets=sum(len(g.assets) for g in groups),
            resolve=sum(g.action == "resolve" for g in groups),
            review=sum(g.action == "review" for g in groups),
            skip=sum(g.action == "skip" for g in groups),
            differs_from_immich=sum(g.differs_from_immich for g in groups),
            bytes_freed=0,
        ),
        groups=groups,
    )


@functools.cache
def sample_plan() -> Plan:
    """Three groups (resolve, review, skip); the same records on every call."""
    return make_plan(
        gplan(photo("IMG_1.HEIC"), bare("IMG_1.jpg")),
        gplan(
            photo("IMG_2.HEIC", albums=("album-1",), tags=("Family/Kids",)),
            bare("IMG_2.jpg", albums=()),
            bare("IMG_2 (1).jpg"),
            action="review",
        ),
        gplan(video("VID_3.MOV"), video("VID_3.mp4", latitude=None, longitude=None), action="skip"),
    )


def doc_of(plan: Plan) -> dict[str, Any]:
    return json.loads(dumps_plan(plan))


def load_doc(doc: Any, tmp_path: Path) -> Plan:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return load_plan(path)


def refused(doc: Any, tmp_path: Path) -> str:
    with pytest.raises(PlanError) as info:
        load_doc(doc, tmp_path)
    return str(info.value)


# --------------------------------------------------------------------------- writing


def test_dumps_is_sorted_indented_utf8_with_a_trailing_newline() -> None:
    data = dumps_plan(sample_plan())
    text = data.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "Île-de-France" in text  # not \u00ce escapes: a person reads this file
    lines = text.splitlines()
    assert lines[:3] == ["{", '  "generated_at": "2026-07-30T12:00:00Z",', '  "groups": [']
    keys = [line.split(":")[0].strip() for line in lines if line.startswith('  "')]
    assert keys == sorted(keys) == [f'"{k}"' for k in sorted(doc_of(sample_plan()))]
    # Each asset's small containers on one line (sorted keys), everything else one value a line.
    assert '          "breakdown": {"gps": 10.0, "time_zone": 5.0},' in lines
    assert '          "tags": ["Family/Kids"],' in lines
    assert '          "albums": null,' in lines and '          "people": [],' in lines
    assert '      "delete": [' in lines and '      "reasons": [' in lines
    assert json.loads(data) == json.loads(json.dumps(doc_of(sample_plan())))


def test_groups_are_sorted_by_id_and_assets_by_date_then_id_whatever_the_input_order() -> None:
    plan = sample_plan()
    rng = random.Random(7)
    for _ in range(5):
        groups = list(plan.groups)
        rng.shuffle(groups)
        shuffled = []
        for g in groups:
            assets = list(g.assets)
            rng.shuffle(assets)
            delete = list(g.delete)
            rng.shuffle(delete)
            shuffled.append(attrs.evolve(g, assets=tuple(assets), delete=tuple(delete)))
        assert dumps_plan(attrs.evolve(plan, groups=tuple(shuffled))) == dumps_plan(plan)
    doc = doc_of(plan)
    ids = [g["duplicate_id"] for g in doc["groups"]]
    assert ids == sorted(ids)
    for g in doc["groups"]:
        order = [(a["local_date_time"], a["id"]) for a in g["assets"]]
        assert order == sorted(order)
        rank = [a["id"] for a in g["assets"]]
        assert g["delete"] == sorted(g["delete"], key=rank.index)


def test_two_runs_differ_only_in_the_generated_at_line() -> None:
    first = dumps_plan(sample_plan()).decode().splitlines()
    later = dumps_plan(attrs.evolve(sample_plan(), generated_at="2026-08-01T09:30:00Z")).decode().splitlines()
    changed = [(a, b) for a, b in zip(first, later, strict=True) if a != b]
    assert changed == [
        ('  "generated_at": "2026-07-30T12:00:00Z",', '  "generated_at": "2026-08-01T09:30:00Z",')
    ]


def test_each_asset_carries_its_server_facts_score_and_breakdown_flat_and_readable() -> None:
    doc = doc_of(sample_plan())
    a = doc["groups"][0]["assets"][0]
    for key in (
        "id",
        "original_file_name",
        "original_path",
        "type",
        "file_size",
        "checksum",
        "library_id",
        "width",
        "height",
        "date_time_original",
        "local_date_time",
        "live_photo_video_id",
        "facts",
        "score",
        "breakdown",
    ):
        assert key in a, key
    assert set(a) == {f.name for f in attrs.fields(AssetFacts)} | {"score", "breakdown", "facts"}


def test_the_plan_header_holds_the_server_url_and_version_and_no_credentials() -> None:
    doc = doc_of(sample_plan())
    assert doc["server"] == {"url": "https://photos.example/api", "version": "3.1.0"}
    assert set(doc) == {
        "schema_version",
        "generated_at",
        "tool_version",
        "source",
        "server",
        "policy",
        "summary",
        "groups",
    }


def test_round_trip_is_exact() -> None:
    plan = canonical_plan(sample_plan())
    assert loads_plan(dumps_plan(plan)) == plan
    group = plan.groups[1]  # the review group: albums known-empty vs unknown, tags as tuples
    loaded = loads_plan(dumps_plan(plan)).groups[1]
    assert [a.asset.albums for a in loaded.assets] == [a.asset.albums for a in group.assets]
    assert any(a.asset.albums is None for a in loaded.assets)
    assert any(a.asset.albums == () for a in loaded.assets)


def test_mapping_proxies_in_records_are_written_as_objects() -> None:
    from types import MappingProxyType

    g = gplan(photo(), bare())
    frozen = attrs.evolve(
        g,
        assets=tuple(
            attrs.evolve(
                a, breakdown=MappingProxyType(dict(a.breakdown)), facts=MappingProxyType(dict(a.facts))
            )
            for a in g.assets
        ),
    )
    assert dumps_plan(make_plan(frozen)) == dumps_plan(make_plan(g))


def test_digest_ignores_generated_at_but_sees_every_edit() -> None:
    plan = sample_plan()
    assert plan_digest(plan) == plan_digest(attrs.evolve(plan, generated_at="2030-01-01T00:00:00Z"))
    g = plan.groups[0]
    edited = attrs.evolve(g, keep=g.delete, delete=g.keep)
    other = attrs.evolve(plan, groups=(edited, *plan.groups[1:]))
    assert plan_digest(other) != plan_digest(plan)
    assert len(plan_digest(plan)) == 64


def test_write_plan_is_owner_only_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(), path)
    assert path.read_bytes() == dumps_plan(sample_plan())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["plan.json"]


def test_write_plan_dash_writes_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    write_plan(sample_plan(), "-")
    assert capsysbinary.readouterr().out == dumps_plan(sample_plan())


def test_write_plan_refuses_a_plan_load_would_refuse_and_writes_nothing(tmp_path: Path) -> None:
    g = sample_plan().groups[0]
    bad = make_plan(attrs.evolve(g, keep=()))
    with pytest.raises(PlanError, match=g.duplicate_id):
        write_plan(bad, tmp_path / "plan.json")
    assert not (tmp_path / "plan.json").exists()


def test_write_plan_into_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the plan"):
        write_plan(sample_plan(), tmp_path / "no" / "plan.json")


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_is_sha256_over_sorted_id_checksum_size_lines() -> None:
    a, b = photo(file_size=1234), bare(file_size=None)
    expected = hashlib.sha256(
        "\n".join(sorted([f"{a.id}:{a.checksum}:1234", f"{b.id}:{b.checksum}:"])).encode()
    ).hexdigest()
    assert group_fingerprint([a, b]) == expected
    assert group_fingerprint([b, a]) == expected
    assert group_fingerprint([planned(a), planned(b)]) == expected


@pytest.mark.parametrize(
    "change",
    [
        lambda a: attrs.evolve(a, checksum="AAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        lambda a: attrs.evolve(a, file_size=(a.file_size or 0) + 1),
        lambda a: attrs.evolve(a, id=new_id()),
    ],
    ids=["checksum", "size", "id"],
)
def test_fingerprint_changes_when_a_member_changes(change: Callable[[AssetFacts], AssetFacts]) -> None:
    a, b = photo(), bare()
    assert group_fingerprint([a, b]) != group_fingerprint([change(a), b])
    assert group_fingerprint([a, b]) != group_fingerprint([a])


# --------------------------------------------------------------------------- refused files


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no such plan file"):
        load_plan(tmp_path / "nope.json")


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    text = dumps_plan(sample_plan()).decode()
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if '"generated_at"' in line)
    lines[n] = lines[n].rstrip(",")  # a forgotten comma, as a hand edit makes it
    path.write_text("\n".join(lines))
    with pytest.raises(PlanError, match=rf"not valid JSON: .* at line {n + 2}, column \d+"):
        load_plan(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"schema_version": 1, "x": "\xff"}')
    with pytest.raises(PlanError, match="not UTF-8"):
        load_plan(path)


def test_a_byte_order_mark_from_an_editor_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + dumps_plan(sample_plan()))
    assert load_plan(path) == canonical_plan(sample_plan())


def test_a_key_given_twice_is_refused_naming_the_group(tmp_path: Path) -> None:
    plan = sample_plan()
    gid = canonical_plan(plan).groups[0].duplicate_id
    text = dumps_plan(plan).decode()
    text = text.replace('"keep": [', '"keep": [],\n      "keep": [', 1)
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(PlanError, match=f"'keep' appears twice .*group {gid}"):
        load_plan(path)


def test_nan_is_refused(tmp_path: Path) -> None:
    text = dumps_plan(sample_plan()).decode().replace('"score": 0.0', '"score": NaN', 1)
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(PlanError, match="NaN is not a JSON number"):
        load_plan(path)


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([], "not a plan"),
        ({"groups": []}, "no integer schema_version"),
        ({"schema_version": "1"}, "no integer schema_version"),
        ({"schema_version": 3}, "plan schema version 3 is newer than this tool supports"),
        ({"schema_version": 0}, "unknown plan schema version 0"),
    ],
)
def test_not_a_plan_or_an_unknown_version(doc: Any, message: str, tmp_path: Path) -> None:
    assert message in refused(doc, tmp_path)


def test_newer_version_is_refused_before_anything_else_is_checked(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    doc["schema_version"] = 7
    doc["groups"][0]["action"] = "stack-and-tag"  # a v7 feature: must not be reported as an error
    message = refused(doc, tmp_path)
    assert "newer than this tool supports" in message and "stack-and-tag" not in message


def group_path_message(mutate: Callable[[dict[str, Any]], None], tmp_path: Path) -> tuple[str, str]:
    doc = doc_of(sample_plan())
    g = doc["groups"][1]
    mutate(g)
    return refused(doc, tmp_path), g["duplicate_id"]


@pytest.mark.parametrize(
    ("mutate", "where", "what"),
    [
        (lambda g: g.update(action="delete-all"), "groups[1].action", "'delete-all' is not one of"),
        (lambda g: g.update(keep=g["keep"][0]), "groups[1].keep", "is not of type 'array'"),
        (lambda g: g.update(keep=[7]), "groups[1].keep[0]", "7 is not of type 'string'"),
        (lambda g: g.pop("delete"), "groups[1]", "'delete' is a required property"),
        (lambda g: g.update(kepe=[]), "groups[1]", "'kepe' was unexpected"),
        (lambda g: g["assets"][0].update(file_size="12 MB"), "groups[1].assets[0].file_size", "not of type"),
        (lambda g: g["assets"][0].update(tags="Family"), "groups[1].assets[0].tags", "not of type 'array'"),
        (lambda g: g.update(fingerprint="abc"), "groups[1].fingerprint", "does not match"),
        (lambda g: g.update(assets=[]), "groups[1].assets", "should be non-empty"),
    ],
    ids=["action", "keep-type", "keep-item", "missing", "typo", "size", "tags", "fingerprint", "no-assets"],
)
def test_schema_errors_name_the_group_and_the_json_path(
    mutate: Callable[[dict[str, Any]], None], where: str, what: str, tmp_path: Path
) -> None:
    message, gid = group_path_message(mutate, tmp_path)
    assert f"group {gid} ({where})" in message
    assert what in message


def test_schema_errors_list_the_first_few_and_count_the_rest(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    for g in doc["groups"]:
        for a in g["assets"]:
            a["iso"] = "high"
    message = refused(doc, tmp_path)
    assert message.count("is not of type") == 5
    assert "… and 2 more" in message


def test_schema_messages_quote_huge_values_briefly(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    doc["groups"] = {f"group-{i}": {"keep": ["x" * 1000]} for i in range(2000)}
    message = refused(doc, tmp_path)
    assert "groups: " in message and len(message) < 1000


def test_a_plan_broken_everywhere_is_counted_up_to_a_limit(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    doc["groups"] = [1] * 5000
    message = refused(doc, tmp_path)
    assert message.count("1 is not of type 'object'") == 5
    assert "… and at least 995 more" in message


def test_huge_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    with path.open("wb") as f:  # sparse: costs no disk space
        f.truncate(MAX_PLAN_BYTES + 1)
    with pytest.raises(PlanError, match="plans over 2 GiB are refused"):
        load_plan(path)


# --------------------------------------------------------------------------- semantic checks


def edited(tmp_path: Path, edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> tuple[str, str]:
    """Apply ``edit(group, other_group)`` to the JSON of the first group; return (message, group id)."""
    doc = doc_of(sample_plan())
    g, other = doc["groups"][0], doc["groups"][1]
    edit(g, other)
    return refused(doc, tmp_path), g["duplicate_id"]


@pytest.mark.parametrize(
    ("edit", "what"),
    [
        (lambda g, o: g["keep"].append(o["assets"][0]["id"]), "keep names {o0}, which is not a member"),
        (lambda g, o: g["delete"].append(g["delete"][0]), "delete lists {d0} twice"),
        (lambda g, o: (g["delete"].extend(g["keep"]), g.update(keep=[])), "needs at least one asset in keep"),
        (lambda g, o: g["delete"].append(g["keep"][0]), "asset {k0} is in both keep and delete"),
        (lambda g, o: g.update(delete=[]), "member {a1} is in neither keep nor delete"),
        (lambda g, o: g["assets"][1].update(checksum="x" * 28), "fingerprint does not match"),
        (lambda g, o: g["assets"][1].update(file_size=1), "fingerprint does not match"),
        (lambda g, o: g["assets"].pop(), "fingerprint does not match"),
    ],
    ids=["foreign-id", "repeated", "empty-keep", "overlap", "member-missing", "checksum", "size", "removed"],
)
def test_semantic_errors_name_the_group_and_the_problem(
    edit: Callable[[dict[str, Any], dict[str, Any]], None], what: str, tmp_path: Path
) -> None:
    doc = doc_of(sample_plan())
    g, o = doc["groups"][0], doc["groups"][1]
    ids = {
        "o0": o["assets"][0]["id"],
        "d0": g["delete"][0],
        "k0": g["keep"][0],
        "a1": [a["id"] for a in g["assets"] if a["id"] not in g["keep"]][0],
    }
    edit(g, o)
    message = refused(doc, tmp_path)
    assert f"group {g['duplicate_id']}" in message
    assert what.format(**ids) in message


def test_review_and_skip_groups_may_leave_members_unplaced(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    for g in doc["groups"]:
        if g["action"] != "resolve":
            g["delete"] = []
    plan = load_doc(doc, tmp_path)
    assert [g.delete for g in plan.groups if g.action != "resolve"] == [(), ()]


def test_a_person_may_flip_the_keeper_and_the_action(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    review = next(g for g in doc["groups"] if g["action"] == "review")
    members = [a["id"] for a in review["assets"]]
    review.update(action="resolve", keep=[members[2]], delete=members[:2])
    plan = load_doc(doc, tmp_path)
    g = next(g for g in plan.groups if g.duplicate_id == review["duplicate_id"])
    assert (g.action, g.keep, g.delete) == ("resolve", (members[2],), tuple(members[:2]))


def test_an_asset_in_two_groups_is_refused(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    intruder = dict(doc["groups"][0]["assets"][0])
    second = doc["groups"][1]
    second["assets"].append(intruder)
    second["delete"].append(intruder["id"])
    second["fingerprint"] = group_fingerprint(
        [AssetFacts(id=a["id"], checksum=a["checksum"], file_size=a["file_size"]) for a in second["assets"]]
    )
    message = refused(doc, tmp_path)
    assert (
        f"group {second['duplicate_id']}: asset {intruder['id']} also belongs to group "
        f"{doc['groups'][0]['duplicate_id']}" in message
    )


def test_a_group_listed_twice_is_refused(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    doc["groups"].append(doc["groups"][0])
    assert f"group {doc['groups'][0]['duplicate_id']} appears twice" in refused(doc, tmp_path)


def test_several_problems_are_listed_together(tmp_path: Path) -> None:
    doc = doc_of(sample_plan())
    for g in doc["groups"]:
        g["action"] = "resolve"
        g["keep"] = []
    message = refused(doc, tmp_path)
    assert message.count("needs at least one asset in keep") == 3
    assert all(f"group {g['duplicate_id']}" in message for g in doc["groups"])


def test_validate_plan_checks_in_memory_plans_too() -> None:
    g = sample_plan().groups[0]
    with pytest.raises(PlanError, match=f"group {g.duplicate_id}: unknown action 'merge'"):
        validate_plan(make_plan(attrs.evolve(g, action="merge")))
    validate_plan(sample_plan())


# --------------------------------------------------------------------------- the schema file


def test_the_shipped_schema_is_valid_draft_2020_12() -> None:
    schema = plan_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_written_plans_validate_against_the_schema_with_jsonschema_itself() -> None:
    jsonschema.Draft202012Validator(plan_schema()).validate(doc_of(sample_plan()))


_JSON_TYPE = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}


def test_the_schema_describes_every_asset_field_with_its_type() -> None:
    """A field added to AssetFacts must be added to plan.schema.json (and docs/plan-format.md)."""
    props = plan_schema()["$defs"]["asset"]["properties"]
    fields = {f.name: str(f.type) for f in attrs.fields(AssetFacts)}
    assert set(props) == set(fields) | {"score", "breakdown", "facts"}
    for name, annotation in fields.items():
        base = annotation.removesuffix(" | None")
        expected = "array" if base.startswith("tuple") else _JSON_TYPE[base]
        declared = props[name]["type"]
        if annotation.endswith("| None"):
            assert declared == [expected, "null"], name
        else:
            assert declared == expected, name


def test_the_docs_describe_every_field() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    schema = plan_schema()
    names = set(schema["properties"]) | set(schema["$defs"]["group"]["properties"])
    names |= set(schema["$defs"]["asset"]["properties"]) | set(schema["$defs"]["summary"]["properties"])
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"docs/plan-format.md does not describe {missing}"


# --------------------------------------------------------------------------- schemacheck


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "patternProperties": {"^x": {}}},
        {"properties": {"a": {"format": "uuid"}}},
        {"$ref": "https://example.com/schema.json"},
        {"$ref": "#/$defs/missing"},
        {"type": "uuid"},
    ],
    ids=["patternProperties", "nested-format", "remote-ref", "missing-def", "bad-type"],
)
def test_schemacheck_refuses_what_it_cannot_check(schema: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unsupported|only local|does not exist|unknown type"):
        schemacheck.compile_schema(schema)


def test_schemacheck_follows_recursive_definitions() -> None:
    schema = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
            }
        },
        "$ref": "#/$defs/node",
    }
    check = schemacheck.compile_schema(schema)
    good = {"children": [{"children": []}, {}]}
    bad = {"children": [{"children": [7]}]}
    assert schemacheck.collect(check, good) == []
    assert schemacheck.collect(check, bad) == [(("children", 0, "children", 0), "7 is not of type 'object'")]


def test_the_plan_schema_compiles_with_schemacheck() -> None:
    check = schemacheck.compile_schema(plan_schema())
    assert schemacheck.collect(check, doc_of(sample_plan())) == []
