"""Undo an execute run: bring back from Immich's trash exactly the assets its journal says it trashed.

``restore_from_journal`` reads ``<backup dir>/journal.jsonl`` (under the run lock, so never
beside a running ``execute``), asks the server about every asset the run moved to the trash,
and restores those still there with ``POST /trash/restore/assets`` (same ids, so album
memberships come back with them). Assets that are gone for good — deleted with
``--permanent``, or purged from the trash since — are listed with the path of their
verified original in the backup directory, for re-upload.

Batches whose ``done`` never reached the journal (a killed run) are included: whatever of
them is in the trash was put there by that run. Restoring does not undo the metadata
Immich merged into the keepers.

Then every group the run stacked, dismissed or resolved is put back on Immich's duplicate
list as it was (``settle.plan_regroup``/``settle.regroup``): the stacks the run created are
deleted and each member still on the server gets its duplicate id back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from immich_dedupe import settle
from immich_dedupe.durable import RunLock
from immich_dedupe.errors import EXIT_OK, EXIT_PARTIAL, JournalError
from immich_dedupe.journal import Journal, JournalState
from immich_dedupe.progress import NullProgress, Progress

if TYPE_CHECKING:
    from immich_dedupe.connection import ImmichConnection

__all__ = ["RESTORE_BATCH", "RestoreItem", "RestoreReport", "restore_from_journal"]

RESTORE_BATCH = 1000  # ids per POST /trash/restore/assets
_CHECK_TASK = "Checking the trash"


@attrs.frozen(kw_only=True)
class RestoreItem:
    asset_id: str
    duplicate_id: str
    status: str  # restored | not_in_trash | gone | failed
    reason: str = ""
    backup: str | None = None  # absolute path of the verified original, when there is one


@attrs.frozen(kw_only=True)
class RestoreReport:
    backup_dir: str
    items: tuple[RestoreItem, ...]
    confirmed: bool
    groups: tuple[settle.RegroupItem, ...] = ()  # groups put back on the duplicate list

    def with_status(self, status: str) -> tuple[RestoreItem, ...]:
        return tuple(i for i in self.items if i.status == status)

    def groups_with(self, status: str) -> tuple[settle.RegroupItem, ...]:
        return tuple(g for g in self.groups if g.status == status)

    @property
    def exit_code(self) -> int:
        """0 when every asset the run trashed is out of the trash again and every group is back."""
        ok = (
            self.confirmed
            and all(i.status in ("restored", "not_in_trash") for i in self.items)
            and all(g.ok for g in self.groups)
        )
        return EXIT_OK if ok else EXIT_PARTIAL

    def to_json(self) -> dict[str, Any]:
        return {
            "backup_dir": self.backup_dir,
            "confirmed": self.confirmed,
            "exit_code": self.exit_code,
            "items": [attrs.asdict(i) for i in self.items],
            "groups": [attrs.asdict(g) for g in self.groups],
        }

    def to_text(self) -> str:
        restorable = len(self.with_status("restored")) if self.confirmed else len(self.with_status("trashed"))
        lines = [
            f"{'restored' if self.confirmed else 'in the trash, restorable'}: {restorable}; "
            f"already out of the trash: {len(self.with_status('not_in_trash'))}; "
            f"cannot be restored: {len(self.with_status('gone')) + len(self.with_status('failed'))}"
        ]
        for item in self.items:
            if item.status in ("gone", "failed"):
                lines.append(f"  {item.asset_id} (group {item.duplicate_id}): {item.reason}")
                if item.backup:
                    lines.append(f"    verified original: {item.backup}")
        if self.groups:
            back = len(self.groups_with("regrouped" if self.confirmed else "to_regroup"))
            lines.append(
                f"{'groups put back' if self.confirmed else 'groups to put back'} on Immich's duplicate "
                f"list: {back}; already there: {len(self.groups_with('in_group'))}; "
                f"not put back: {len(self.groups_with('not_regrouped')) + len(self.groups_with('failed'))}"
            )
            for g in self.groups:
                if g.status in ("to_regroup", "regrouped") and g.stack_id:
                    done = "deleted" if g.status == "regrouped" else "to be deleted"
                    lines.append(f"  group {g.duplicate_id} ({g.action}): stack {g.stack_id} {done}")
                if g.status in ("not_regrouped", "failed") or (g.reason and g.status != "in_group"):
                    lines.append(f"  group {g.duplicate_id} ({g.action}): {g.reason}")
        return "\n".join(lines)


def _candidates(state: JournalState) -> dict[str, tuple[str, str]]:
    """Asset id → (duplicate id, how the run took it: trashed | permanent | restored)."""
    out: dict[str, tuple[str, str]] = {}
    for intent in state.pending:  # the run died before recording what the server did
        kind = "permanent" if intent.get("permanent") else "trashed"
        for entry in intent.get("groups") or ():
            for aid in entry.get("trash") or ():
                out[aid] = (str(entry.get("duplicate_id")), kind)
    for gid, ids in state.trashed.items():
        for aid in ids:
            out[aid] = (gid, "trashed")
    for gid, ids in state.deleted.items():
        for aid in ids:
            out[aid] = (gid, "permanent")
    for aid, (gid, kind) in out.items():
        if kind == "trashed" and aid in state.restored:
            # Restored by us earlier: if it is in the trash again, the user put it there.
            out[aid] = (gid, "restored")
    return out


def restore_from_journal(
    backup_dir: Path,
    conn: ImmichConnection,
    *,
    progress: Progress | None = None,
    confirm: Callable[[RestoreReport], bool] | None = None,
    forbidden: Sequence[str] = (),
) -> RestoreReport:
    """Restore from the trash what the execute run recorded in ``backup_dir`` moved there.

    ``confirm`` is shown what would be restored (items
    with status ``trashed``) and must return True to proceed (None: proceed). Raises
    ``JournalError`` when there is no usable journal, ``AuthError`` without ``asset.read`` and
    ``asset.delete``.
    """
    progress = progress or NullProgress()
    root = Path(backup_dir).expanduser()
    if not root.is_dir():
        raise JournalError(f"{root} is not a directory: give the --backup-dir of an execute run")
    with RunLock(root, on_break=progress.note), Journal.open(root, None, forbidden=forbidden) as journal:
        state = journal.state()
        wanted = _candidates(state)
        required = (
            "asset.read",
            *(("asset.delete",) if wanted else ()),
            *settle.undo_permissions(journal.events),
        )
        optional = {} if "asset.update" in required else {"asset.update": "putting resolved groups back"}
        info = conn.preflight(required=required, optional=optional)
        for warning in getattr(conn, "warnings", ()):
            progress.note(warning)
        items = _check(conn, root, state, wanted, progress)
        groups = settle.plan_regroup(conn, journal.events, info=info, progress=progress)
        preview = RestoreReport(
            backup_dir=str(root), items=tuple(items.values()), groups=tuple(groups), confirmed=False
        )
        to_restore = [i.asset_id for i in items.values() if i.status == "trashed"]
        to_regroup = [g for g in groups if g.status == "to_regroup"]
        if not (to_restore or to_regroup) or (confirm is not None and not confirm(preview)):
            confirmed = not (to_restore or to_regroup)
            return attrs.evolve(preview, confirmed=confirmed)
        progress.start("Restoring", total=len(to_restore))
        try:
            for start in range(0, len(to_restore), RESTORE_BATCH):
                batch = to_restore[start : start + RESTORE_BATCH]
                conn.restore_assets(batch)
                journal.append({"type": "restore", "asset_ids": batch})
                progress.advance("Restoring", len(batch))
        finally:
            progress.finish("Restoring")
        for aid in to_restore:  # confirm with the server rather than trust a count
            got = conn.get_asset(aid)
            old = items[aid]
            if got is not None and not got[0].is_trashed:
                items[aid] = attrs.evolve(old, status="restored", reason="")
            else:
                items[aid] = attrs.evolve(
                    old, status="failed", reason="the server did not take it out of the trash"
                )
        groups = settle.regroup(conn, journal, groups, progress=progress)
        return RestoreReport(
            backup_dir=str(root), items=tuple(items.values()), groups=tuple(groups), confirmed=True
        )


def _check(
    conn: ImmichConnection,
    root: Path,
    state: JournalState,
    wanted: Mapping[str, tuple[str, str]],
    progress: Progress,
) -> dict[str, RestoreItem]:
    items: dict[str, RestoreItem] = {}
    progress.start(_CHECK_TASK, total=len(wanted))
    try:
        for aid, (gid, kind) in wanted.items():
            record = state.backups.get(aid)
            backup = str(root.joinpath(*record.path.split("/"))) if record else None
            if kind == "restored":
                items[aid] = RestoreItem(
                    asset_id=aid,
                    duplicate_id=gid,
                    status="not_in_trash",
                    reason="restored by an earlier restore",
                    backup=backup,
                )
                progress.advance(_CHECK_TASK)
                continue
            got = conn.get_asset(aid)
            if got is None:
                why = "deleted permanently (--permanent)" if kind == "permanent" else "no longer in the trash"
                item = RestoreItem(
                    asset_id=aid,
                    duplicate_id=gid,
                    status="gone",
                    reason=f"{why}: not found on the server",
                    backup=backup,
                )
            elif got[0].is_trashed:
                item = RestoreItem(asset_id=aid, duplicate_id=gid, status="trashed", backup=backup)
            else:
                item = RestoreItem(
                    asset_id=aid,
                    duplicate_id=gid,
                    status="not_in_trash",
                    reason="already out of the trash",
                    backup=backup,
                )
            items[aid] = item
            progress.advance(_CHECK_TASK)
    finally:
        progress.finish(_CHECK_TASK)
    return items
