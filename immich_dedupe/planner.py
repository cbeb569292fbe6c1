"""Pure: decide, for each duplicate group, which copy to keep, what to delete, and why.

The keeper is the best-scored asset (``scoring``). Ties go to Immich's own pick, so the
plan only departs from Immich when it has a reason, then to the oldest file, then to the
smallest id: the same input always gives the same plan.

The no-loss rule: a group is ``resolve`` only when deleting the other copies loses
nothing. A copy is *lost* if it holds a fact the keeper lacks that nothing carries over
(GPS, place, time zone, capture date, camera, lens, exposure, people, a live-photo motion
part, or materially more pixels), and two copies *conflict* if their GPS positions are far
apart or their capture instants disagree beyond a time-zone shift (a copy without any camera
data is not compared: its date is its file's, see ``file_dated``). Either way the group is
``review`` with the facts listed in ``lost_if_resolved``; with ``on_loss = "keep_both"`` the
copies holding such facts are kept too and the rest resolved, but a conflict still means
review. With ``on_conflict = "stack"`` a group that is review only because of losses is
``stack`` instead: every copy is kept, stacked in Immich with the keeper on top, so nothing is
lost; a value conflict still means review (the copies may not be the same picture).
Favourite, rating, description, archive, albums and tags are carried over to the
keeper by execute (and by Immich's resolve merge with one keeper), so they only count as
lost when the policy sets ``carry_immich_facts = false``. The planner never writes
``dismiss``: only a person decides that a group is not duplicates.

Groups that cannot be judged (fewer than 2 assets, images mixed with videos, a member in
the trash, offline, hidden or locked, an id listed twice) are ``skip``: nothing happens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Iterable, Sequence

import attrs

from immich_dedupe import __version__
from immich_dedupe.facts import AssetFacts, Group
from immich_dedupe.plan import ACTIONS, SCHEMA_VERSION, GroupPlan, Plan, PlannedAsset, PlanServer, Summary
from immich_dedupe.policy import CARRIED_FACTS, Policy
from immich_dedupe.scoring import (
    FACTS,
    LABELS,
    fact_values,
    file_format,
    gps_position,
    pixel_count,
    score_facts,
)

__all__ = [
    "build_plan",
    "capture_conflict",
    "file_dated",
    "group_fingerprint",
    "haversine_km",
    "immich_keep",
    "parse_capture_time",
    "plan_group",
    "stack_primary",
]

_EARTH_RADIUS_KM = 6371.0088
_QUARTER_HOUR = 900.0
_MAX_ZONE_SHIFT = 14 * 3600.0  # a copy that lost its zone is off by its UTC offset: at most 14 h
_EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})")
_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)
_FACT_RANK = {f: i for i, f in enumerate(FACTS)}
_CARRIED_IN_ORDER = tuple(f for f in FACTS if f in CARRIED_FACTS)
# Facts _missing_on_keeper compares by value; for the others a loss is "the keeper has none".
_COMPARED = frozenset({"pixels", "people", "albums", "tags", "description", "rating"})
# What _losses walks, in FACTS order: (fact, compared by value?), with and without carried facts.
_LOSS_FACTS = tuple((f, f in _COMPARED) for f in FACTS)
_UNCARRIED_LOSS_FACTS = tuple((f, c) for f, c in _LOSS_FACTS if f not in CARRIED_FACTS)
_TYPE_WORDS = {"IMAGE": "photos", "VIDEO": "videos", "AUDIO": "audio files", "OTHER": "other files"}


# --------------------------------------------------------------------------- public API


def immich_keep(group: Group) -> tuple[str, ...]:
    """What Immich keeps: the server's ``suggestedKeepAssetIds``, else Immich's rule.

    The rule (server 2.7+, and the web page before it): the largest
    ``exifInfo.fileSizeInByte`` (null counts as 0); among equals, the most truthy values in
    ``exifInfo``; both sorts are stable and ascending and the *last* element wins, so a full
    tie goes to the asset latest in the group's (server) order. A suggestion that names no
    current member (stale, or empty) is ignored in favour of the rule.
    """
    members = {a.id for a in group.assets}
    if group.suggested_keep_ids is not None:
        suggested = tuple(i for i in group.suggested_keep_ids if i in members)
        if suggested:
            return suggested
    if not group.assets:
        return ()
    best = max(
        enumerate(group.assets),
        key=lambda ia: (ia[1].file_size or 0, ia[1].exif_truthy_count, ia[0]),
    )
    return (best[1].id,)


def group_fingerprint(assets: Iterable[AssetFacts]) -> str:
    """sha256 (hex) over the sorted ``id:checksum:file_size`` lines of a group's members.

    Must stay byte-for-byte the same as ``planfile.group_fingerprint``: execute compares the
    two to notice that a group changed since it was analysed. A missing size is written as
    an empty string; lines are joined with "\\n".
    """
    lines = sorted(f"{a.id}:{a.checksum}:{'' if a.file_size is None else a.file_size}" for a in assets)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def parse_capture_time(text: str | None) -> tuple[dt.datetime, bool] | None:
    """(aware datetime, date_only) for a ``dateTimeOriginal``, or None when unparseable.

    ISO 8601 with or without offset, and EXIF's ``YYYY:MM:DD HH:MM:SS``. A value without an
    offset is read as UTC, which is what Immich stores for a local time of unknown zone; the
    time-zone-shift allowance in ``capture_conflict`` absorbs the difference.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    if text[4:5] == ":":  # EXIF's own "YYYY:MM:DD HH:MM:SS"
        text = _EXIF_DATE.sub(r"\1-\2-\3", text, count=1)
    date_only = "T" not in text and ":" not in text
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        # Only odd dates get here; dateutil costs ~40 ms to import, so it waits until then.
        from dateutil import parser as date_parser

        try:
            value = date_parser.isoparse(text)
        except (ValueError, OverflowError):
            try:
                value = date_parser.parse(text, default=dt.datetime(1, 1, 1))
            except (ValueError, OverflowError):
                return None
            if value.year == 1:
                return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value, date_only


def capture_conflict(a: AssetFacts, b: AssetFacts, tolerance_s: float) -> str | None:
    """How the capture times of ``a`` and ``b`` disagree, or None when they agree.

    They agree when the instants are within ``tolerance_s``, or when the difference is a
    whole number of quarter hours up to 14 h and the two copies could disagree about the
    time zone (zones differ or one is unknown): one of them lost its zone. When either value
    is a date without a time, only the dates are compared. Unparseable values are not compared.
    """
    pa, pb = parse_capture_time(a.date_time_original), parse_capture_time(b.date_time_original)
    if pa is None or pb is None:
        return None
    (ta, a_date_only), (tb, b_date_only) = pa, pb
    if a_date_only or b_date_only:
        if ta.date() == tb.date():
            return None
        return f"capture dates differ ({ta.date().isoformat()} vs {tb.date().isoformat()})"
    diff = abs((ta - tb).total_seconds())
    if diff <= tolerance_s:
        return None
    same_zone = bool(a.time_zone) and a.time_zone == b.time_zone
    if not same_zone and diff <= _MAX_ZONE_SHIFT + tolerance_s:
        quarters = round(diff / _QUARTER_HOUR)
        if quarters > 0 and abs(diff - quarters * _QUARTER_HOUR) <= tolerance_s:
            return None
    return f"capture times differ by {_duration(diff)}"


def plan_group(group: Group, policy: Policy) -> GroupPlan:
    """Score every member, pick the keeper(s), apply the no-loss rule, and explain it."""
    names = _display_names(group.assets)
    skip = _skip_reason(group, names)
    # A member listed twice (a malformed listing) is planned once, so the plan stays valid.
    # _skip_reason refuses such a group, so a group not skipped has unique ids already.
    unique = group.assets
    if skip is not None:
        first: dict[str, AssetFacts] = {}
        for a in unique:
            first.setdefault(a.id, a)
        unique = tuple(first.values())
    scored = []
    for a in unique:  # one fact_values per asset, shared by scoring, losses and reasons
        facts = fact_values(a)
        score, breakdown = score_facts(a, facts, policy)
        scored.append(_Scored(PlannedAsset(asset=a, score=score, breakdown=breakdown, facts=facts), a, facts))
    immich = immich_keep(group)
    fingerprint = group_fingerprint(unique)
    planned = tuple([s.planned for s in scored])

    if skip is not None:
        return GroupPlan(
            duplicate_id=group.duplicate_id,
            action="skip",
            keep=tuple(a.id for a in unique),
            delete=(),
            immich_keep=immich,
            differs_from_immich=False,
            reasons=(skip,),
            lost_if_resolved=(),
            assets=planned,
            fingerprint=fingerprint,
        )

    keeper = _choose_keeper(scored, immich)
    others = [s for s in scored if s is not keeper]
    losses = {s.asset.id: _losses(keeper, s, policy) for s in others}
    notes: list[str] = []
    conflicts = [c for s in others for c in _conflicts(keeper, s, policy, names, notes)]

    keep_both = policy.on_loss == "keep_both"
    any_loss = any(losses.values())
    if conflicts:
        action = "review"
    elif any_loss and not keep_both:
        action = "stack" if policy.on_conflict == "stack" else "review"
    else:
        action = "resolve"
    # stack: every copy stays, under the keeper; keep_both: the copies holding a lost fact.
    extra = [s for s in others if action == "stack" or (keep_both and losses[s.asset.id])]
    keep_ids = (keeper.asset.id, *(s.asset.id for s in extra))
    kept = set(keep_ids)
    deleted = [s for s in others if s.asset.id not in kept]

    # Fact order first, then server order (losses before conflicts): stable and readable.
    lost_entries: list[str] = []
    if any_loss or conflicts:
        order = {s.asset.id: i for i, s in enumerate(others)}
        ranked = [
            (_FACT_RANK[f.fact], order[f.asset.id], 0, f.entry(names))
            for s in others
            for f in losses[s.asset.id]
        ]
        ranked += [(_FACT_RANK[c.fact], order[c.other.asset.id], 1, c.entry) for c in conflicts]
        lost_entries = [entry for *_, entry in sorted(ranked)]

    reasons = [
        *_reasons(
            action=action,
            keeper=keeper,
            extra=extra,
            deleted=deleted,
            losses=losses,
            conflicts=conflicts,
            immich=immich,
            group=group,
            scored=scored,
            policy=policy,
            names=names,
        ),
        *notes,
    ]
    return GroupPlan(
        duplicate_id=group.duplicate_id,
        action=action,
        keep=keep_ids,
        delete=tuple(s.asset.id for s in deleted),
        immich_keep=immich,
        # A stack keeps everything: what differs is only which copy is on top.
        differs_from_immich=(keeper.asset.id not in immich)
        if action == "stack"
        else set(keep_ids) != set(immich),
        reasons=tuple(reasons),
        lost_if_resolved=tuple(dict.fromkeys(lost_entries)) if lost_entries else (),
        assets=planned,
        fingerprint=fingerprint,
    )


def stack_primary(group: GroupPlan) -> str:
    """The asset a ``stack`` puts on top: the best-scored id in ``keep``.

    Ties go as for the keeper: Immich's pick, then the oldest file, then the smallest id. So
    for a plan analyze wrote (keep = every member) it is the planner's keeper, and a person
    chooses another by leaving only that id in ``keep``. Raises ``ValueError`` on an empty
    ``keep`` (``planfile.validate_plan`` refuses such a stack group).
    """
    kept = [a for a in group.assets if a.id in set(group.keep)]
    if not kept:
        raise ValueError(f"group {group.duplicate_id}: a stack needs at least one id in keep")
    top = max(a.score for a in kept)
    tied = [a for a in kept if a.score == top]
    return min(tied, key=lambda a: (a.id not in group.immich_keep, _age_key(a.asset), a.id)).id


def build_plan(
    groups: Iterable[Group],
    policy: Policy,
    *,
    source: str,
    server: PlanServer | None,
    generated_at: str,
) -> Plan:
    """Plan every group. Groups are sorted by duplicate_id (then fingerprint), so the plan
    does not depend on the order the server sent them in; assets keep the server's order.
    A group with no assets has nothing to plan and is left out. Linear in the number of assets.
    """
    plans = sorted(
        (plan_group(g, policy) for g in groups if g.assets), key=lambda p: (p.duplicate_id, p.fingerprint)
    )
    counts = dict.fromkeys(ACTIONS, 0)
    n_assets = differs = freed = 0
    for p in plans:
        counts[p.action] += 1
        n_assets += len(p.assets)
        differs += p.differs_from_immich
        if p.action == "resolve":
            gone = set(p.delete)
            freed += sum(a.asset.file_size or 0 for a in p.assets if a.id in gone)
    summary = Summary(
        groups=len(plans),
        assets=n_assets,
        resolve=counts["resolve"],
        review=counts["review"],
        skip=counts["skip"],
        differs_from_immich=differs,
        bytes_freed=freed,
        stack=counts["stack"],
        dismiss=counts["dismiss"],
    )
    return Plan(
        schema_version=SCHEMA_VERSION,
        generated_at=generated_at,
        tool_version=__version__,
        source=source,
        server=server,
        policy=policy.to_json(),
        summary=summary,
        groups=tuple(plans),
    )


# --------------------------------------------------------------------------- internals


class _Scored:
    """A member with its facts and score; ``asset`` and ``facts`` are copied out for speed.

    A plain slotted class (compared by identity), not attrs: one per asset, built in bulk.
    """

    __slots__ = ("asset", "facts", "planned")

    def __init__(self, planned: PlannedAsset, asset: AssetFacts, facts: dict[str, str | None]) -> None:
        self.planned = planned
        self.asset = asset
        self.facts = facts


@attrs.frozen
class _Loss:
    """A fact that ``asset`` holds and the keeper lacks, which deleting ``asset`` would lose."""

    fact: str
    asset: AssetFacts
    detail: str  # the value, for people

    def entry(self, names: dict[str, str]) -> str:
        return f"{self.fact}: {self.detail} (only on {names[self.asset.id]})"


@attrs.frozen
class _Conflict:
    fact: str
    other: _Scored
    entry: str  # for lost_if_resolved
    sentence: str  # for reasons


def _skip_reason(group: Group, names: dict[str, str]) -> str | None:
    assets = group.assets
    if len(assets) < 2:
        return f"Skipped: the group has only {len(assets)} asset{'s' if len(assets) != 1 else ''}"
    if len({a.id for a in assets}) != len(assets):  # rare: find the first id listed twice
        seen: set[str] = set()
        for a in assets:
            if a.id in seen:
                return f"Skipped: the group lists {names[a.id]} twice"
            seen.add(a.id)
    types = {a.type for a in assets}
    if len(types) > 1:
        words = " and ".join(_TYPE_WORDS.get(t, t.lower()) for t in sorted(types))
        return f"Skipped: the group mixes {words}"
    for a in assets:
        if a.is_trashed:
            return f"Skipped: {names[a.id]} is already in the trash"
        if a.is_offline:
            return f"Skipped: {names[a.id]} is offline (its file is missing)"
        if a.visibility in ("hidden", "locked"):
            return f"Skipped: {names[a.id]} is {a.visibility}"
    return None


def _choose_keeper(scored: Sequence[_Scored], immich: tuple[str, ...]) -> _Scored:
    """Highest score; ties: Immich's pick, then the oldest file, then the smallest id."""
    top = max(s.planned.score for s in scored)
    tied = [s for s in scored if s.planned.score == top]
    if len(tied) == 1:
        return tied[0]
    return min(tied, key=lambda s: (s.asset.id not in immich, _age_key(s.asset), s.asset.id))


def _age_key(asset: AssetFacts) -> dt.datetime:
    for text in (asset.file_created_at, asset.local_date_time):
        parsed = parse_capture_time(text)
        if parsed is not None:
            return parsed[0]
    return _FAR_FUTURE


def _description_lines(text: str | None) -> set[str]:
    return {line.strip() for line in (text or "").splitlines() if line.strip()}


def _losses(keeper: _Scored, other: _Scored, policy: Policy) -> list[_Loss]:
    """Facts ``other`` holds that the keeper lacks and that nothing would carry over."""
    out: list[_Loss] = []
    facts, keeper_facts = other.facts, keeper.facts
    for fact, compared in _UNCARRIED_LOSS_FACTS if policy.carry_immich_facts else _LOSS_FACTS:
        value = facts[fact]
        if value is None:
            continue
        if compared:
            detail = _missing_on_keeper(fact, keeper, other, policy)
        elif keeper_facts[fact] is None:  # what _missing_on_keeper says for the other facts
            detail = value
        else:
            continue
        if detail is not None:
            out.append(_Loss(fact, other.asset, detail))
    return out


def _carried(keeper: _Scored, other: _Scored, policy: Policy) -> list[str]:
    """Carried facts ``other`` holds that the keeper lacks (execute copies them over)."""
    if not policy.carry_immich_facts:
        return []
    facts = other.facts
    return [
        f
        for f in _CARRIED_IN_ORDER
        if facts[f] is not None and _missing_on_keeper(f, keeper, other, policy) is not None
    ]


def _missing_on_keeper(fact: str, keeper: _Scored, other: _Scored, policy: Policy) -> str | None:
    """``other``'s value of ``fact`` if the keeper does not have it (or has less of it), else None."""
    k, o = keeper.asset, other.asset
    value = other.facts[fact]
    if value is None:
        return None
    if fact == "pixels":
        if keeper.facts["pixels"] is None:  # None exactly when pixel_count is
            return f"{value} vs unknown"
        kp, op = pixel_count(k), pixel_count(o)
        if kp is not None and op is not None and op > kp * (1 + policy.pixel_tolerance):
            return f"{value} vs {keeper.facts['pixels']}"
        return None
    if fact == "people":
        extra = sorted(set(o.people) - set(k.people))
        return f"{len(extra)} {'person' if len(extra) == 1 else 'people'}" if extra else None
    if fact == "albums":
        extra = sorted(set(o.albums or ()) - set(k.albums or ()))
        return f"{len(extra)} album{'s' if len(extra) > 1 else ''}" if extra else None
    if fact == "tags":
        extra = sorted(set(o.tags) - set(k.tags))
        return ", ".join(extra) if extra else None
    if fact == "description":
        extra_lines = _description_lines(o.description) - _description_lines(k.description)
        return value if extra_lines else None
    if fact == "rating":
        return value if (o.rating or 0) > max(k.rating or 0, 0) else None
    return value if keeper.facts[fact] is None else None


def file_dated(asset: AssetFacts) -> bool:
    """True when the asset's capture date is most likely its file's date, not the camera's.

    Immich falls back on the file's creation/modification time when a file has no EXIF date
    (messenger and browser copies). Such a copy has no camera data at all: no make, model,
    lens, exposure values or time zone. Its "capture date" is then the day it was saved, so
    comparing it with the keeper's would flag nearly every messenger copy as a conflict.
    """
    return not (
        asset.make
        or asset.model
        or asset.lens_model
        or asset.f_number
        or asset.exposure_time
        or asset.iso
        or asset.focal_length
        or asset.time_zone
    )


def _conflicts(
    keeper: _Scored, other: _Scored, policy: Policy, names: dict[str, str], notes: list[str]
) -> list[_Conflict]:
    """Values ``other`` and the keeper both have but that cannot be the same picture's.

    Capture times are not compared when either copy is ``file_dated``; if they would have
    conflicted, a sentence saying so is added to ``notes``.
    """
    k, o = keeper.asset, other.asset
    kn, on = names[k.id], names[o.id]
    out = []
    kp, op = gps_position(k), gps_position(o)
    if kp is not None and op is not None:
        km = haversine_km(kp, op)
        if km > policy.gps_conflict_km:
            dist = f"{km:.1f} km" if km < 100 else f"{km:,.0f} km"
            out.append(
                _Conflict(
                    "gps",
                    other,
                    f"gps: {on} is {dist} from {kn} (conflict)",
                    f"Review: {on} and {kn} were taken {dist} apart (GPS positions conflict)",
                )
            )
    how = capture_conflict(k, o, policy.time_tolerance_seconds)
    if how is not None and (file_dated(k) or file_dated(o)):
        which = on if file_dated(o) else kn
        notes.append(f"Capture times not compared: {which} has no camera data, so its date is its file's")
    elif how is not None:
        out.append(
            _Conflict(
                "capture_date",
                other,
                f"capture_date: {on} vs {kn}, {how} (conflict)",
                f"Review: {how} between {kn} and {on}, more than a time-zone shift explains",
            )
        )
    return out


def _reasons(
    *,
    action: str,
    keeper: _Scored,
    extra: list[_Scored],
    deleted: list[_Scored],
    losses: dict[str, list[_Loss]],
    conflicts: list[_Conflict],
    immich: tuple[str, ...],
    group: Group,
    scored: Sequence[_Scored],
    policy: Policy,
    names: dict[str, str],
) -> list[str]:
    out: list[str] = []
    verb = {"resolve": "Keeps", "stack": "Stacks every copy with"}.get(action, "Would keep")
    kn = names[keeper.asset.id]
    on_top = " on top" if action == "stack" else ""
    pick = None
    for s in scored:
        if s.asset.id in immich:
            pick = s
            break

    if pick is None or pick is keeper:
        out.append(f"{verb} {kn}{on_top}, Immich's pick too")
    else:
        out.append(f"{verb} {kn}{on_top}: {_why_better(keeper, pick, policy, names)}")
    if pick is not None and (pick is not keeper or len(immich) > 1):
        out.append(_immich_sentence(group, pick, names))

    if action == "stack":
        for s in scored:
            found = losses.get(s.asset.id)
            if s is keeper or not found:
                continue
            parts = [f"{LABELS[f.fact]} ({_short(f.detail)})" for f in found]
            out.append(
                f"Stack: deleting {names[s.asset.id]} would lose {_join(parts)}, so it stays, "
                f'stacked under {kn} (policy on_conflict = "stack")'
            )
        return out

    for s in extra:
        facts = [LABELS[f.fact] for f in losses[s.asset.id]]
        out.append(f"Also keeps {names[s.asset.id]}: it has {_join(facts)} that {kn} lacks")

    if action == "review":
        for c in conflicts:
            out.append(c.sentence)
        if policy.on_loss != "keep_both":
            for s in scored:
                found = losses.get(s.asset.id)
                if s is keeper or not found:
                    continue
                parts = [f"{LABELS[f.fact]} ({_short(f.detail)})" for f in found]
                out.append(f"Review: deleting {names[s.asset.id]} would lose {_join(parts)}")

    for s in deleted:
        carried = _carried(keeper, s, policy)
        if carried:
            labels = _join([LABELS[f] for f in carried])
            carry = "carried over" if action == "resolve" else "would be carried over"
            out.append(f"{labels[0].upper()}{labels[1:]} {carry} from {names[s.asset.id]}")
        if s.asset.live_photo_video_id and s.asset.live_photo_video_id != keeper.asset.live_photo_video_id:
            out.append(f"{names[s.asset.id]} is a live photo: its motion part goes with it")
    if action == "resolve" and not deleted:
        out.append("Every copy holds something the others lack: resolving keeps them all")
    return out


def _why_better(keeper: _Scored, other: _Scored, policy: Policy, names: dict[str, str]) -> str:
    """Why ``keeper`` outscored ``other``: the weighted facts it has, else the tie-breaker."""
    on = names[other.asset.id]
    k_facts, o_facts = keeper.facts, other.facts
    weighted = _weighted_facts(policy)
    more = [f for f in weighted if k_facts[f] is not None and o_facts[f] is None]
    fewer = [f for f in weighted if o_facts[f] is not None and k_facts[f] is None]
    if more:
        more.sort(key=lambda f: -policy.weights[f])  # stable: FACTS order among equal weights
        shown = [LABELS[f] for f in more[:4]]
        if len(more) > 4:
            shown.append(f"{len(more) - 4} more facts")
        return f"it has {_join(shown)} that {on} lacks"
    if fewer:
        return f"its facts weigh more ({keeper.planned.score:g} vs {other.planned.score:g} points)"
    # Same weighted facts: the tie-breaker that gained the most points decided.
    gains = {
        name: keeper.planned.breakdown.get(name, 0.0) - other.planned.breakdown.get(name, 0.0)
        for name in ("pixels", "format", "file_size")
    }
    decisive = max(gains, key=lambda n: gains[n])
    if gains[decisive] > 0:
        if decisive == "pixels":
            return (
                f"same facts as {on}, but more pixels ({keeper.facts['pixels']} vs {other.facts['pixels']})"
            )
        if decisive == "format":
            kf, of = file_format(keeper.asset)[0], file_format(other.asset)[0]
            return f"same facts as {on}, but a camera-original format ({kf} over {of})"
        ks, os_ = keeper.asset.file_size or 0, other.asset.file_size or 0
        return f"same facts as {on}, but a larger file ({_size(ks)} vs {_size(os_)})"
    return f"same facts and score as {on}; the older file wins the tie"


_weighted_of: tuple[Policy | None, tuple[str, ...]] = (None, ())


def _weighted_facts(policy: Policy) -> tuple[str, ...]:
    """The facts ``policy`` gives points, in FACTS order (for the last policy seen: plans use one)."""
    global _weighted_of
    cached, weighted = _weighted_of
    if cached is not policy:
        weighted = tuple(f for f in FACTS if policy.weights.get(f, 0) > 0)
        _weighted_of = (policy, weighted)
    return weighted


def _immich_sentence(group: Group, pick: _Scored, names: dict[str, str]) -> str:
    suggested = group.suggested_keep_ids is not None and pick.asset.id in group.suggested_keep_ids
    who = "Immich suggests keeping" if suggested else "Immich's rule would keep"
    sizes = [a.file_size or 0 for a in group.assets]
    size = pick.asset.file_size or 0
    if size == max(sizes) and sizes.count(size) == 1:
        why = f"largest file, {_size(size)}"
    elif size == max(sizes):
        why = f"largest file, {_size(size)}, tied; most EXIF fields"
    else:
        why = f"{_size(size)}"
    return f"{who} {names[pick.asset.id]} ({why})"


def _display_names(assets: Sequence[AssetFacts]) -> dict[str, str]:
    """File names, with a short id added where two members share a name."""
    plain = [a.original_file_name for a in assets]
    if "" not in plain and len(set(plain)) == len(plain):  # the usual case: all named, all differ
        return {a.id: a.original_file_name for a in assets}
    ids_by_name: dict[str, set[str]] = {}
    for a in assets:
        ids_by_name.setdefault(a.original_file_name, set()).add(a.id)
    out = {}
    for a in assets:
        name = a.original_file_name or a.id
        if len(ids_by_name[a.original_file_name]) > 1 or not a.original_file_name:
            name = f"{a.original_file_name or 'asset'} ({a.id[:8]})"
        out[a.id] = name
    return out


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    shown = [f"{v} {u}" for v, u in parts if v][:2]
    return " ".join(shown) or "0 s"
