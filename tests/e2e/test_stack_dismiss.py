"""Plan actions stack and dismiss, end to end over real HTTP against the Immich double.

One plan mixes resolve, stack, dismiss, review and skip groups; execute does each one, a rerun
changes nothing, restore puts every group back as it was, and --dry-run says what each group
would get. Kill-and-resume runs live in test_stack_dismiss_kill.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from immich_dedupe.connection import ImmichConnection
from immich_dedupe.plan import GroupPlan, Plan, PlanServer
from immich_dedupe.planfile import write_plan
from immich_dedupe.planner import build_plan, stack_primary
from immich_dedupe.policy import load_policy
from immich_dedupe.settings import ConnectionSettings
from tests.e2e.execute_support import execute_argv, run_cli
from tests.fake_immich import FakeImmich

GENERATED_AT = "2026-08-01T00:00:00Z"
CAMERA = {
    "make": "Apple",
    "model": "iPhone 13",
    "timeZone": "Europe/Paris",
    "dateTimeOriginal": "2023-06-01T08:00:00.000Z",
}


@attrs.frozen
class Library:
    resolve: list[str]
    stack: list[str]
    dismiss: list[str]
    review: list[str]
    skip: list[str]


def seed(immich: FakeImmich, n: int = 1) -> Library:
    """``n`` groups of each kind: the planner resolves, stacks (on_conflict = "stack"), reviews
    and skips them; the dismiss ones are plain resolves that a person marks "not duplicates"."""
    lib = Library([], [], [], [], [])
    for _ in range(n):
        lib.resolve.append(immich.make_group([{"size": 6000}, {"size": 3000}])[0].duplicate_id)
        lens_only = {"exif": {"lensModel": "EF 50mm f/1.8"}, "size": 6000}
        located = {"exif": {**CAMERA, "latitude": 48.8584, "longitude": 2.2945}, "size": 3000}
        lib.stack.append(immich.make_group([located, lens_only])[0].duplicate_id)
        lib.dismiss.append(
            immich.make_group([{"size": 5000}, {"size": 4000}, {"size": 2000}])[0].duplicate_id
        )
        far = {"exif": {**CAMERA, "latitude": -33.86, "longitude": 151.2}}
        lib.review.append(immich.make_group([located, far])[0].duplicate_id)
        lib.skip.append(immich.make_group([{"type": "IMAGE"}, {"type": "VIDEO"}])[0].duplicate_id)
    return lib


def make_plan(immich: FakeImmich, path: Path, lib: Library, *, on_conflict: str = "stack") -> Plan:
    """The real planner over the double's groups, then a person's edit: dismiss ``lib.dismiss``."""
    settings = ConnectionSettings.from_sources(url=immich.url, api_key=immich.api_key)
    with ImmichConnection(settings) as conn:
        info = conn.preflight()
        groups = list(conn.iter_duplicate_groups())
    policy = attrs.evolve(load_policy(None), on_conflict=on_conflict)
    plan = build_plan(
        groups,
        policy,
        source="server",
        server=PlanServer(url=info.url, version=str(info.version)),
        generated_at=GENERATED_AT,
    )
    plan = attrs.evolve(plan, groups=tuple(_edit(g, lib) for g in plan.groups))
    write_plan(plan, path)
    return plan


def _edit(g: GroupPlan, lib: Library) -> GroupPlan:
    if g.duplicate_id in lib.dismiss:
        return attrs.evolve(g, action="dismiss", delete=())
    return g


def by_id(plan: Plan) -> dict[str, GroupPlan]:
    return {g.duplicate_id: g for g in plan.groups}


def snapshot(immich: FakeImmich) -> dict[str, tuple[str | None, str | None, bool]]:
    """Every asset of the user: (duplicate id, stack id, in the trash)."""
    return {a.id: (a.duplicate_id, a.stack_id, a.is_trashed) for a in immich.state.user_assets(immich.user)}


def listing(immich: FakeImmich) -> dict[str, list[str]]:
    """What GET /duplicates shows: duplicate id → member ids."""
    return {
        gid: sorted(a.id for a in members) for gid, members in immich.state.list_duplicates(immich.user.id)
    }


def stacks(immich: FakeImmich) -> dict[frozenset[str], str]:
    """Each stack's members → its primary."""
    return {frozenset(s.asset_ids): s.primary_asset_id for s in immich.state.stacks.values()}


def downloaded(immich: FakeImmich) -> set[str]:
    return {r.path.split("/")[-2] for r in immich.requests.matching("GET", "/assets/*/original")}


@pytest.fixture
def env(immich: FakeImmich, monkeypatch: pytest.MonkeyPatch) -> FakeImmich:
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", immich.api_key)
    return immich


def assert_settled(immich: FakeImmich, plan: Plan, lib: Library) -> None:
    """Each group got exactly what its action says (the state a complete run leaves)."""
    groups = by_id(plan)
    state = immich.state
    made = stacks(immich)
    for gid in lib.resolve:
        g = groups[gid]
        assert all(state.asset(i).is_trashed for i in g.delete)
        assert all(state.asset(k).duplicate_id is None and not state.asset(k).is_trashed for k in g.keep)
    for gid in lib.stack:
        g = groups[gid]
        members = frozenset(a.id for a in g.assets)
        assert made.get(members) == stack_primary(g), "one stack of every member, our keeper on top"
        for aid in members:
            asset = state.asset(aid)
            assert (asset.duplicate_id, asset.is_trashed) == (None, False)
    for gid in lib.dismiss:
        for a in groups[gid].assets:
            asset = state.asset(a.id)
            assert (asset.duplicate_id, asset.stack_id, asset.is_trashed) == (None, None, False)
    for gid in (*lib.review, *lib.skip):
        for a in groups[gid].assets:
            asset = state.asset(a.id)
            assert (asset.duplicate_id, asset.stack_id, asset.is_trashed) == (gid, None, False)
    assert len(made) == len(lib.stack)
    assert set(listing(immich)) == {*lib.review, *lib.skip}


# --------------------------------------------------------------------------- the mixed plan


def test_one_plan_mixing_every_action_executes_each_correctly(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    assert {g.duplicate_id: g.action for g in plan.groups} == {
        lib.resolve[0]: "resolve",
        lib.stack[0]: "stack",
        lib.dismiss[0]: "dismiss",
        lib.review[0]: "review",
        lib.skip[0]: "skip",
    }
    env.requests.clear()

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, out + err
    assert_settled(env, plan, lib)
    groups = by_id(plan)
    # Stacking and dismissing download nothing: only the resolve group's copy was backed up.
    assert downloaded(env) == set(groups[lib.resolve[0]].delete)
    stacked = env.requests.matching("POST", "/stacks")
    assert [r.json["assetIds"][0] for r in stacked] == [stack_primary(groups[lib.stack[0]])]
    assert env.requests.count("DELETE", "/duplicates*") == 1
    report = json.loads((backup / "report.json").read_text())
    actions = {g["duplicate_id"]: (g["action"], g["status"]) for g in report["groups"]}
    assert actions[lib.stack[0]] == ("stack", "done")
    assert actions[lib.dismiss[0]] == ("dismiss", "done")
    assert "stacked: 1" in out and "dismissed: 1" in out


def test_a_rerun_changes_nothing(env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    assert run_cli(capsys, *execute_argv(plan_path, backup))[0] == 0
    after = snapshot(env)
    env.requests.clear()

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0
    assert env.requests.write_count == 0
    assert snapshot(env) == after
    assert_settled(env, plan, lib)


def test_restore_brings_back_every_group_as_it_was(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env, n=2)
    before, shown = snapshot(env), listing(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    make_plan(env, plan_path, lib)
    assert run_cli(capsys, *execute_argv(plan_path, backup))[0] == 0

    code, out, err = run_cli(capsys, "restore", str(backup), "--yes")

    assert code == 0, out + err
    assert snapshot(env) == before  # same members, same duplicate ids, nothing stacked or trashed
    assert listing(env) == shown
    assert env.state.stacks == {}
    assert "groups put back on Immich's duplicate list: 6" in out  # 2 resolve, 2 stack, 2 dismiss

    env.requests.clear()
    code, out, _ = run_cli(capsys, "restore", str(backup), "--yes")  # a second restore: nothing left
    assert code == 0 and env.requests.write_count == 0


def test_execute_after_restore_leaves_the_restored_groups_alone(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    make_plan(env, plan_path, lib)
    assert run_cli(capsys, *execute_argv(plan_path, backup))[0] == 0
    assert run_cli(capsys, "restore", str(backup), "--yes")[0] == 0
    restored = snapshot(env)
    env.requests.clear()

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1  # the restored groups are skipped: analyze again to act on them
    assert env.requests.write_count == 0
    assert snapshot(env) == restored
    assert "undone by `restore`" in out


def test_dry_run_lists_what_each_group_would_get(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    before = snapshot(env)
    env.requests.clear()

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup, "--dry-run"))

    assert code == 0
    assert env.requests.write_count == 0 and snapshot(env) == before
    lines = {gid: next(x for x in out.splitlines() if gid in x and ":" in x) for gid in by_id(plan)}
    top = env.state.asset(stack_primary(by_id(plan)[lib.stack[0]]))
    assert "stack all 2 copies with" in lines[lib.stack[0]] and top.id in lines[lib.stack[0]]
    assert "take the group off Immich's duplicate list" in lines[lib.dismiss[0]]
    assert "trash" in lines[lib.resolve[0]]
    assert "left alone (review)" in lines[lib.review[0]]
    assert "left alone (skip)" in lines[lib.skip[0]]


# --------------------------------------------------------------------------- idempotence, permissions


def test_groups_already_stacked_or_dismissed_on_the_server_count_as_done(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    groups = by_id(plan)
    # Someone used Immich's web page meanwhile: "Stack" (oldest first) and "Keep all".
    members = [a.id for a in groups[lib.stack[0]].assets]
    env.state.create_stack(env.user.id, members)
    env.state.update_assets(env.user.id, members, {"duplicateId": None})
    env.state.dismiss_duplicates(env.user.id, [lib.dismiss[0]])
    by_hand = snapshot(env)
    env.requests.clear()

    code, out, err = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 0, out + err
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert report[lib.stack[0]]["status"] == "already_done"
    assert report[lib.dismiss[0]]["status"] == "already_done"
    assert env.requests.count("POST", "/stacks") == 0
    assert env.requests.count("DELETE", "/duplicates*") == 0
    stacked_by_hand = {k: v for k, v in by_hand.items() if k in members}
    assert {k: v for k, v in snapshot(env).items() if k in members} == stacked_by_hand

    # restore undoes only what this run did: the user's stack and dismissal stay.
    assert run_cli(capsys, "restore", str(backup), "--yes")[0] == 0
    assert {k: v for k, v in snapshot(env).items() if k in members} == stacked_by_hand
    assert all(env.state.asset(a.id).duplicate_id is None for a in groups[lib.dismiss[0]].assets)


def test_a_stale_stack_or_dismiss_group_is_skipped(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    groups = by_id(plan)
    env.make_group([{}], duplicate_id=lib.stack[0])  # a new copy joined the stack group
    trashed = groups[lib.dismiss[0]].assets[0].id
    env.state.delete_assets(env.user.id, [trashed], force=False)  # a member was trashed

    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    assert env.requests.count("POST", "/stacks") == 0
    assert env.requests.count("DELETE", "/duplicates*") == 0
    assert "new member(s)" in out and "joined the group since analyze" in out
    assert "no longer in the group" in out
    assert env.state.stacks == {}


def test_preflight_names_stack_permissions_only_when_the_plan_stacks(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = seed(env)
    plan_path = tmp_path / "plan.json"
    plan = make_plan(env, plan_path, lib)
    key = env.add_api_key(permissions=("duplicate.read", "duplicate.delete", "asset.read", "asset.download"))
    monkeypatch.setenv("IMMICH_API_KEY", key)

    code, _, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "b1"))

    assert code == 4
    assert "stack.create" in err and "asset.update" in err
    assert len(env.requests.writes) == 0

    no_stack = attrs.evolve(
        plan, groups=tuple(attrs.evolve(g, action="skip") if g.action == "stack" else g for g in plan.groups)
    )
    write_plan(no_stack, plan_path)
    code, out, err = run_cli(capsys, *execute_argv(plan_path, tmp_path / "b2"))
    assert code == 0, out + err
    assert "stack.create" not in out + err


def test_a_rejected_dismiss_batch_is_split_and_the_rest_dismissed(
    env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = seed(env, n=4)
    plan_path, backup = tmp_path / "plan.json", tmp_path / "backup"
    plan = make_plan(env, plan_path, lib)
    doomed = [a.id for a in by_id(plan)[lib.dismiss[2]].assets]

    def trash_one_group_first(method: str, path: str) -> None:
        # Between the re-check and the request, every member of one group goes to the trash:
        # Immich then refuses the whole DELETE /duplicates batch with 400.
        if method == "DELETE" and path == "/api/duplicates" and not env.state.asset(doomed[0]).is_trashed:
            env.state.delete_assets(env.user.id, doomed, force=False)

    env.faults.on_request = trash_one_group_first
    code, out, _ = run_cli(capsys, *execute_argv(plan_path, backup))

    assert code == 1
    report = {g["duplicate_id"]: g for g in json.loads((backup / "report.json").read_text())["groups"]}
    assert (
        report[lib.dismiss[2]]["status"] == "skipped" and "in the trash" in report[lib.dismiss[2]]["reason"]
    )
    for gid in (lib.dismiss[0], lib.dismiss[1], lib.dismiss[3]):
        assert report[gid]["status"] == "done"
        assert all(env.state.asset(a.id).duplicate_id is None for a in by_id(plan)[gid].assets)
    sent = env.requests.matching("DELETE", "/duplicates*")
    assert [r.status for r in sent] == [400, 204]  # refused whole; resent without the stale group
    assert len(sent[1].json["ids"]) == 3


# --------------------------------------------------------------------------- the shipped example


def test_on_conflict_stack_leaves_only_real_conflicts_in_the_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "stack.toml"
    policy.write_text('[rules]\non_conflict = "stack"\n')
    out_path = tmp_path / "plan.json"

    code, _, err = run_cli(capsys, "analyze", "--example", "--policy", str(policy), "-o", str(out_path))

    assert code == 0, err
    doc = json.loads(out_path.read_text())
    actions = [g["action"] for g in doc["groups"]]
    assert actions.count("stack") == doc["summary"]["stack"] >= 1
    for g in doc["groups"]:
        if g["action"] == "review":  # only groups whose values conflict still wait for a person
            assert g["lost_if_resolved"] and all(e.endswith("(conflict)") for e in g["lost_if_resolved"]), g
        if g["action"] == "stack":
            assert g["delete"] == [] and len(g["keep"]) == len(g["assets"])
    assert "stack" in err.lower()  # the analyze summary counts them
