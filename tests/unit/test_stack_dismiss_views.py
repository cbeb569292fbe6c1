"""show and report mark stack and dismiss groups, and their summaries count them."""

from __future__ import annotations

import io
import re

import attrs
from rich.console import Console, RenderableType

from immich_dedupe import report, show, triage
from immich_dedupe.plan import Plan
from immich_dedupe.planner import build_plan, stack_primary
from immich_dedupe.policy import load_policy
from tests.factories import bare, group, photo


def render(renderable: RenderableType) -> str:
    console = Console(file=io.StringIO(), width=160, color_system=None, legacy_windows=False)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def _plan() -> Plan:
    lens = bare("IMG_9.jpg", lens_model="EF 50mm f/1.8", file_size=10)
    keeper = photo("IMG_9.HEIC", lens_model=None)
    twins = (photo("IMG_1.HEIC"), bare("IMG_1.jpg"))
    policy = attrs.evolve(load_policy(None), on_conflict="stack")
    plan = build_plan(
        [group(keeper, lens, suggested=lens), group(*twins)],
        policy,
        source="file",
        server=None,
        generated_at="2026-08-01T00:00:00Z",
    )
    dismissed = tuple(
        attrs.evolve(g, action="dismiss", delete=()) if g.action == "resolve" else g for g in plan.groups
    )
    summary = attrs.evolve(plan.summary, resolve=0, dismiss=1)
    return attrs.evolve(plan, groups=dismissed, summary=summary)


def test_the_overview_counts_and_marks_stack_and_dismiss_groups() -> None:
    plan = _plan()
    out = render(show.render_overview(plan, width=160))
    first = out.splitlines()[0]
    assert "stack 1" in first and "dismiss 1" in first
    stacked = next(g for g in plan.groups if g.action == "stack")
    dismissed = next(g for g in plan.groups if g.action == "dismiss")
    row = next(x for x in out.splitlines() if x.startswith(stacked.duplicate_id[:8]))
    assert "stack" in row and "IMG_9.HEIC (top)" in row and "keeps all 2" in row
    assert "resolve would lose: lens" in row
    row = next(x for x in out.splitlines() if x.startswith(dismissed.duplicate_id[:8]))
    assert "dismiss" in row and "not duplicates" in row


def test_one_stack_group_shows_the_top_and_the_stacked_copies() -> None:
    plan = _plan()
    stacked = next(g for g in plan.groups if g.action == "stack")
    out = render(show.render_group(stacked))
    we = next(x for x in out.splitlines() if x.strip().startswith("we "))
    top = stacked.asset(stack_primary(stacked))
    assert "KEEP, top" in we and "stacked" in we and "delete" not in we
    assert we.index("KEEP, top") < we.index("stacked") if stacked.assets[0].id == top.id else True
    assert "! EF 50mm" not in out  # stacking loses nothing: no fact is marked lost
    assert "EF 50mm f/1.8" in out


def test_triage_marks_and_orders_stacks_with_the_groups_to_look_at() -> None:
    plan = _plan()
    stacked = next(g for g in plan.groups if g.action == "stack")
    top = stack_primary(stacked)
    marks = {a.id: triage.marks(stacked, a) for a in stacked.assets}
    assert marks[top].top and marks[top].keep and not marks[top].stacked
    assert all(m.stacked and not m.keep for aid, m in marks.items() if aid != top)
    ranks = {g.action: triage.attention_key(g)[0] for g in plan.groups}
    assert ranks["stack"] < ranks["dismiss"]


def test_the_report_counts_and_marks_them() -> None:
    plan = _plan()
    page = report.render_report(plan)
    text = re.sub(r"<[^>]+>", "", page)
    assert "1to stack" in text and "1to dismiss" in text
    assert 'class="badge b-stack"' in page and 'class="badge b-dismiss"' in page
    assert "KEEP, top of the stack" in page and ">stacked<" in page
    assert "Not duplicates: taken off Immich" in page
    assert "We stack all 2 copies" in page
