"""A plan in the terminal: an overview of groups, or one group's assets side by side.

Everything here returns rich renderables; ``cli.py`` decides where they go (pager or plain
stdout). Server-given strings (file names, reasons built from them) are made printable and
wrapped in ``Text``, never parsed as rich markup, so a file named ``[red]x`` or one holding an
escape sequence cannot restyle or clear the terminal. Colour is never the only signal: the
keeper says KEEP, Immich's pick says so, and a fact a deletion would lose starts with ``!``.
"""

from __future__ import annotations

from rich import box
from rich.console import Group as RenderGroup
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from immich_dedupe import triage
from immich_dedupe.plan import GroupPlan, Plan

__all__ = ["render_group", "render_overview", "render_summary"]

_ACTION_STYLE = {
    "review": "bold yellow",
    "resolve": "green",
    "stack": "cyan",
    "dismiss": "magenta",
    "skip": "dim",
}
_LOST_STYLE = "bold red"
_KEEP_STYLE = "bold green"
_IMMICH_STYLE = "cyan"
_LABEL_WIDTH = 20


def _points(value: float | None) -> str:
    """`` +100``, `` +0.25``; empty for no points."""
    if not value:
        return ""
    return " " + triage.format_points(value, sign=True)


def render_summary(plan: Plan) -> Text:
    """One line of figures: groups, assets, actions, how many picks differ, space freed."""
    s = plan.summary
    text = Text()
    text.append(f"{s.groups} groups", style="bold")
    text.append(f", {s.assets} assets · ")
    text.append(f"resolve {s.resolve}", style=_ACTION_STYLE["resolve"])
    text.append(" · ")
    text.append(f"review {s.review}", style=_ACTION_STYLE["review"] if s.review else "")
    for action, n in (("stack", s.stack), ("dismiss", s.dismiss)):  # plan version 2 on
        if n:
            text.append(" · ")
            text.append(f"{action} {n}", style=_ACTION_STYLE[action])
    text.append(f" · skip {s.skip} · ")
    text.append(f"{s.differs_from_immich} differ from Immich", style=_IMMICH_STYLE)
    text.append(" · frees " + triage.human_bytes(s.bytes_freed).replace(" ", "\u00a0"))
    return text


def _names(group: GroupPlan, ids: tuple[str, ...]) -> str:
    names = [triage.display_name(a) for a in group.assets if a.id in ids]
    return " + ".join(names) if names else "—"


def _overview_note(group: GroupPlan) -> Text:
    if group.action == "stack":
        note = Text(f"keeps all {len(group.assets)}")
        if group.lost_if_resolved:  # why it is a stack: what a resolve would lose
            note.append(" · resolve would lose: " + ", ".join(triage.lost_labels(group)))
        return note
    if group.action == "dismiss":
        return Text("not duplicates: off Immich's list, nothing else changes")
    if group.action == "review" and group.lost_if_resolved:
        return Text("would lose: " + ", ".join(triage.lost_labels(group)), style="yellow")
    if group.differs_from_immich:
        extra = triage.extra_over_immich(group)
        if extra:
            return Text("ours adds: " + ", ".join(extra), style=_IMMICH_STYLE)
    if group.action == "resolve" and group.delete:
        # Same pick as Immich: what matters is what goes, and anything carried over.
        sizes = [a.asset.file_size for a in group.assets if a.id in group.delete]
        known = None if None in sizes else sum(s for s in sizes if s is not None)
        note = Text(f"deletes {len(group.delete)}")
        if known is not None:
            note.append(f" ({triage.human_bytes(known)})")
        if len(group.reasons) > 1:
            note.append(" · " + triage.printable(group.reasons[-1]))
        return note
    if group.reasons:
        return Text(triage.printable(group.reasons[-1]))
    return Text("")


def _cell(text: str | Text, width: int, style: str = "") -> Text:
    """``text`` cut or padded to exactly ``width`` cells (file names may hold wide characters)."""
    cell = text if isinstance(text, Text) else Text(text, style=style)
    cell.truncate(width, overflow="ellipsis", pad=True)
    return cell


def render_overview(plan: Plan, *, only: str = "all", width: int = 100) -> RenderableType:
    """The summary, then one line per group that passes ``only``, those needing a look first.

    Lines are laid out by hand rather than with a rich ``Table``: at thousands of groups a
    table's per-cell measuring takes seconds, and every cell here has a fixed width anyway.
    """
    groups = triage.select_groups(plan.groups, only)
    id_w = triage.unique_prefix_len(g.duplicate_id for g in plan.groups)
    action_w, n_w = 7, 2
    name_w = max(12, (width - id_w - action_w - n_w - 5 * 2) // 4)
    note_w = max(10, width - id_w - action_w - n_w - 2 * name_w - 5 * 2)
    gap = "  "

    def line(*cells: Text) -> Text:
        return Text(gap).join(cells)

    rows: list[Text] = [
        line(
            _cell("group", id_w, "bold"),
            _cell("action", action_w, "bold"),
            _cell("n", n_w, "bold"),
            _cell("we keep", name_w, "bold"),
            _cell("Immich keeps", name_w, "bold"),
            _cell("why / what needs a look", note_w, "bold"),
        ),
        Text("─" * min(width, id_w + action_w + n_w + 2 * name_w + note_w + 5 * 2), style="dim"),
    ]
    for g in groups:
        if g.differs_from_immich:
            immich = _cell(triage.shorten(_names(g, g.immich_keep), name_w), name_w, _IMMICH_STYLE)
        else:
            immich = _cell("same", name_w, "dim")
        top = triage.stack_top(g)
        ours = _names(g, g.keep) if top is None else _names(g, (top,)) + " (top)"
        rows.append(
            line(
                _cell(triage.printable(g.duplicate_id[:id_w]), id_w, "bold"),
                _cell(g.action, action_w, _ACTION_STYLE.get(g.action, "")),
                _cell(str(len(g.assets)).rjust(n_w), n_w),
                _cell(triage.shorten(ours, name_w), name_w),
                immich,
                _cell(_overview_note(g), note_w),
            )
        )
    title = f"showing {len(groups)} of {len(plan.groups)} groups"
    if only != "all":
        title += f" (--only {only})"
    parts: list[RenderableType] = [render_summary(plan), Text(title + ", most in need of a look first")]
    if groups:
        parts.append(Text("\n").join(rows))
        parts.append(
            Text(
                "`show PLAN GROUP_ID` shows one group side by side (a prefix of the id is enough).",
                style="dim",
            )
        )
    else:
        parts.append(Text("no group matches.", style="dim"))
    return RenderGroup(*parts)


def render_group(group: GroupPlan, *, width: int = 100) -> RenderableType:
    """One group: its status, a fact-by-asset table with points and totals, and the reasons."""
    n = max(1, len(group.assets))
    rows = triage.fact_rows(group)
    label_w = min(_LABEL_WIDTH, max([len("Immich"), *(len(triage.label(r.name)) for r in rows)]))
    # Fixed widths, so that names can be cut to fit: each column boundary costs 3 cells.
    col_w = max(8, (width - label_w - 3 * n) // n)

    head = Text()
    head.append("group ", style="dim")
    head.append(triage.printable(group.duplicate_id), style="bold")
    head.append("  ")
    head.append(group.action.upper(), style=_ACTION_STYLE.get(group.action, "bold"))
    if group.differs_from_immich:
        head.append("  · our pick differs from Immich's", style=_IMMICH_STYLE)
    lines: list[RenderableType] = [head]
    if group.lost_if_resolved:
        lost = Text("a plain resolve would lose: ", style="yellow")
        lost.append(", ".join(triage.lost_labels(group)), style=_LOST_STYLE)
        lines.append(lost)

    # File names may take two lines of the header; beyond that they are cut in the middle.
    names = triage.shorten_all([triage.display_name(a) for a in group.assets], 2 * col_w)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("file", width=label_w, overflow="fold", style="bold")
    for a, name in zip(group.assets, names, strict=True):
        keep = a.id in group.keep
        table.add_column(
            Text(name, style=_KEEP_STYLE if keep else "bold"),
            overflow="fold",
            width=col_w,
            style="bold" if keep else "",
        )
    table.add_row(
        Text("id", style="dim"), *(Text(triage.printable(a.id[:8]), style="dim") for a in group.assets)
    )
    ours: list[Text] = []
    theirs: list[Text] = []
    for a in group.assets:
        m = triage.marks(group, a)
        if m.top:
            ours.append(Text("KEEP, top", style=f"reverse {_KEEP_STYLE}"))
        elif m.stacked:
            ours.append(Text("stacked", style="cyan"))
        elif group.action == "dismiss":
            ours.append(Text("kept", style="magenta"))
        elif m.keep:
            ours.append(Text("KEEP", style=f"reverse {_KEEP_STYLE}"))
        elif a.id in group.delete:
            ours.append(Text("delete", style="red"))
        else:
            ours.append(Text("untouched", style="dim"))
        theirs.append(
            Text("keeps", style=f"bold {_IMMICH_STYLE}") if m.immich_keep else Text("—", style="dim")
        )
    table.add_row(Text("we"), *ours)
    table.add_row(Text("Immich"), *theirs, end_section=True)

    for r in (r for r in rows if r.is_fact):
        label = Text(triage.label(r.name), style="" if r.differs else "dim")
        cells: list[Text] = []
        # Points that every asset earned alike decide nothing; leaving them out keeps cells short.
        points = r.points if len(set(r.points)) > 1 else (None,) * len(r.points)
        for value, pts, lost in zip(r.values, points, r.lost, strict=True):
            if value is None:
                cell = Text("—", style="dim")
            elif lost:
                cell = Text("! " + triage.printable(value), style=_LOST_STYLE)
            else:
                cell = Text(triage.printable(value), style="" if r.differs else "dim")
            cell.append(_points(pts), style="dim")
            cells.append(cell)
        table.add_row(label, *cells)
    table.add_section()
    for r in (r for r in rows if not r.is_fact):
        table.add_row(
            Text(triage.label(r.name), style="dim"),
            *(Text(_points(p).strip() or "0", style="dim") for p in r.points),
        )
    best = max((a.score for a in group.assets), default=0.0)
    table.add_row(
        Text("score"),
        *(Text(triage.format_points(a.score), style="bold" if a.score == best else "") for a in group.assets),
    )
    lines.append(table)

    if group.reasons:
        lines.append(Text("why:", style="bold"))
        why = Table.grid(padding=(0, 1))
        why.add_column(no_wrap=True)
        why.add_column(ratio=1)
        for reason in group.reasons:
            why.add_row("  •", Text(triage.printable(reason)))
        lines.append(why)
    legend = Text("+n points (where they differ) · ", style="dim")
    legend.append("! red", style=_LOST_STYLE)
    legend.append(": lost by a deletion, no keeper has it · dim: same everywhere", style="dim")
    lines.append(legend)
    return RenderGroup(*lines)
