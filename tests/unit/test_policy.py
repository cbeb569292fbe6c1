"""The scoring policy: the built-in default, a user's file laid over it, and every way to get it wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from immich_dedupe.errors import UsageError
from immich_dedupe.policy import (
    BUILT_IN,
    CARRIED_FACTS,
    TIE_BREAKERS,
    WEIGHTED_FACTS,
    Policy,
    load_policy,
)


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_built_in_default_loads_with_every_weight_and_rule() -> None:
    policy = load_policy(None)
    assert policy.name == "default"
    assert policy.source == BUILT_IN
    assert set(policy.weights) == set(WEIGHTED_FACTS)
    assert set(policy.tie_breakers) == set(TIE_BREAKERS)
    assert policy.on_loss == "review"
    assert policy.on_conflict == "review"  # a person decides unless the user opts in to stacking
    assert policy.carry_immich_facts is True
    assert policy.gps_conflict_km > 0
    assert 0 < policy.pixel_tolerance < 1


def test_default_ranks_facts_as_documented() -> None:
    """GPS, time zone and capture date first; camera and lens next; exposure next; tie-breakers last."""
    w = load_policy(None).weights
    top = min(w["gps"], w["time_zone"], w["capture_date"])
    camera = (w["camera_make"], w["camera_model"], w["lens"])
    exposure = (w["f_number"], w["exposure_time"], w["iso"], w["focal_length"])
    assert top > max(camera)
    assert min(camera) > max(exposure)
    smallest_fact = min(v for v in w.values() if v > 0)
    assert sum(load_policy(None).tie_breakers.values()) < smallest_fact


def test_carried_facts_are_weighted_facts() -> None:
    assert set(WEIGHTED_FACTS) >= CARRIED_FACTS


def test_to_json_records_the_whole_policy_as_plain_json() -> None:
    policy = load_policy(None)
    data = json.loads(json.dumps(policy.to_json()))
    assert data["name"] == "default"
    assert data["source"] == BUILT_IN
    assert list(data["weights"]) == list(WEIGHTED_FACTS)
    assert data["rules"] == {
        "gps_conflict_km": policy.gps_conflict_km,
        "time_tolerance_seconds": policy.time_tolerance_seconds,
        "pixel_tolerance": policy.pixel_tolerance,
        "on_loss": "review",
        "on_conflict": "review",
        "carry_immich_facts": True,
    }


def test_user_file_changes_only_what_it_names(tmp_path: Path) -> None:
    path = write(tmp_path, '[weights]\nlens = 55\n[rules]\non_loss = "keep_both"\n')
    default = load_policy(None)
    policy = load_policy(path)
    assert policy.weights["lens"] == 55
    assert policy.on_loss == "keep_both"
    assert policy.weights["gps"] == default.weights["gps"]
    assert policy.tie_breakers == default.tie_breakers
    assert policy.source == str(path)
    assert policy.name == "mine"  # a changed policy is never recorded as "default"


def test_user_file_may_name_itself(tmp_path: Path) -> None:
    path = write(tmp_path, 'name = "strict family archive"\n[rules]\ngps_conflict_km = 0.2\n')
    policy = load_policy(path)
    assert policy.name == "strict family archive"
    assert policy.gps_conflict_km == 0.2


def test_empty_user_file_is_the_default_under_its_own_name(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, ""))
    default = load_policy(None)
    assert policy.weights == default.weights
    assert policy.name == "mine"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gps = 3\n", "unknown key 'gps'"),
        ("[weight]\ngps = 3\n", "unknown key 'weight'"),
        ("[weights]\ngsp = 3\n", "unknown key 'gsp' in [weights]; did you mean 'gps'?"),
        ("[tie_breakers]\npixel = 0.1\n", "unknown key 'pixel' in [tie_breakers]"),
        ("[rules]\non_los = 'review'\n", "unknown key 'on_los' in [rules]"),
        ("weights = 3\n", "[weights] must be a table"),
        ("[weights]\ngps = 'high'\n", "[weights] gps must be a number, got 'high'"),
        ("[weights]\ngps = true\n", "[weights] gps must be a number, got True"),
        ("[weights]\ngps = -1\n", "[weights] gps must be 0 or more, got -1"),
        ("[weights]\ngps = nan\n", "[weights] gps must be a number"),
        ("[weights]\ngps = inf\n", "[weights] gps must be a number"),
        ("[tie_breakers]\npixels = -0.1\n", "[tie_breakers] pixels must be 0 or more"),
        ("[rules]\non_loss = 'delete'\n", "on_loss must be one of 'review', 'keep_both', got 'delete'"),
        ("[rules]\non_conflict = 'dismiss'\n", "on_conflict must be one of 'review', 'stack', got 'dismiss'"),
        ("[rules]\non_conflict = true\n", "on_conflict must be one of 'review', 'stack', got True"),
        ("[rules]\ncarry_immich_facts = 'yes'\n", "carry_immich_facts must be true or false, got 'yes'"),
        ("[rules]\ngps_conflict_km = 0\n", "gps_conflict_km must be more than 0"),
        ("[rules]\ntime_tolerance_seconds = '2s'\n", "time_tolerance_seconds must be a number"),
        ("[rules]\npixel_tolerance = -0.05\n", "pixel_tolerance must be 0 or more"),
        ("name = ''\n", "'name' must be a non-empty string"),
        ("[weights]\ngps = \n", "is not valid TOML"),
    ],
)
def test_bad_policy_is_a_usage_error_naming_file_key_and_value(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as err:
        load_policy(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_tie_breakers_may_not_outweigh_the_smallest_fact(tmp_path: Path) -> None:
    path = write(tmp_path, "[weights]\ntags = 0.5\n[tie_breakers]\npixels = 0.3\nformat = 0.2\n")
    with pytest.raises(UsageError) as err:
        load_policy(path)
    message = str(err.value)
    assert "tie-breakers add up to 0.6" in message
    assert "[weights] tags" in message


def test_zero_weights_do_not_count_as_the_smallest_fact(tmp_path: Path) -> None:
    # visibility is 0 in the default: a weight of 0 means "ignore", not "the tie-breakers must be < 0".
    policy = load_policy(write(tmp_path, "[weights]\nalbums = 0\ntags = 0\n"))
    assert policy.weights["albums"] == 0


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(UsageError, match="does not exist") as err:
        load_policy(missing)
    assert str(missing) in str(err.value)


def test_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(UsageError, match="cannot read"):
        load_policy(path)


def test_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        load_policy(tmp_path)


def test_policy_is_frozen() -> None:
    policy = load_policy(None)
    assert isinstance(policy, Policy)
    with pytest.raises(AttributeError):
        policy.on_loss = "keep_both"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.weights["gps"] = 0  # type: ignore[index]


def test_docs_show_the_built_in_policy_verbatim() -> None:
    root = Path(__file__).resolve().parents[2]
    packaged = (root / "immich_dedupe" / "policy" / "default.toml").read_text(encoding="utf-8")
    doc = (root / "docs" / "policy.md").read_text(encoding="utf-8")
    assert f"```toml\n{packaged}```" in doc, "docs/policy.md is out of date: re-embed default.toml"


def test_the_documented_example_policy_loads(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "policy.md").read_text(encoding="utf-8")
    example = doc.split("## Writing your own policy", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    policy = load_policy(write(tmp_path, example, "camera.toml"))
    assert policy.name == "camera first"
    assert policy.on_loss == "keep_both"
    assert policy.carry_immich_facts is False


def test_on_conflict_stack_is_read_from_a_user_file(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, '[rules]\non_conflict = "stack"\n'))
    assert policy.on_conflict == "stack"
    assert policy.on_loss == "review"
    assert policy.to_json()["rules"]["on_conflict"] == "stack"


def test_a_huge_weight_is_a_usage_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text("[weights]\ngps = " + "9" * 400 + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="gps is far too large"):
        load_policy(path)
