"""What a person should look at first in a plan, and how each cell of a side-by-side is marked.

Shared by ``show`` (terminal) and ``report`` (HTML) so that both order groups, pick groups by
id prefix and mark "a deletion would lose this" the same way. Pure: plan records in, plain
values out; no rich, no I/O.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence

import attrs

from immich_dedupe.errors import UsageError
from immich_dedupe.plan import GroupPlan, PlannedAsset
from immich_dedupe.planner import stack_primary
from immich_dedupe.policy import TIE_BREAKERS
from immich_dedupe.scoring import FACTS, LABELS

__all__ = [
    "FILTERS",
    "AssetMarks",
    "FactRow",
    "attention_key",
    "display_name",
    "fact_rows",
    "extra_over_immich",
    "find_group",
    "format_points",
    "human_bytes",
    "label",
    "lost_labels",
    "lost_fact_names",
    "marks",
    "matches",
    "printable",
    "select_groups",
    "shorten",
    "shorten_all",
    "stack_top",
    "unique_prefix_len",
]

FILTERS: tuple[str, ...] = ("review", "differs", "all")

# Characters that can move the cursor, clear a terminal or reorder text if echoed as-is.
# A file name is chosen by whoever uploaded the photo, so it is untrusted.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` with control, format and separator characters shown as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == " " or unicodedata.category(ch) not in _UNSAFE_CATEGORIES:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def shorten(text: str, width: int) -> str:
    """Fit ``text`` into ``width`` characters by cutting the middle, keeping the extension.

    ``IMG_20190714_120311_HDR_edited.jpg`` at 20 → ``IMG_20190…edited.jpg``: the start tells
    files apart by camera prefix and date, the end by suffix and type.
    """
    if width < 1:
        return ""
    if len(text) <= width:
        return text
    if width < 4:
        return text[: width - 1] + "…"
    available = width - 1
    ext = os.path.splitext(text)[1]
    tail = min(max(len(ext) + 3, available // 3), available // 2) if len(ext) < available // 2 else 0
    head = available - tail
    return text[:head] + "…" + (text[-tail:] if tail else "")


def shorten_all(names: Sequence[str], width: int) -> list[str]:
    """``shorten`` each name, but where that makes different names look alike, cut the start they share.

    ``PXL_20190714_120311_0_long.jpg`` and ``PXL_20190714_120311_1_long.jpg`` at 14 both become
    ``PXL_20190…g.jpg``; cutting what they share instead gives ``…1_0_l…g.jpg`` and ``…1_1_l…g.jpg``.
    """
    short = [shorten(n, width) for n in names]
    out = []
    for i, name in enumerate(names):
        lookalikes = [
            names[j] for j in range(len(names)) if j != i and short[j] == short[i] and names[j] != name
        ]
        if not lookalikes:
            out.append(short[i])
            continue
        shared = max(len(os.path.commonprefix([name, other])) for other in lookalikes)
        cut = max(0, shared - 2)  # keep a little context before the first differing character
        out.append("…" + shorten(name[cut:], width - 1) if cut > 1 else short[i])
    return out


def display_name(asset: PlannedAsset) -> str:
    """The file name as uploaded (made printable), or the asset id when there is none."""
    return printable(asset.asset.original_file_name or asset.asset.id)


def human_bytes(size: int | None) -> str:
    if size is None:
        return "?"
    if size < 1024:
        return f"{size} B"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} TiB"


def format_points(value: float, *, sign: bool = False) -> str:
    """Points as a person reads them: ``100``, ``0.25``, ``450.52``, ``0.004`` (``+`` with ``sign``)."""
    plus = "+" if sign else ""
    if value and abs(value) < 0.005:  # a tiny tie-breaker still shows that it counted
        return f"{value:{plus}.1g}"
    text = f"{value:{plus}.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def unique_prefix_len(ids: Iterable[str], *, minimum: int = 8) -> int:
    """The shortest prefix length (at least ``minimum``) that tells every id apart."""
    ordered = sorted(i.lower() for i in ids)
    longest = 0
    for a, b in zip(ordered, ordered[1:], strict=False):
        common = len(os.path.commonprefix((a, b)))
        longest = max(longest, common + 1)
    return max(minimum, longest)


# --------------------------------------------------------------------------- ordering


def attention_key(group: GroupPlan) -> tuple[int, int, str]:
    """Sort key: review first, then picks that differ from Immich's and stacks, then the rest;
    skips last.

    Within a rank, groups that would lose more facts come first, then by id for a stable order.
    """
    if group.action == "review":
        rank = 0
    elif group.action == "stack" or (group.differs_from_immich and group.action == "resolve"):
        rank = 1
    elif group.action == "skip":
        rank = 3
    else:
        rank = 2
    return (rank, -len(group.lost_if_resolved), group.duplicate_id)


def matches(group: GroupPlan, only: str) -> bool:
    if only == "review":
        return group.action == "review"
    if only == "differs":
        return group.differs_from_immich
    if only == "all":
        return True
    raise UsageError(f"unknown filter {only!r}: use one of {', '.join(FILTERS)}")


def select_groups(groups: Iterable[GroupPlan], only: str = "all") -> list[GroupPlan]:
    """The groups that pass ``only`` (review | differs | all), most in need of a look first."""
    return sorted((g for g in groups if matches(g, only)), key=attention_key)


def find_group(groups: Sequence[GroupPlan], prefix: str) -> GroupPlan:
    """The group whose duplicate_id is ``prefix`` or starts with it (case-insensitive).

    Raises ``UsageError`` naming the candidates when the prefix is ambiguous, or saying so
    when nothing matches.
    """
    wanted = prefix.strip().lower()
    if not wanted:
        raise UsageError("the group id is empty: pass a duplicate_id or a prefix of one")
    found = [g for g in groups if g.duplicate_id.lower().startswith(wanted)]
    exact = [g for g in found if g.duplicate_id.lower() == wanted]
    if exact:
        return exact[0]
    if len(found) == 1:
        return found[0]
    shown = printable(prefix)
    if not found:
        raise UsageError(
            f"no group id starts with {shown!r} ({len(groups)} groups in the plan); "
            "run `show PLAN` without a group id to list them"
        )
    listed = ", ".join(printable(g.duplicate_id) for g in found[:10])
    more = f" and {len(found) - 10} more" if len(found) > 10 else ""
    raise UsageError(
        f"group id prefix {shown!r} is ambiguous: {len(found)} groups match ({listed}{more}); "
        "type more characters"
    )


# --------------------------------------------------------------------------- marks


def lost_fact_names(group: GroupPlan) -> frozenset[str]:
    """Fact names in ``lost_if_resolved`` (entries are ``"fact"`` or ``"fact: detail"``)."""
    return frozenset(entry.split(":", 1)[0].strip() for entry in group.lost_if_resolved)


def label(name: str) -> str:
    """How a fact (or tie-breaker) is named to a person: ``capture_date`` → ``capture date``."""
    return printable(LABELS.get(name, name.replace("_", " ")))


def lost_labels(group: GroupPlan) -> list[str]:
    """``lost_if_resolved`` for people: each fact by its label, with its detail if any."""
    out = []
    for entry in group.lost_if_resolved:
        name, sep, detail = entry.partition(":")
        out.append(label(name.strip()) + (f": {printable(detail.strip())}" if sep else ""))
    return out


def stack_top(group: GroupPlan) -> str | None:
    """For a ``stack`` group, the asset execute puts on top (the best-scored id in keep)."""
    if group.action != "stack" or not group.keep:
        return None
    return stack_primary(group)


@attrs.frozen(kw_only=True)
class AssetMarks:
    keep: bool
    immich_keep: bool
    top: bool = False  # on top of the stack a ``stack`` group becomes
    stacked: bool = False  # kept, under the top of the stack


def marks(group: GroupPlan, asset: PlannedAsset) -> AssetMarks:
    top = stack_top(group)
    return AssetMarks(
        keep=asset.id in group.keep if top is None else asset.id == top,
        immich_keep=asset.id in group.immich_keep,
        top=asset.id == top,
        stacked=top is not None and asset.id != top,
    )


@attrs.frozen(kw_only=True)
class FactRow:
    """One row of a side-by-side: a fact (or a score-only tie-breaker) across the group's assets.

    ``values`` and ``points`` follow ``group.assets``; ``lost[i]`` is True when asset i is not
    kept and holds a value for a fact the plan says a deletion would lose, that no keeper has.
    """

    name: str
    values: tuple[str | None, ...]
    points: tuple[float | None, ...]
    lost: tuple[bool, ...]
    is_fact: bool  # False for breakdown entries that are not facts (tie-breakers)

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


_FACT_ORDER = {name: n for n, name in enumerate(FACTS)}
_ORDER = {name: n for n, name in enumerate((*FACTS, *TIE_BREAKERS))}


def extra_over_immich(group: GroupPlan) -> list[str]:
    """Labels of facts our keeper has and Immich's pick lacks: why the picks differ, in brief."""
    top = stack_top(group)
    ours = [a for a in group.assets if a.id in group.keep and top in (None, a.id)]
    theirs = [a for a in group.assets if a.id in group.immich_keep]
    if not ours or not theirs:
        return []
    names = dict.fromkeys(n for a in ours for n, v in a.facts.items() if v is not None)
    extra = [n for n in names if all(t.facts.get(n) is None for t in theirs)]
    return [label(n) for n in sorted(extra, key=lambda n: _FACT_ORDER.get(n, len(FACTS)))]


def fact_rows(group: GroupPlan, *, include_empty: bool = False) -> list[FactRow]:
    """The rows of a group's side-by-side, facts first (in the planner's order), tie-breakers after.

    Facts that no asset has are left out unless ``include_empty``: they cannot tell assets apart.
    """
    names: dict[str, bool] = {}
    for a in group.assets:
        for name in a.facts:
            names.setdefault(name, True)
    for a in group.assets:
        for name in a.breakdown:
            names.setdefault(name, False)
    # A plan file keeps facts in sorted key order; show them in the scorer's order (place by
    # GPS, camera model by make), facts it does not know after, tie-breakers last.
    names = dict(sorted(names.items(), key=lambda item: (not item[1], _ORDER.get(item[0], len(_ORDER)))))
    lost_names = lost_fact_names(group)
    keepers = [a for a in group.assets if a.id in group.keep]
    rows = []
    for name, is_fact in names.items():
        values = tuple(a.facts.get(name) for a in group.assets)
        if is_fact and not include_empty and all(v is None for v in values):
            continue
        kept_values = {k.facts.get(name) for k in keepers}
        lost = tuple(
            is_fact
            and name in lost_names
            and a.id not in group.keep
            and v is not None
            and v not in kept_values
            for a, v in zip(group.assets, values, strict=True)
        )
        points = tuple(a.breakdown.get(name) for a in group.assets)
        rows.append(FactRow(name=name, values=values, points=points, lost=lost, is_fact=is_fact))
    return rows
