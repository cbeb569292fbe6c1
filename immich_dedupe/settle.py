"""The plan actions that delete nothing — ``stack`` and ``dismiss`` — and putting groups back.

``execute`` hands its stack and dismiss groups to a ``Settler`` (``restore`` calls
``plan_regroup``/``regroup``). Nothing here downloads or deletes an asset.

* **stack**: ``POST /stacks`` with the plan's keeper first (Immich makes the first id the
  primary), then ``PUT /assets {ids, duplicateId: null}``, so the members leave the duplicate
  group (stacked assets are not listed anyway, but they keep the id until then).
* **dismiss**: ``DELETE /duplicates {ids}`` (Immich's "Keep all"); one unknown or foreign id
  fails the whole request with 400, so a rejected batch is re-checked, the stale or already
  dismissed groups are taken out and the rest split and resent; one group alone goes to
  ``DELETE /duplicates/{id}``.

Durable order per batch, as for resolve: journal ``intent`` (op ``stack``/``dismiss``; each
group with ``duplicate_id``, ``members``, and for stacks ``primary``) → the requests → one
``done`` (``stacks``: duplicate id → stack id; ``dismissed``: duplicate ids) plus a ``group``
outcome per group. The intent names every member and its group before anything changes, so
``restore`` can undo a run that was killed between a request and its ``done``.

Resume needs no bookkeeping beyond that: a group the server still lists with the planned
members is acted on; a group it no longer lists is read member by member (``GET /assets/{id}``,
whose ``stack`` says where each one is) — all in one stack, or none in the group any more,
means the work is done (by us before a kill, or by someone in Immich's web page), and a stack
whose members still carry the group id only needs its ``PUT``. Anything else is stale.

``restore`` (``plan_regroup`` then ``regroup``): for every group a run stacked, dismissed or
resolved, delete the stack it created (only if it is still exactly that stack) and put every
member that still exists back in its group with ``PUT /assets {ids, duplicateId}``, journalled
as ``regroup`` events so a second restore does nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from immich_dedupe.connection import BatchRejected
from immich_dedupe.errors import AuthError, ProtocolError, ServerError, ServerUnavailable
from immich_dedupe.facts import AssetFacts, Group, ServerInfo
from immich_dedupe.plan import GroupPlan
from immich_dedupe.planner import stack_primary
from immich_dedupe.progress import NullProgress, Progress

if TYPE_CHECKING:
    from immich_dedupe.connection import ImmichConnection
    from immich_dedupe.journal import Journal

__all__ = [
    "ACTIONS",
    "PERMISSIONS",
    "Outcome",
    "RegroupItem",
    "Settler",
    "plan_regroup",
    "regroup",
    "required_permissions",
    "undo_permissions",
]

ACTIONS: tuple[str, ...] = ("stack", "dismiss")
# What execute needs, only when the plan has such groups (PUT /assets takes members out).
PERMISSIONS: Mapping[str, tuple[str, ...]] = {
    "stack": ("stack.create", "asset.update"),
    "dismiss": ("duplicate.delete",),
}
# What restore needs to undo them (resolve groups are put back only when asset.update is granted).
UNDO_PERMISSIONS: Mapping[str, tuple[str, ...]] = {
    "stack": ("stack.delete", "asset.update"),
    "dismiss": ("asset.update",),
}
SETTLE_TASK = "Stacking and dismissing"
REGROUP_TASK = "Putting groups back"
_DEFAULT_BATCH = 100  # groups per journal intent; one PUT /assets or DELETE /duplicates per batch
_WIRE_FAILURES = (ServerUnavailable, AuthError, ProtocolError)  # may have arrived, or will fail again


def required_permissions(groups: Iterable[GroupPlan]) -> tuple[str, ...]:
    """The permissions execute needs for the stack and dismiss groups among ``groups``."""
    actions = {g.action for g in groups}
    return tuple(dict.fromkeys(p for a in ACTIONS if a in actions for p in PERMISSIONS[a]))


def undo_permissions(events: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """The permissions restore needs to undo the stack and dismiss groups of a journal."""
    ops = {e.get("op") for e in events if e.get("type") == "intent"}
    return tuple(dict.fromkeys(p for a in ACTIONS if a in ops for p in UNDO_PERMISSIONS[a]))


# --------------------------------------------------------------------------- the journal, folded


@attrs.frozen(kw_only=True)
class _Intended:
    """What the journal says a run meant to do to one group (its last intent wins)."""

    action: str  # stack | dismiss | resolve
    members: tuple[str, ...]  # every member the group had, the stack's primary first
    primary: str | None = None
    stack_id: str | None = None  # from a ``done`` (or a resumed intent), when known


@attrs.frozen(kw_only=True)
class _Log:
    intended: Mapping[str, _Intended]  # duplicate id → what a run meant to do
    done: frozenset[str]  # groups with a ``group: done`` outcome
    regrouped: Mapping[str, Mapping[str, Any]]  # duplicate id → its last ``regroup`` event


def _fold(events: Iterable[Mapping[str, Any]]) -> _Log:
    intended: dict[str, _Intended] = {}
    done: set[str] = set()
    regrouped: dict[str, Mapping[str, Any]] = {}
    for e in events:
        kind = e.get("type")
        if kind == "intent":
            op = e.get("op")
            for entry in e.get("groups") or ():
                gid = entry.get("duplicate_id")
                if not isinstance(gid, str):
                    continue
                if op in ACTIONS:
                    intended[gid] = _Intended(
                        action=str(op),
                        members=tuple(entry.get("members") or ()),
                        primary=entry.get("primary"),
                        stack_id=entry.get("stack_id"),
                    )
                elif op in ("resolve", "delete"):  # union over batches: a resume lists only the rest
                    before = intended.get(gid)
                    known = before.members if before is not None and before.action == "resolve" else ()
                    ids = (*known, *(entry.get("keep") or ()), *(entry.get("trash") or ()))
                    intended[gid] = _Intended(action="resolve", members=tuple(dict.fromkeys(ids)))
                regrouped.pop(gid, None)  # acted on again after a restore
        elif kind == "done":
            for gid, sid in (e.get("stacks") or {}).items():
                if gid in intended and isinstance(sid, str):
                    intended[gid] = attrs.evolve(intended[gid], stack_id=sid)
        elif kind == "group" and e.get("status") == "done":
            done.add(str(e.get("duplicate_id")))
        elif kind == "regroup":
            regrouped[str(e.get("duplicate_id"))] = e
    return _Log(intended=intended, done=frozenset(done), regrouped=regrouped)


# --------------------------------------------------------------------------- execute


@attrs.frozen(kw_only=True)
class Outcome:
    """What happened (or, before acting, will happen) to one stack or dismiss group."""

    duplicate_id: str
    action: str  # stack | dismiss
    status: str  # planned | done | already_done | skipped | failed
    reason: str = ""
    keep: tuple[str, ...] = ()  # every member; for a stack the primary first
    stack_id: str | None = None


class Stop(Protocol):
    """execute's signal handling: ``check`` raises when asked to stop; ``critical`` defers that."""

    def check(self) -> None: ...

    def critical(self) -> contextlib.AbstractContextManager[None]: ...


class _NoStop:
    def check(self) -> None:
        pass

    def critical(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


@attrs.define
class _Task:
    plan: GroupPlan
    order: tuple[str, ...]  # members; for a stack the primary first
    stack_id: str | None = None  # a stack that already holds every member (resume)
    problem: tuple[str, str] | None = None  # (skipped | failed, reason)
    finished_by_server: bool = False  # a re-check found the work already done

    @property
    def gid(self) -> str:
        return self.plan.duplicate_id

    @property
    def action(self) -> str:
        return self.plan.action

    def fail(self, status: str, reason: str) -> None:
        if self.problem is None:
            self.problem = (status, reason)


class Settler:
    """Triage and carry out a plan's ``stack`` and ``dismiss`` groups for one execute run.

    ``triage(live)`` decides each group from the journal and the server (reads only; also for
    a dry run); ``act(journal)`` does the planned ones and returns their outcomes. ``writes``
    counts the write requests sent.
    """

    def __init__(
        self,
        conn: ImmichConnection,
        groups: Sequence[GroupPlan],
        *,
        events: Sequence[Mapping[str, Any]] = (),
        progress: Progress | None = None,
        next_batch_id: Callable[[], str],
        batch_groups: int = _DEFAULT_BATCH,
    ) -> None:
        self.conn = conn
        self.groups = [g for g in groups if g.action in ACTIONS]
        self.log = _fold(events)
        self.progress = progress or NullProgress()
        self.next_batch_id = next_batch_id
        self.batch_groups = max(1, batch_groups)
        self.tasks: list[_Task] = []
        self.writes = 0

    # -- triage ---------------------------------------------------------------------------

    def triage(self, live: Mapping[str, Group]) -> list[Outcome]:
        """An outcome per group: ``planned`` ones are acted on by ``act``; the rest are final."""
        out = []
        self.tasks = []
        for gp in self.groups:
            gid = gp.duplicate_id
            order = _order(gp)
            if gid in self.log.regrouped:
                out.append(_outcome(gp, order, "skipped", "undone by `restore`; analyze again to act on it"))
            elif gid in self.log.done:
                out.append(_outcome(gp, order, "already_done", "completed by an earlier run"))
            elif gid in live:
                problem = members_changed(gp, live[gid])
                if problem is not None:
                    out.append(_outcome(gp, order, "skipped", f"stale: {problem}"))
                else:
                    self.tasks.append(_Task(plan=gp, order=order))
                    out.append(_outcome(gp, order, "planned", _planned_reason(gp, order, None)))
            else:
                out.append(self._unlisted(gp, order))
        return out

    def _unlisted(self, gp: GroupPlan, order: tuple[str, ...]) -> Outcome:
        """A group the server no longer lists: done already, half done (a stack), or stale."""
        now = _read_members(self.conn, gp)
        gone = "the group is no longer in the server's duplicate list"
        if gp.action == "stack":
            state = _stack_state(gp, now)
            if isinstance(state, _Problem):
                why = f"{gone} (resolved, dismissed or changed since analyze)"
                return _outcome(
                    gp, order, "skipped", f"stale: {why if state.reason == _NOT_STACKED else state.reason}"
                )
            sid, grouped = state
            if grouped:
                self.tasks.append(_Task(plan=gp, order=order, stack_id=sid))
                return _outcome(gp, order, "planned", _planned_reason(gp, order, sid), stack_id=sid)
            return _outcome(gp, order, "already_done", "already stacked on the server", stack_id=sid)
        problem = _dismiss_problem(gp, now)
        if problem == _STILL_GROUPED:
            problem = f"{gone}, yet its members still carry its id (hidden, locked or stacked since?)"
        if problem is not None:
            return _outcome(gp, order, "skipped", f"stale: {problem}")
        return _outcome(gp, order, "already_done", "already off Immich's duplicate list")

    # -- acting ---------------------------------------------------------------------------

    def act(self, journal: Journal, *, stop: Stop | None = None) -> list[Outcome]:
        """Carry out the planned groups, a batch at a time (intent → requests → done)."""
        stop = stop or _NoStop()
        results: list[Outcome] = []
        if not self.tasks:
            return results
        self.progress.start(SETTLE_TASK, total=len(self.tasks))
        try:
            for action, send in (("stack", self._stack_batch), ("dismiss", self._dismiss_batch)):
                todo = [t for t in self.tasks if t.action == action]
                for start in range(0, len(todo), self.batch_groups):
                    batch = todo[start : start + self.batch_groups]
                    stop.check()
                    with stop.critical():
                        results += send(batch, journal)
                    self.progress.advance(SETTLE_TASK, len(batch))
        finally:
            self.progress.finish(SETTLE_TASK)
        return results

    def _stack_batch(self, batch: Sequence[_Task], journal: Journal) -> list[Outcome]:
        batch_id = self.next_batch_id()
        journal.append(
            {
                "type": "intent",
                "batch": batch_id,
                "op": "stack",
                "groups": [
                    {
                        "duplicate_id": t.gid,
                        "primary": t.order[0],
                        "members": list(t.order),
                        "stack_id": t.stack_id,
                    }
                    for t in batch
                ],
            }
        )
        for t in batch:
            if t.stack_id is not None:
                continue  # stacked by an interrupted run: only the PUT is left
            try:
                self.writes += 1
                t.stack_id = self.conn.create_stack(t.order)
            except _WIRE_FAILURES:
                raise  # may have arrived: the next run reads the members and knows
            except ServerError as err:
                self._explain(t, f"the server refused to stack it: {err}")
        stacked = [t for t in batch if t.problem is None]
        self._ungroup(stacked)
        return self._finish(
            journal,
            batch_id,
            "stack",
            batch,
            {"stacks": {t.gid: t.stack_id for t in batch if t.stack_id is not None}},
        )

    def _ungroup(self, tasks: Sequence[_Task]) -> None:
        """``PUT /assets {duplicateId: null}`` for the stacked members; per group if the batch fails."""
        ids = [m for t in tasks for m in t.order]
        if not ids:
            return
        try:
            self.writes += 1
            self.conn.update_assets(ids, duplicate_id=None)
            return
        except _WIRE_FAILURES:
            raise
        except ServerError as err:
            if len(tasks) == 1:
                tasks[0].fail("failed", _ungroup_failed(tasks[0], err))
                return
        for t in tasks:  # one bad id fails the whole request: find the group that holds it
            try:
                self.writes += 1
                self.conn.update_assets(list(t.order), duplicate_id=None)
            except _WIRE_FAILURES:
                raise
            except ServerError as err:
                t.fail("failed", _ungroup_failed(t, err))

    def _dismiss_batch(self, batch: Sequence[_Task], journal: Journal) -> list[Outcome]:
        batch_id = self.next_batch_id()
        journal.append(
            {
                "type": "intent",
                "batch": batch_id,
                "op": "dismiss",
                "groups": [{"duplicate_id": t.gid, "members": list(t.order)} for t in batch],
            }
        )
        todo: list[list[_Task]] = [list(batch)]
        while todo:
            part = todo.pop()
            try:
                self.writes += 1
                if len(part) == 1:
                    self.conn.dismiss_group(part[0].gid)
                else:
                    self.conn.dismiss_groups([t.gid for t in part])
                continue
            except _WIRE_FAILURES:
                raise
            except BatchRejected:
                pass
            except ServerError as err:  # one group alone: why was it refused?
                self._explain(part[0], f"the server refused to dismiss it: {err}")
                continue
            for t in part:  # take out what changed since the re-check, then retry the rest
                self._explain(t, None)
            rest = [t for t in part if t.problem is None and not t.finished_by_server]
            if len(rest) < len(part):
                todo += [rest] if rest else []
            else:
                mid = len(rest) // 2
                todo += [rest[mid:], rest[:mid]]
        dismissed = [t.gid for t in batch if t.problem is None]
        return self._finish(journal, batch_id, "dismiss", batch, {"dismissed": dismissed})

    def _explain(self, t: _Task, refused: str | None) -> None:
        """After a refusal: is the group stale, already done, or (``refused``) just failed?"""
        now = _read_members(self.conn, t.plan)
        if t.action == "dismiss":
            problem = _dismiss_problem(t.plan, now)
            if problem is None:  # nobody carries the group id any more: it is dismissed
                t.finished_by_server = True
                return
            if problem != _STILL_GROUPED:
                t.fail("skipped", f"stale: {problem}")
                return
        else:
            state = _stack_state(t.plan, now)
            if not isinstance(state, _Problem):
                t.stack_id = state[0]  # someone stacked it meanwhile
                return
            if state.reason != _NOT_STACKED:
                t.fail("skipped", f"stale: {state.reason}")
                return
        if refused is not None:
            t.fail("failed", refused)

    def _finish(
        self, journal: Journal, batch_id: str, op: str, batch: Sequence[_Task], extra: Mapping[str, Any]
    ) -> list[Outcome]:
        events: list[dict[str, Any]] = [
            {
                "type": "done",
                "batch": batch_id,
                "op": op,
                **extra,
                "results": [{"id": t.gid, "success": t.problem is None} for t in batch],
            }
        ]
        out = []
        for t in batch:
            status, reason = t.problem or ("done", "")
            events.append({"type": "group", "duplicate_id": t.gid, "status": status, "reason": reason})
            out.append(_outcome(t.plan, t.order, status, reason, stack_id=t.stack_id))
        journal.append_many(events)
        return out


# --------------------------------------------------------------------------- shared checks


@attrs.frozen
class _Problem:
    reason: str


_NOT_STACKED = "its members are not in one stack"
_STILL_GROUPED = "the group is still there"


def _order(gp: GroupPlan) -> tuple[str, ...]:
    ids = tuple(a.id for a in gp.assets)
    if gp.action != "stack":
        return ids
    top = stack_primary(gp)
    return (top, *(i for i in ids if i != top))


def _outcome(
    gp: GroupPlan, order: tuple[str, ...], status: str, reason: str, *, stack_id: str | None = None
) -> Outcome:
    return Outcome(
        duplicate_id=gp.duplicate_id,
        action=gp.action,
        status=status,
        reason=reason,
        keep=order,
        stack_id=stack_id,
    )


def _planned_reason(gp: GroupPlan, order: tuple[str, ...], stack_id: str | None) -> str:
    if gp.action == "dismiss":
        return "take the group off Immich's duplicate list (not duplicates); nothing else changes"
    if stack_id is not None:
        return f"already stacked ({stack_id}); take the members off the duplicate list"
    top = gp.asset(order[0]).asset.original_file_name or order[0]
    return f"stack all {len(order)} copies with {top} ({order[0]}) on top; nothing is downloaded or deleted"


def _ungroup_failed(t: _Task, err: ServerError) -> str:
    return (
        f"stacked ({t.stack_id}), but the members could not be taken off the duplicate list: {err}; "
        "run again to finish"
    )


def members_changed(gp: GroupPlan, live: Group) -> str | None:
    """Why the listed group is not the planned one (members added or gone, checksums), or None."""
    return gp.changes_on_server(live)


def _read_members(
    conn: ImmichConnection, gp: GroupPlan
) -> dict[str, tuple[AssetFacts, Mapping[str, Any]] | None]:
    return {a.id: conn.get_asset(a.id) for a in gp.assets}


def _member_problem(gp: GroupPlan, aid: str, got: tuple[AssetFacts, Mapping[str, Any]] | None) -> str | None:
    if got is None:
        return f"member {aid} no longer exists on the server (or is not ours)"
    facts = got[0]
    if facts.is_trashed:
        return f"member {aid} is in the trash"
    if facts.checksum != gp.asset(aid).asset.checksum:
        return f"the checksum of {aid} changed since analyze"
    return None


def _stack_of(raw: Mapping[str, Any]) -> tuple[str | None, str | None, int | None]:
    """(stack id, primary id, asset count) from an asset's ``stack`` object."""
    stack = raw.get("stack")
    if not isinstance(stack, Mapping):
        return None, None, None
    sid, primary, count = stack.get("id"), stack.get("primaryAssetId"), stack.get("assetCount")
    return (
        sid if isinstance(sid, str) else None,
        primary if isinstance(primary, str) else None,
        count if isinstance(count, int) and not isinstance(count, bool) else None,
    )


def _stack_state(
    gp: GroupPlan, now: Mapping[str, tuple[AssetFacts, Mapping[str, Any]] | None]
) -> tuple[str, bool] | _Problem:
    """(stack id, whether a member still carries the group id) if every member is in one stack."""
    stacks = set()
    grouped = False
    for aid, got in now.items():
        problem = _member_problem(gp, aid, got)
        if problem is not None:
            return _Problem(problem)
        assert got is not None  # noqa: S101 - _member_problem said so
        sid = _stack_of(got[1])[0] or got[0].stack_id
        stacks.add(sid)
        if got[0].duplicate_id == gp.duplicate_id:
            grouped = True
        elif got[0].duplicate_id is not None:
            return _Problem(f"member {aid} is in another duplicate group now")
    if len(stacks) != 1 or None in stacks:
        return _Problem(_NOT_STACKED)
    return str(next(iter(stacks))), grouped


def _dismiss_problem(
    gp: GroupPlan, now: Mapping[str, tuple[AssetFacts, Mapping[str, Any]] | None]
) -> str | None:
    """None when every member exists, untrashed, and none carries the group id any more."""
    still = False
    for aid, got in now.items():
        problem = _member_problem(gp, aid, got)
        if problem is not None:
            return problem
        assert got is not None  # noqa: S101 - _member_problem said so
        if got[0].duplicate_id == gp.duplicate_id:
            if got[0].stack_id is not None:
                return f"member {aid} is in a stack now"
            still = True
    return _STILL_GROUPED if still else None


# --------------------------------------------------------------------------- restore


@attrs.frozen(kw_only=True)
class RegroupItem:
    """One group restore puts back (or cannot) in Immich's duplicate list."""

    duplicate_id: str
    action: str  # what execute did to it: stack | dismiss | resolve
    status: str  # to_regroup | regrouped | in_group | not_regrouped | failed
    reason: str = ""
    asset_ids: tuple[str, ...] = ()  # members to put back
    stack_id: str | None = None  # the stack to delete first

    @property
    def ok(self) -> bool:
        return self.status in ("regrouped", "in_group", "not_regrouped")


def plan_regroup(
    conn: ImmichConnection,
    events: Sequence[Mapping[str, Any]],
    *,
    info: ServerInfo | None = None,
    progress: Progress | None = None,
) -> list[RegroupItem]:
    """What restore should do for each group a run stacked, dismissed or resolved (reads only).

    Resolve groups are put back only when the key may (``asset.update``), after their assets
    came back from the trash; stack and dismiss groups always (pre-flight required it).
    """
    progress = progress or NullProgress()
    log = _fold(events)
    may_update = info is None or _granted(info, "asset.update")
    items = []
    progress.start(REGROUP_TASK, total=len(log.intended))
    try:
        for gid, meant in log.intended.items():
            items.append(_regroup_item(conn, gid, meant, log, may_update))
            progress.advance(REGROUP_TASK)
    finally:
        progress.finish(REGROUP_TASK)
    return items


def _regroup_item(
    conn: ImmichConnection, gid: str, meant: _Intended, log: _Log, may_update: bool
) -> RegroupItem:
    base = RegroupItem(duplicate_id=gid, action=meant.action, status="in_group")
    if gid in log.regrouped:
        return attrs.evolve(base, reason="put back by an earlier restore")
    if meant.action == "resolve" and not may_update:
        return attrs.evolve(
            base,
            status="not_regrouped",
            reason="the API key lacks asset.update, so the group stays off Immich's duplicate list",
        )
    now = {aid: conn.get_asset(aid) for aid in meant.members}
    alive = {aid: got for aid, got in now.items() if got is not None}
    stack_id = None
    if meant.action == "stack":
        stack_id, problem = _our_stack(meant, alive)
        if problem is not None:
            return attrs.evolve(base, status="failed", reason=problem)
    back = [aid for aid, got in alive.items() if got[0].duplicate_id is None]
    elsewhere = [aid for aid, got in alive.items() if got[0].duplicate_id not in (None, gid)]
    notes = []
    if len(alive) < len(meant.members):
        gone = sorted(set(meant.members) - set(alive))
        notes.append(f"gone from the server: {', '.join(gone)}")
    if elsewhere:
        notes.append(f"in another duplicate group now, left there: {', '.join(elsewhere)}")
    if len(alive) - len(elsewhere) < 2:
        return attrs.evolve(
            base, status="not_regrouped", reason="fewer than 2 members are left to group; " + "; ".join(notes)
        )
    if not back and stack_id is None:
        return attrs.evolve(base, reason="; ".join(notes) or "every member is in its group")
    return attrs.evolve(
        base, status="to_regroup", reason="; ".join(notes), asset_ids=tuple(back), stack_id=stack_id
    )


def _our_stack(
    meant: _Intended, alive: Mapping[str, tuple[AssetFacts, Mapping[str, Any]]]
) -> tuple[str | None, str | None]:
    """(the stack execute created, if it is still exactly that one; else a reason to leave it)."""
    stacks = {}
    for aid, (facts, raw) in alive.items():
        sid, primary, count = _stack_of(raw)
        sid = sid or facts.stack_id
        if sid is not None:
            stacks[aid] = (sid, primary, count)
    if not stacks:
        return None, None  # never created, or deleted since: nothing to undo
    ids = {s[0] for s in stacks.values()}
    if len(ids) != 1:
        return None, f"the members are in different stacks now ({', '.join(sorted(ids))}); left alone"
    sid, primary, count = next(iter(stacks.values()))
    if primary is not None and meant.primary is not None and primary != meant.primary:
        return None, f"stack {sid} has another asset on top now; left alone"
    if count is not None and count != len(meant.members):
        return None, f"stack {sid} holds {count} assets now, not the {len(meant.members)} stacked; left alone"
    if len(stacks) != len(alive):
        return None, f"some members left stack {sid} since; left alone"
    return sid, None


def regroup(
    conn: ImmichConnection,
    journal: Journal,
    items: Sequence[RegroupItem],
    *,
    progress: Progress | None = None,
) -> list[RegroupItem]:
    """Delete the stacks and put the members back for every ``to_regroup`` item; journalled."""
    progress = progress or NullProgress()
    todo = [i for i in items if i.status == "to_regroup"]
    done: dict[str, RegroupItem] = {}
    progress.start(REGROUP_TASK, total=len(todo))
    try:
        for item in todo:
            try:
                if item.stack_id is not None:
                    conn.delete_stack(item.stack_id)
                if item.asset_ids:
                    conn.update_assets(list(item.asset_ids), duplicate_id=item.duplicate_id)
            except _WIRE_FAILURES:
                raise
            except ServerError as err:
                done[item.duplicate_id] = attrs.evolve(item, status="failed", reason=f"{err}")
                continue
            journal.append(
                {
                    "type": "regroup",
                    "duplicate_id": item.duplicate_id,
                    "asset_ids": list(item.asset_ids),
                    "stack_deleted": item.stack_id,
                }
            )
            done[item.duplicate_id] = attrs.evolve(item, status="regrouped")
            progress.advance(REGROUP_TASK)
    finally:
        progress.finish(REGROUP_TASK)
    return [done.get(i.duplicate_id, i) for i in items]


def _granted(info: ServerInfo, permission: str) -> bool:
    return not info.permissions or "all" in info.permissions or permission in info.permissions
