"""settle: which permissions a plan or a journal needs, and what the journal says a run did."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from immich_dedupe import settle
from immich_dedupe.facts import Group
from immich_dedupe.planner import plan_group
from immich_dedupe.policy import load_policy
from tests.factories import bare, group, photo

STACK = attrs.evolve(load_policy(None), on_conflict="stack")


def _plans(*actions: str) -> list[Any]:
    out = []
    for action in actions:
        g = plan_group(group(photo("a.HEIC"), bare("a.jpg")), STACK)
        out.append(attrs.evolve(g, action=action, delete=() if action != "resolve" else g.delete))
    return out


@pytest.mark.parametrize(
    ("actions", "needed"),
    [
        (("resolve", "review", "skip"), ()),
        (("resolve", "stack"), ("stack.create", "asset.update")),
        (("dismiss",), ("duplicate.delete",)),
        (("dismiss", "stack", "stack"), ("stack.create", "asset.update", "duplicate.delete")),
    ],
)
def test_execute_asks_for_stack_and_dismiss_permissions_only_when_the_plan_needs_them(
    actions: tuple[str, ...], needed: tuple[str, ...]
) -> None:
    assert settle.required_permissions(_plans(*actions)) == needed


def test_restore_asks_for_what_undoing_the_journal_needs() -> None:
    resolve = {"type": "intent", "batch": "b1", "op": "resolve", "groups": []}
    stack = {"type": "intent", "batch": "b2", "op": "stack", "groups": []}
    dismiss = {"type": "intent", "batch": "b3", "op": "dismiss", "groups": []}
    assert settle.undo_permissions([resolve]) == ()
    assert settle.undo_permissions([resolve, stack]) == ("stack.delete", "asset.update")
    assert settle.undo_permissions([dismiss]) == ("asset.update",)


def test_the_journal_fold_knows_members_stacks_and_regrouped_groups() -> None:
    events = [
        {
            "type": "intent",
            "batch": "a",
            "op": "resolve",
            "groups": [{"duplicate_id": "g1", "keep": ["k"], "trash": ["t1"]}],
        },
        {
            "type": "intent",
            "batch": "b",
            "op": "resolve",
            "groups": [{"duplicate_id": "g1", "keep": ["k"], "trash": ["t2"]}],
        },
        {
            "type": "intent",
            "batch": "c",
            "op": "stack",
            "groups": [{"duplicate_id": "g2", "primary": "p", "members": ["p", "q"]}],
        },
        {"type": "done", "batch": "c", "op": "stack", "stacks": {"g2": "s1"}},
        {"type": "group", "duplicate_id": "g2", "status": "done", "reason": ""},
        {
            "type": "intent",
            "batch": "d",
            "op": "dismiss",
            "groups": [{"duplicate_id": "g3", "members": ["x", "y"]}],
        },
        {"type": "regroup", "duplicate_id": "g3", "asset_ids": ["x", "y"], "stack_deleted": None},
    ]
    log = settle._fold(events)
    assert log.intended["g1"].members == ("k", "t1", "t2")  # a resumed run listed only the rest
    assert (log.intended["g2"].primary, log.intended["g2"].stack_id) == ("p", "s1")
    assert log.intended["g3"].action == "dismiss"
    assert log.done == {"g2"}
    assert set(log.regrouped) == {"g3"}


def test_a_listed_group_with_other_members_or_checksums_is_stale() -> None:
    a, b = photo("a.HEIC"), bare("a.jpg")
    gp = plan_group(group(a, b, duplicate_id="0000aaaa-0000-4000-8000-000000000001"), STACK)
    same = Group(duplicate_id=gp.duplicate_id, assets=tuple(x.asset for x in gp.assets))
    assert settle.members_changed(gp, same) is None
    newcomer = bare("a (2).jpg")
    grown = attrs.evolve(same, assets=(*same.assets, newcomer))
    assert "new member(s)" in (settle.members_changed(gp, grown) or "")
    edited = attrs.evolve(same, assets=(attrs.evolve(same.assets[0], checksum="x"), same.assets[1]))
    assert "checksum" in (settle.members_changed(gp, edited) or "")
    shrunk = attrs.evolve(same, assets=same.assets[:1])
    assert "no longer in the group" in (settle.members_changed(gp, shrunk) or "")


def _stacked(aid: str, sid: str, primary: str, count: int) -> tuple[Any, dict[str, Any]]:
    return bare(id=aid), {"stack": {"id": sid, "primaryAssetId": primary, "assetCount": count}}


def test_restore_deletes_a_stack_only_while_it_is_exactly_the_one_execute_made() -> None:
    meant = settle._Intended(action="stack", members=("p", "q"), primary="p")
    ours = {"p": _stacked("p", "s", "p", 2), "q": _stacked("q", "s", "p", 2)}
    assert settle._our_stack(meant, ours) == ("s", None)
    grown = {"p": _stacked("p", "s", "p", 3), "q": _stacked("q", "s", "p", 3)}
    assert "holds 3 assets now" in (settle._our_stack(meant, grown)[1] or "")
    other_top = {"p": _stacked("p", "s", "q", 2), "q": _stacked("q", "s", "q", 2)}
    assert "another asset on top" in (settle._our_stack(meant, other_top)[1] or "")
    never = {"p": (bare(id="p"), {"stack": None}), "q": (bare(id="q"), {})}
    assert settle._our_stack(meant, never) == (None, None)  # nothing to undo
