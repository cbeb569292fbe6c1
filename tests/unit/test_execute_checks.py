"""execute's pure decisions: when a group or asset no longer matches the plan, which server a plan
belongs to, and which exit code a report means."""

from __future__ import annotations

import attrs
import pytest

from immich_dedupe.execute import (
    ExecutePreview,
    ExecuteReport,
    GroupResult,
    _url_key,
    asset_mismatch,
    live_mismatch,
)
from immich_dedupe.plan import GroupPlan, PlannedAsset
from immich_dedupe.planfile import group_fingerprint
from tests.factories import asset, group


def _plan_of(*assets: object) -> GroupPlan:
    members = tuple(PlannedAsset(asset=a, score=0.0, breakdown={}, facts={}) for a in assets)  # type: ignore[arg-type]
    return GroupPlan(
        duplicate_id="00000000-0000-4000-8000-0000000000aa",
        action="resolve",
        keep=(members[0].id,),
        delete=tuple(m.id for m in members[1:]),
        immich_keep=(members[0].id,),
        differs_from_immich=False,
        reasons=(),
        lost_if_resolved=(),
        assets=members,
        fingerprint=group_fingerprint(members),
    )


def test_an_unchanged_group_matches() -> None:
    a, b = asset(), asset()
    gp = _plan_of(a, b)
    assert live_mismatch(gp, group(a, b, duplicate_id=gp.duplicate_id), {a.id, b.id}) is None


def test_a_missing_group_a_new_member_a_lost_member_and_a_changed_checksum_are_named() -> None:
    a, b, c = asset(), asset(), asset()
    gp = _plan_of(a, b)
    assert "no longer in the server's duplicate list" in str(live_mismatch(gp, None, {a.id, b.id}))
    grown = live_mismatch(gp, group(a, b, c), {a.id, b.id})
    assert grown is not None and c.id in grown and "joined" in grown
    shrunk = live_mismatch(gp, group(a, c), {a.id, b.id})
    assert shrunk is not None and b.id in shrunk and "no longer in the group" in shrunk
    changed = attrs.evolve(b, checksum="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    problem = live_mismatch(gp, group(a, changed), {a.id, b.id})
    assert problem is not None and "checksum" in problem and b.id in problem


def test_after_an_interrupted_run_only_the_remaining_members_are_expected() -> None:
    a, b, c = asset(), asset(), asset()
    gp = _plan_of(a, b, c)  # b was trashed by the earlier run
    assert live_mismatch(gp, group(a, c), {a.id, c.id}) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (None, "no longer exists"),
        ({"is_trashed": True}, "in the trash"),
        ({"duplicate_id": None}, "no longer in this duplicate group"),
        ({"checksum": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "checksum"),
    ],
)
def test_an_asset_about_to_be_deleted_must_still_be_what_was_planned(
    change: dict[str, object] | None, expected: str
) -> None:
    planned = asset(duplicate_id="g1")
    live = None if change is None else attrs.evolve(planned, **change)
    assert expected in str(asset_mismatch(planned, live, "g1"))
    assert asset_mismatch(planned, planned, "g1") is None


def test_server_urls_compare_after_normalising() -> None:
    assert _url_key("HTTP://Photos.Example.org:2283/") == _url_key("http://photos.example.org:2283/api")
    assert _url_key("https://a.example/api") != _url_key("https://b.example/api")
    assert _url_key("https://a.example/immich/api") != _url_key("https://a.example/api")


def _report(statuses: list[str], *, dry_run: bool = False, confirmed: bool = True) -> ExecuteReport:
    groups = tuple(GroupResult(duplicate_id=f"g{i}", status=s) for i, s in enumerate(statuses))
    preview = ExecutePreview(
        server_url="http://x/api",
        server_version="3.1.0",
        method="resolve",
        permanent=False,
        backup_dir="/b",
        plan_groups=len(groups),
        review_or_skip=0,
        groups=groups,
        assets_to_delete=0,
        bytes_to_download=0,
        motion_parts=0,
        free_bytes=None,
    )
    return ExecuteReport(
        preview=preview,
        groups=groups,
        dry_run=dry_run,
        confirmed=confirmed,
        started_at="t0",
        finished_at="t1",
    )


def test_exit_code_is_zero_only_when_every_resolve_group_completed() -> None:
    assert _report(["done", "already_done"]).exit_code == 0
    assert _report([]).exit_code == 0
    assert _report(["done", "skipped"]).exit_code == 1
    assert _report(["done", "failed"]).exit_code == 1
    assert _report(["done"], confirmed=False).exit_code == 1
    assert _report(["planned", "already_done"], dry_run=True).exit_code == 0
    assert _report(["planned", "skipped"], dry_run=True).exit_code == 1


def test_the_text_report_lists_problems_first_with_reasons() -> None:
    report = attrs.evolve(
        _report([]),
        groups=(
            GroupResult(duplicate_id="g-ok", status="done", backups=("originals/ab/x.jpg",)),
            GroupResult(duplicate_id="g-bad", status="failed", reason="checksum mismatch"),
        ),
    )
    text = report.to_text()
    assert text.index("g-bad: checksum mismatch") < text.index("g-ok")
    assert "backup: originals/ab/x.jpg" in text
    assert report.to_json()["totals"] == {
        "done": 1,
        "already_done": 0,
        "skipped": 0,
        "failed": 1,
        "planned": 0,
    }
