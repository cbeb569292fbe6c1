"""analyze_groups: the same listing in any order gives the same plan bytes, and progress is
reported per group. Runs the real listing → planner → planfile chain on the shipped example."""

from __future__ import annotations

import random
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from immich_dedupe import planfile, planner
from immich_dedupe.analyze import analyze_groups, canonical_group
from immich_dedupe.facts import Group
from immich_dedupe.listing import iter_groups
from immich_dedupe.policy import load_policy

EXAMPLE = Path(__file__).resolve().parents[2] / "immich_dedupe" / "data" / "example-duplicates.json"
POLICY = load_policy(None)
WHEN = "2026-07-30T12:00:00Z"


def example_groups() -> list[Group]:
    with EXAMPLE.open("rb") as f:
        return list(iter_groups(f))


GROUPS = example_groups()


def shuffled(groups: list[Group], rng: random.Random) -> list[Group]:
    """Any order a server may send: groups in any order; members at the same local time too."""
    out = []
    for g in groups:
        assets = list(g.assets)
        rng.shuffle(assets)
        assets.sort(key=lambda a: a.local_date_time or "")  # stable: ties keep the shuffle
        out.append(attrs.evolve(g, assets=tuple(assets)))
    rng.shuffle(out)
    return out


def pre_2_7(groups: list[Group]) -> list[Group]:
    """The same groups from a server before 2.7: no suggestedKeepAssetIds, so Immich's rule
    (largest file, then most EXIF values, then the *last* in the server's order) decides."""
    twins = [attrs.evolve(a, file_size=1000, exif_truthy_count=3) for a in groups[0].assets]
    return [attrs.evolve(g, suggested_keep_ids=None) for g in groups] + [
        attrs.evolve(
            groups[0],
            duplicate_id="ffffffff-0000-4000-8000-000000000001",
            assets=tuple(twins),
            suggested_keep_ids=None,
        )
    ]


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans())
def test_any_listing_order_gives_the_same_plan_bytes(rng: random.Random, old_server: bool) -> None:
    groups = pre_2_7(GROUPS) if old_server else GROUPS
    expected = planfile.dumps_plan(
        analyze_groups(groups, POLICY, source="file", server=None, generated_at=WHEN)
    )
    plan = analyze_groups(shuffled(groups, rng), POLICY, source="file", server=None, generated_at=WHEN)
    assert planfile.dumps_plan(plan) == expected


def test_canonical_order_is_the_servers_with_ties_by_id() -> None:
    for g in GROUPS:
        ordered = canonical_group(g).assets
        keys = [(a.local_date_time or "", a.id) for a in ordered]
        assert keys == sorted(keys)
        assert {a.id for a in ordered} == {a.id for a in g.assets}


def test_the_planners_fingerprint_is_the_plan_files() -> None:
    for g in GROUPS:
        assert planner.group_fingerprint(g.assets) == planfile.group_fingerprint(g.assets)


def test_a_written_plan_loads_back_equal(tmp_path: Path) -> None:
    plan = analyze_groups(GROUPS, POLICY, source="file", server=None, generated_at=WHEN)
    path = tmp_path / "plan.json"
    planfile.write_plan(plan, path)
    assert planfile.load_plan(path) == planfile.canonical_plan(plan)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, float | None]] = []

    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        self.events.append(("start", task, total))

    def advance(self, task: str, amount: float = 1) -> None:
        self.events.append(("advance", task, amount))

    def finish(self, task: str) -> None:
        self.events.append(("finish", task, None))

    def note(self, text: str) -> None:
        self.events.append(("note", text, None))


def test_progress_is_a_bar_over_groups() -> None:
    progress = Recorder()
    analyze_groups(GROUPS, POLICY, source="file", server=None, progress=progress, generated_at=WHEN)
    starts = [e for e in progress.events if e[0] == "start"]
    assert starts == [("start", starts[0][1], len(GROUPS))]
    task = starts[0][1]
    assert sum(e[2] or 0 for e in progress.events if e[0] == "advance" and e[1] == task) == len(GROUPS)
    assert progress.events[-1] == ("finish", task, None)
