"""The plan: what to keep and delete in each duplicate group, and why.

Pure data. ``planner`` builds it, ``planfile`` turns it into reviewable JSON and back,
``execute`` acts on it, ``show``/``report`` display it. A person may edit ``action``,
``keep`` and ``delete`` in the JSON; ``planfile.validate_plan`` checks those edits and
``GroupPlan.fingerprint`` detects changes to anything else about the group's assets.

Actions: ``resolve`` (keep ``keep``, delete ``delete``), ``stack`` (keep every member, stacked
in Immich with the best-scored id of ``keep`` on top; ``delete`` is empty), ``dismiss`` (not
duplicates: take the group off Immich's list, change nothing else; ``delete`` is empty),
``review`` (a person should look first) and ``skip`` (leave alone). Schema version 1 knew
only resolve, review and skip; version 2 added stack and dismiss (and their summary counts).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

import attrs

from immich_dedupe.facts import AssetFacts, Group

__all__ = [
    "ACTIONS",
    "ACTS_ON_SERVER",
    "SCHEMA_VERSION",
    "Action",
    "GroupPlan",
    "Plan",
    "PlanServer",
    "PlannedAsset",
    "Summary",
]

SCHEMA_VERSION = 2

Action = Literal["resolve", "stack", "dismiss", "review", "skip"]
ACTIONS: tuple[str, ...] = ("resolve", "stack", "dismiss", "review", "skip")
ACTS_ON_SERVER: frozenset[str] = frozenset({"resolve", "stack", "dismiss"})  # execute acts on these


@attrs.frozen(kw_only=True)
class PlannedAsset:
    """An asset with its score. ``facts`` maps each fact name to a display value, or None if missing.

    ``breakdown`` maps each fact (and tie-breaker) name to the points it earned; the points
    add up to ``score``.
    """

    asset: AssetFacts
    score: float
    breakdown: Mapping[str, float]
    facts: Mapping[str, str | None]

    @property
    def id(self) -> str:
        return self.asset.id


@attrs.frozen(kw_only=True)
class GroupPlan:
    duplicate_id: str
    action: str  # one of ACTIONS (a str, so that a plan from a newer version still loads)
    keep: tuple[str, ...]
    delete: tuple[str, ...]
    immich_keep: tuple[str, ...]  # suggestedKeepAssetIds, or Immich's rule applied by us
    differs_from_immich: bool
    reasons: tuple[str, ...]  # short human sentences
    lost_if_resolved: tuple[str, ...]  # facts (or "fact: detail") a plain resolve would lose
    assets: tuple[PlannedAsset, ...]  # server order
    fingerprint: str  # sha256 over the members' ids, checksums and sizes, as analysed

    def changes_on_server(self, live: Group, expected: Collection[str] | None = None) -> str | None:
        """Why the server's current group is not the planned one (members gone or added,
        checksums changed), or None. ``expected`` are the member ids that must still be there
        (default: every planned member; fewer when an interrupted run already deleted some)."""
        planned = {a.asset.id: a.asset for a in self.assets}
        wanted = set(planned) if expected is None else set(expected)
        live_ids = {a.id for a in live.assets}
        problems = []
        missing = sorted(wanted - live_ids)
        extra = sorted(live_ids - wanted)
        if missing:
            problems.append(
                f"member(s) {', '.join(missing)} no longer in the group (trashed, deleted or moved)"
            )
        if extra:
            problems.append(f"new member(s) {', '.join(extra)} joined the group since analyze")
        for a in live.assets:
            if a.id in planned and a.id in wanted and a.checksum != planned[a.id].checksum:
                problems.append(f"the checksum of {a.id} changed since analyze")
        return "; ".join(problems) or None

    def asset(self, asset_id: str) -> PlannedAsset:
        for a in self.assets:
            if a.asset.id == asset_id:
                return a
        raise KeyError(asset_id)


@attrs.frozen(kw_only=True)
class PlanServer:
    url: str  # normalised base URL, never credentials
    version: str


@attrs.frozen(kw_only=True)
class Summary:
    groups: int
    assets: int
    resolve: int
    review: int
    skip: int
    differs_from_immich: int
    bytes_freed: int  # sum of file sizes of assets to delete in resolve groups
    stack: int = 0  # schema version 2 on; a version 1 plan has none
    dismiss: int = 0


@attrs.frozen(kw_only=True)
class Plan:
    schema_version: int
    generated_at: str  # ISO 8601 UTC; the only field that differs between identical runs
    tool_version: str
    source: str  # "server" or "file"
    server: PlanServer | None
    policy: Mapping[str, Any]  # the policy as JSON (name, weights, rules), for the record
    summary: Summary
    groups: tuple[GroupPlan, ...]  # sorted by duplicate_id
