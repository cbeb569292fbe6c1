"""A plan as one self-contained, offline HTML file: summary figures, then one card per group.

The page loads nothing from anywhere: CSS and JavaScript are inline, thumbnails are
``data:`` URIs, and a Content-Security-Policy allows only that stylesheet and script (by
hash) and ``data:`` images, so even a mistake in escaping could not run a script or reach
the network. Every string that came from the server (file names, paths, ids, reasons built
from them) goes through ``html.escape``.

Kept light for thousands of groups: facts tables of plain ``resolve`` groups start
collapsed (``<details>``), and cards use ``content-visibility: auto`` so the browser lays
out only what is on screen.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from html import escape
from importlib import resources
from pathlib import Path

import attrs

from immich_dedupe import triage
from immich_dedupe.durable import atomic_write
from immich_dedupe.errors import ServerError, ServerUnavailable, UsageError
from immich_dedupe.plan import GroupPlan, Plan
from immich_dedupe.progress import NullProgress, Progress

__all__ = ["THUMBNAIL_TASK", "Thumbnails", "fetch_thumbnails", "image_type", "render_report", "write_report"]

THUMBNAIL_TASK = "Fetching thumbnails"


# --------------------------------------------------------------------------- thumbnails


@attrs.frozen(kw_only=True)
class Thumbnails:
    """Images by asset id, and the ids whose thumbnail could not be had (shown as placeholders)."""

    images: Mapping[str, bytes] = attrs.field(factory=dict)
    failed: tuple[str, ...] = ()
    stopped_early: bool = False  # the server became unreachable; the rest were not asked for


def image_type(data: bytes) -> str | None:
    """The MIME type of a thumbnail from its first bytes, or None if it is not an image we embed.

    Sniffed rather than trusted from a header: only these types go into a ``data:`` URI.
    """
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "image/avif"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def fetch_thumbnails(
    asset_ids: Iterable[str],
    fetch: Callable[[str], bytes],
    *,
    workers: int = 8,
    progress: Progress | None = None,
) -> Thumbnails:
    """Call ``fetch(asset_id)`` for every id on a pool of ``workers`` threads.

    A thumbnail that fails (a ``ServerError``, or bytes that are not an image) is counted in
    ``failed``, not raised. If the server becomes unreachable (``ServerUnavailable``, after the
    connection's own retries), ids not yet started are not asked for and count as failed, so a
    dead server does not cost one timeout per asset. Ctrl-C cancels what has not started.
    """
    progress = progress or NullProgress()
    ids = list(dict.fromkeys(asset_ids))
    stop = threading.Event()
    unreachable = threading.Event()

    def one(asset_id: str) -> bytes | None:
        if stop.is_set() or unreachable.is_set():
            return None
        try:
            data = fetch(asset_id)
        except ServerUnavailable:
            unreachable.set()
            return None
        except ServerError:
            return None
        return data if image_type(data) else None

    images: dict[str, bytes] = {}
    failed: list[str] = []
    progress.start(THUMBNAIL_TASK, total=len(ids))
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="thumbnail")
    try:
        futures: dict[Future[bytes | None], str] = {pool.submit(one, i): i for i in ids}
        for future in as_completed(futures):
            data = future.result()
            if data is None:
                failed.append(futures[future])
            else:
                images[futures[future]] = data
            progress.advance(THUMBNAIL_TASK)
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        progress.finish(THUMBNAIL_TASK)
    order = {asset_id: n for n, asset_id in enumerate(ids)}
    return Thumbnails(
        images=images,
        failed=tuple(sorted(failed, key=order.__getitem__)),
        stopped_early=unreachable.is_set(),
    )


# --------------------------------------------------------------------------- HTML


def _asset_text(name: str) -> str:
    return (resources.files("immich_dedupe") / "data" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _e(text: object) -> str:
    """Escape for HTML text and double-quoted attributes."""
    return escape(str(text), quote=True)


def _names(group: GroupPlan, ids: tuple[str, ...]) -> str:
    names = [triage.display_name(a) for a in group.assets if a.id in ids]
    return " + ".join(names) if names else "—"


def _summary_html(plan: Plan, thumbnails: Thumbnails | None) -> str:
    s = plan.summary
    stats = [
        ("groups", s.groups, ""),
        ("assets", s.assets, ""),
        ("to resolve", s.resolve, ""),
        ("need review", s.review, "rv"),
        *((label, n, "") for label, n in (("to stack", s.stack), ("to dismiss", s.dismiss)) if n),
        ("skipped", s.skip, ""),
        ("differ from Immich's pick", s.differs_from_immich, "df"),
        ("would be freed", triage.human_bytes(s.bytes_freed), ""),
    ]
    items = "".join(f'<li class="{cls}"><b>{_e(value)}</b>{_e(label)}</li>' for label, value, cls in stats)
    server = f"{plan.server.url} (Immich {plan.server.version})" if plan.server else "a saved file"
    policy = plan.policy.get("name", "custom") if isinstance(plan.policy, Mapping) else "custom"
    meta = (
        f"Plan made {_e(plan.generated_at)} from {_e(server)} with policy “{_e(policy)}”, "
        f"immich-dedupe {_e(plan.tool_version)}."
    )
    if thumbnails is not None and thumbnails.failed:
        meta += f" {len(thumbnails.failed)} thumbnails could not be fetched and show a placeholder."
    return f'<ul class="stats">{items}</ul><p class="meta">{meta}</p>'


def _thumbs_html(group: GroupPlan, thumbnails: Thumbnails) -> str:
    figures = []
    for a in group.assets:
        m = triage.marks(group, a)
        data = thumbnails.images.get(a.id)
        mime = image_type(data) if data else None
        if data and mime:
            img = (
                f'<img alt="" loading="lazy" decoding="async" width="140" height="140" '
                f'src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}">'
            )
        else:
            img = '<div class="ph">no thumbnail</div>'
        figures.append(
            f"<figure{' class=k' if m.keep else ''}>{img}<figcaption>{_marks_html(group, a.id)}"
            f"{_e(triage.display_name(a))} <small>{_e(a.id[:8])}</small></figcaption></figure>"
        )
    return f'<div class="thumbs">{"".join(figures)}</div>'


def _marks_html(group: GroupPlan, asset_id: str) -> str:
    top = triage.stack_top(group)
    if top is not None:
        kind = '<span class="mk keep">KEEP, top of the stack</span>'
        out = kind if asset_id == top else '<span class="mk stk">stacked</span>'
    elif group.action == "dismiss":
        out = '<span class="mk stk">kept</span>'
    elif asset_id in group.keep:
        out = '<span class="mk keep">KEEP</span>'
    elif asset_id in group.delete:
        out = '<span class="mk del">delete</span>'
    else:
        out = ""
    if asset_id in group.immich_keep:
        out += '<span class="mk im">Immich’s pick</span>'
    return out


def _table_html(group: GroupPlan) -> str:
    head = ["<thead><tr><th>fact</th>"]
    for a in group.assets:
        cls = ' class="k"' if a.id in group.keep else ""
        head.append(
            f"<th{cls}>{_e(triage.display_name(a))}<small>{_e(a.id)}</small>{_marks_html(group, a.id)}</th>"
        )
    head.append("</tr></thead>")
    keep_flags = [a.id in group.keep for a in group.assets]
    body = ["<tbody>"]
    rows = triage.fact_rows(group)
    for r in rows:
        if not r.is_fact:
            continue
        body.append(f"<tr{'' if r.differs else ' class=same'}><th>{_e(triage.label(r.name))}</th>")
        points = r.points if len(set(r.points)) > 1 else (None,) * len(r.points)
        for value, pts, lost, keep in zip(r.values, points, r.lost, keep_flags, strict=True):
            classes = [c for c, on in (("k", keep), ("l", lost), ("none", value is None)) if on]
            cls = f' class="{" ".join(classes)}"' if classes else ""
            text = "—" if value is None else _e(value)
            pts_html = f"<i>{_e(triage.format_points(pts, sign=True))}</i>" if pts else ""
            body.append(f"<td{cls}>{text}{pts_html}</td>")
        body.append("</tr>")
    for r in rows:
        if r.is_fact:
            continue
        body.append(f'<tr class="tb"><th>{_e(triage.label(r.name))} (tie-break)</th>')
        for pts, keep in zip(r.points, keep_flags, strict=True):
            body.append(
                f"<td{' class=k' if keep else ''}>{_e(triage.format_points(pts or 0, sign=True))}</td>"
            )
        body.append("</tr>")
    body.append('<tr class="score"><th>score</th>')
    for a, keep in zip(group.assets, keep_flags, strict=True):
        body.append(f"<td{' class=k' if keep else ''}>{_e(triage.format_points(a.score))}</td>")
    body.append("</tr></tbody>")
    return f'<div class="tw"><table>{"".join(head)}{"".join(body)}</table></div>'


def _card_html(group: GroupPlan, id_len: int, thumbnails: Thumbnails | None) -> str:
    gid = _e(group.duplicate_id)
    attrs_ = f' data-action="{_e(group.action)}"' + (" data-differs" if group.differs_from_immich else "")
    badges = f'<span class="badge b-{_e(group.action)}">{_e(group.action)}</span>'
    if group.differs_from_immich:
        badges += '<span class="badge b-differs">differs from Immich</span>'
    top = triage.stack_top(group)
    ours = _e(_names(group, group.keep if top is None else (top,)))
    if group.action == "stack":
        picks = (
            f'We stack all {len(group.assets)} copies, <span class="ours">{ours}</span> on top; '
            "nothing is deleted"
        )
        if group.differs_from_immich:
            picks += (
                f' · Immich would keep <span class="theirs">{_e(_names(group, group.immich_keep))}</span>'
            )
    elif group.action == "dismiss":
        picks = "Not duplicates: taken off Immich's duplicate list; nothing else changes"
    elif group.differs_from_immich:
        picks = (
            f'We keep <span class="ours">{ours}</span> · Immich would keep '
            f'<span class="theirs">{_e(_names(group, group.immich_keep))}</span>'
        )
    else:
        picks = f'We keep <span class="ours">{ours}</span> · Immich would keep the same'
    parts = [
        f'<article class="card" id="g-{gid}"{attrs_}>',
        f'<h2><a href="#g-{gid}" title="{gid}">{_e(group.duplicate_id[:id_len])}</a>{badges}'
        f'<span class="n">{len(group.assets)} assets</span></h2>',
        f'<p class="picks">{picks}</p>',
    ]
    if group.lost_if_resolved:
        parts.append(
            f'<p class="lost">A plain resolve would lose: {_e(", ".join(triage.lost_labels(group)))}</p>'
        )
    if group.reasons:
        parts.append('<ul class="why">' + "".join(f"<li>{_e(r)}</li>" for r in group.reasons) + "</ul>")
    if thumbnails is not None:
        parts.append(_thumbs_html(group, thumbnails))
    # Plain resolves that agree with Immich need no reading: their table starts collapsed.
    is_open = " open" if group.action == "review" or group.differs_from_immich else ""
    parts.append(f"<details{is_open}><summary>facts and scores</summary>{_table_html(group)}</details>")
    parts.append("</article>")
    return "".join(parts)


def render_report(plan: Plan, *, thumbnails: Thumbnails | None = None) -> str:
    """The whole page as text. Groups in the order that most needs a look (as ``show`` lists them)."""
    css = _asset_text("report.css")
    js = _asset_text("report.js")
    csp = (
        f"default-src 'none'; img-src data:; style-src {_csp_hash(css)}; "
        f"script-src {_csp_hash(js)}; base-uri 'none'; form-action 'none'"
    )
    groups = triage.select_groups(plan.groups, "all")
    id_len = triage.unique_prefix_len(g.duplicate_id for g in plan.groups)
    n_review = sum(g.action == "review" for g in groups)
    n_differs = sum(g.differs_from_immich for g in groups)
    cards = "".join(_card_html(g, id_len, thumbnails) for g in groups)
    if not groups:
        cards = '<p class="empty">This plan has no duplicate groups.</p>'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>immich-dedupe report: {plan.summary.groups} groups</title>"
        f"<style>{css}</style></head>"
        '<body data-filter="all">'
        '<header class="top"><h1>immich-dedupe: duplicate groups</h1>'
        f"{_summary_html(plan, thumbnails)}</header>"
        '<main><nav class="filters">'
        f'<a href="#review">needs review ({n_review})</a>'
        f'<a href="#differs">differs from Immich ({n_differs})</a>'
        f'<a href="#all">all ({len(groups)})</a>'
        f'<span class="count">showing <span id="shown">{len(groups)}</span> of {len(groups)}</span>'
        f"</nav>{cards}</main>"
        "<footer><p>Green: the copy we keep. Blue: Immich's own pick, where it differs. "
        "Red with “!”: a fact a deletion would lose that no kept copy has. "
        "Points show where copies differ; the score adds them up.</p></footer>"
        f"<script>{js}</script></body></html>\n"
    )


def write_report(plan: Plan, path: Path, *, thumbnails: Thumbnails | None = None) -> int:
    """Write the report atomically (owner-only: it holds file names and places); returns its size."""
    data = render_report(plan, thumbnails=thumbnails).encode("utf-8")
    try:
        atomic_write(Path(path), data, mode=0o600)
    except OSError as err:
        raise UsageError(f"cannot write the report to {path}: {err.strerror or err}") from err
    return len(data)
