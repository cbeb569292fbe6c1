"""`analyze --example` / `--from-file`: the shipped example, what the plan says about each of its
cases, and the errors a user meets when the file is not a saved GET /api/duplicates answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from immich_dedupe.cli import main
from immich_dedupe.plan import GroupPlan, Plan
from immich_dedupe.planfile import load_plan, write_plan
from tests.fake_immich.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "immich_dedupe" / "data" / "example-duplicates.json"


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    out = tmp_path_factory.mktemp("example") / "plan.json"
    assert main(["analyze", "--example", "-o", str(out)]) == 0
    return load_plan(out)


def by_file(plan: Plan, name: str) -> GroupPlan:
    return next(g for g in plan.groups if name in {a.asset.original_file_name for a in g.assets})


def names(group: GroupPlan, ids: tuple[str, ...]) -> list[str]:
    return [group.asset(i).asset.original_file_name for i in ids]


# --------------------------------------------------------------------------- the example file


def test_the_example_is_a_valid_immich_3_1_duplicates_answer() -> None:
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    schema = {"type": "array", "items": {"$ref": "#/components/schemas/DuplicateResponseDto"}}
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in load_spec().iter_errors(schema, doc)]
    assert errors == []
    assert 8 <= len(doc) <= 12


def test_the_example_is_what_its_generator_writes() -> None:
    """Edit make_example.py, run it, commit both: the file must never drift from its source."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE.with_name("make_example.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == EXAMPLE.read_bytes(), "run: python immich_dedupe/data/make_example.py"


# --------------------------------------------------------------------------- what the plan says


def test_seed_case_keeps_the_small_original_with_gps_and_time_zone(example_plan: Plan) -> None:
    g = by_file(example_plan, "IMG_4211.HEIC")
    assert g.action == "resolve"
    assert names(g, g.keep) == ["IMG_4211.HEIC"] and names(g, g.delete) == ["IMG_4211.jpg"]
    assert names(g, g.immich_keep) == ["IMG_4211.jpg"] and g.differs_from_immich
    kept, deleted = g.asset(g.keep[0]).asset, g.asset(g.delete[0]).asset
    assert (kept.file_size or 0) < (deleted.file_size or 0)
    assert "GPS" in g.reasons[0] and "time zone" in g.reasons[0]
    assert g.lost_if_resolved == ()


def test_a_lens_only_the_deleted_copy_has_means_review(example_plan: Plan) -> None:
    g = by_file(example_plan, "P1030456.JPG")
    assert g.action == "review"
    assert any(entry.startswith("lens:") for entry in g.lost_if_resolved)


def test_gps_positions_far_apart_mean_review(example_plan: Plan) -> None:
    g = by_file(example_plan, "IMG_1907.HEIC")
    assert g.action == "review"
    assert any(entry.startswith("gps:") and "conflict" in entry for entry in g.lost_if_resolved)


def test_a_time_zone_shift_is_not_a_conflict(example_plan: Plan) -> None:
    g = by_file(example_plan, "IMG_2630.HEIC")
    assert g.action == "resolve" and names(g, g.keep) == ["IMG_2630.HEIC"]
    assert not any("capture" in entry for entry in g.lost_if_resolved)


def test_the_other_cases(example_plan: Plan) -> None:
    video = by_file(example_plan, "VID_20220704_181533.mp4")
    assert video.action == "resolve" and not video.differs_from_immich
    no_exif = by_file(example_plan, "IMG_0412.jpeg")
    assert not no_exif.asset(no_exif.delete[0]).asset.has_exif
    three = by_file(example_plan, "IMG_0788.JPG")
    assert names(three, three.keep) == ["IMG_0788.JPG"] and len(three.delete) == 2
    carried = by_file(example_plan, "IMG_7310.HEIC")
    assert carried.action == "resolve" and names(carried, carried.keep) == ["IMG_7310.HEIC"]
    assert any("carried over" in r for r in carried.reasons)
    live = by_file(example_plan, "IMG_5501.HEIC")
    assert names(live, live.keep) == ["IMG_5501.HEIC"]
    assert live.asset(live.keep[0]).asset.live_photo_video_id is not None


def test_a_file_plan_names_no_server_and_no_albums(example_plan: Plan) -> None:
    assert example_plan.source == "file" and example_plan.server is None
    assert {a.asset.albums for g in example_plan.groups for a in g.assets} == {None}
    s = example_plan.summary
    assert (s.groups, s.resolve + s.review + s.skip) == (len(example_plan.groups), len(example_plan.groups))


# --------------------------------------------------------------------------- the command


def test_from_file_on_the_example_gives_the_same_plan_as_example(example_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert main(["analyze", "--from-file", str(EXAMPLE), "-o", str(out)]) == 0
    assert load_plan(out).groups == example_plan.groups


def test_python_dash_m_from_a_fresh_checkout(tmp_path: Path) -> None:
    """The README's first command: no server, no environment, run from the repository."""
    out = tmp_path / "plan.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMMICH_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "immich_dedupe",
            "analyze",
            "--from-file",
            "immich_dedupe/data/example-duplicates.json",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(load_plan(out).groups) == len(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert f"immich-dedupe show {out}" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"<html><body>502 Bad Gateway</body></html>", "HTML"),
        (b'[{"duplicateId": "x", "assets": [', "not valid JSON"),
        (b'{"message": "Invalid API key"}', "JSON object, not an array"),
        (b'[{"assets": []}]', "no duplicateId"),
    ],
    ids=["missing", "empty", "html", "truncated", "object", "not-groups"],
)
def test_files_that_are_not_a_duplicates_answer(
    content: bytes | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "duplicates.json"
    if content is not None:
        src.write_bytes(content)
    out = tmp_path / "plan.json"
    assert main(["analyze", "--from-file", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(src) in err
    assert not out.exists()


def test_a_plan_passed_as_input_gets_a_hint(
    example_plan: Plan, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_path = tmp_path / "plan.json"
    write_plan(example_plan, plan_path)
    assert main(["analyze", "--from-file", str(plan_path), "-o", str(tmp_path / "new.json")]) == 2
    assert "this looks like a plan" in capsys.readouterr().err


def test_example_and_from_file_together_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["analyze", "--example", "--from-file", str(EXAMPLE), "-o", str(tmp_path / "p.json")]) == 2


def test_a_bad_policy_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[weights]\ngsp = 100\n")
    assert main(["analyze", "--example", "--policy", str(policy), "-o", str(tmp_path / "p.json")]) == 2
    assert "gsp" in capsys.readouterr().err


def test_a_policy_changes_the_plan_and_is_recorded(tmp_path: Path) -> None:
    policy = tmp_path / "lenient.toml"
    policy.write_text('[rules]\non_loss = "keep_both"\n')
    out = tmp_path / "plan.json"
    assert main(["analyze", "--example", "--policy", str(policy), "-o", str(out)]) == 0
    plan = load_plan(out)
    assert plan.policy["rules"]["on_loss"] == "keep_both" and plan.policy["name"] == "lenient"
    lens = by_file(plan, "P1030456.JPG")
    assert lens.action == "resolve" and len(lens.keep) == 2  # both kept: the lens is not lost


def test_url_options_with_a_file_are_ignored_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    assert main(["analyze", "--example", "--url", "http://127.0.0.1:9", "-o", str(out)]) == 0
    assert "no server is contacted" in capsys.readouterr().err
    assert load_plan(out).server is None
