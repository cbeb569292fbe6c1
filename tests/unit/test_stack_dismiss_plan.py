"""Plan schema version 2: the actions stack and dismiss, their checks, and version 1 plans that still read."""

from __future__ import annotations

import json
from typing import Any

import attrs
import jsonschema
import pytest

from immich_dedupe.errors import PlanError
from immich_dedupe.plan import SCHEMA_VERSION
from immich_dedupe.planfile import dumps_plan, loads_plan, plan_digest, plan_schema
from immich_dedupe.planner import build_plan, stack_primary
from immich_dedupe.policy import load_policy
from tests.factories import bare, group, photo

GENERATED_AT = "2026-08-01T00:00:00Z"


def _plan(on_conflict: str = "stack") -> Any:
    lens = bare("IMG_9.jpg", lens_model="EF 50mm f/1.8")
    keeper = photo("IMG_9.HEIC", lens_model=None)
    same = (photo("IMG_1.HEIC"), bare("IMG_1.jpg"))
    policy = attrs.evolve(load_policy(None), on_conflict=on_conflict)
    return build_plan(
        [group(keeper, lens), group(*same)], policy, source="file", server=None, generated_at=GENERATED_AT
    )


def _doc(plan: Any) -> dict[str, Any]:
    return json.loads(dumps_plan(plan))


def _load(doc: dict[str, Any]) -> Any:
    return loads_plan(json.dumps(doc).encode(), name="plan.json")


def _refused(doc: dict[str, Any]) -> str:
    with pytest.raises(PlanError) as info:
        _load(doc)
    return str(info.value)


def test_analyze_writes_version_2_with_stack_and_dismiss_counts() -> None:
    plan = _plan()
    doc = _doc(plan)
    assert doc["schema_version"] == SCHEMA_VERSION == 2
    assert doc["summary"]["stack"] == 1 and doc["summary"]["dismiss"] == 0
    stacked = next(g for g in doc["groups"] if g["action"] == "stack")
    assert stacked["delete"] == [] and len(stacked["keep"]) == 2
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert dumps_plan(_load(doc)) == dumps_plan(plan)


def test_a_version_1_plan_still_reads_and_writes_back_byte_for_byte() -> None:
    doc = _doc(_plan(on_conflict="review"))
    doc["schema_version"] = 1
    for key in ("stack", "dismiss"):
        del doc["summary"][key]
    data = (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    plan = loads_plan(data, name="old.json")

    assert plan.schema_version == 1
    assert (plan.summary.stack, plan.summary.dismiss) == (0, 0)
    assert dumps_plan(plan) == data  # same bytes, so the same digest an older version computed
    assert plan_digest(plan) == plan_digest(loads_plan(dumps_plan(plan)))


def test_version_2_needs_the_new_summary_counts() -> None:
    doc = _doc(_plan())
    del doc["summary"]["dismiss"]
    assert "'dismiss' is a required property" in _refused(doc)


@pytest.mark.parametrize("action", ["stack", "dismiss"])
def test_stack_and_dismiss_delete_nothing(action: str) -> None:
    doc = _doc(_plan())
    g = next(g for g in doc["groups"] if g["action"] == "resolve")
    g["action"] = action  # a person switched a resolve group but left its delete list
    message = _refused(doc)
    assert f"group {g['duplicate_id']}: action {action} deletes nothing" in message
    assert "empty delete" in message
    g["keep"] = [a["id"] for a in g["assets"]]
    g["delete"] = []
    assert _load(doc).groups  # with delete emptied it reads


def test_a_stack_needs_a_candidate_for_the_top() -> None:
    doc = _doc(_plan())
    g = next(g for g in doc["groups"] if g["action"] == "stack")
    g["keep"] = []
    assert "action stack needs at least one id in keep" in _refused(doc)


def test_a_person_chooses_the_top_of_a_stack_by_leaving_only_it_in_keep() -> None:
    doc = _doc(_plan())
    g = next(g for g in doc["groups"] if g["action"] == "stack")
    lens = next(a["id"] for a in g["assets"] if a["original_file_name"] == "IMG_9.jpg")
    assert stack_primary(next(x for x in _load(doc).groups if x.action == "stack")) != lens
    g["keep"] = [lens]
    assert stack_primary(next(x for x in _load(doc).groups if x.action == "stack")) == lens


def test_dismiss_ignores_keep() -> None:
    doc = _doc(_plan())
    g = next(g for g in doc["groups"] if g["action"] == "resolve")
    g.update(action="dismiss", keep=[], delete=[])
    assert next(x for x in _load(doc).groups if x.action == "dismiss").keep == ()


def test_a_version_1_plan_may_be_edited_to_the_new_actions() -> None:
    doc = _doc(_plan(on_conflict="review"))
    doc["schema_version"] = 1
    for key in ("stack", "dismiss"):
        del doc["summary"][key]
    g = doc["groups"][0]
    g.update(action="dismiss", delete=[])
    assert _load(doc).groups[0].action == "dismiss"


def test_the_schema_file_lists_every_action() -> None:
    schema = plan_schema()
    assert schema["$defs"]["action"]["enum"] == ["resolve", "stack", "dismiss", "review", "skip"]
    assert schema["properties"]["schema_version"]["enum"] == [1, 2]
