"""Command line: parse arguments, make one library call, render the result, pick the exit code.

No decisions are made here. Heavy imports (httpx, rich, the generated client) happen inside
the command handlers so that ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from immich_dedupe import __version__
from immich_dedupe.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, DedupeError

__all__ = ["build_parser", "main"]

_SECRETS: list[str] = []  # values to scrub from any traceback we print


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` runs before we exit."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


# --------------------------------------------------------------------------- options


def _add_connection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("server connection")
    g.add_argument(
        "--url",
        metavar="URL",
        help="Immich server URL, with or without /api (default: $IMMICH_URL or $IMMICH_INSTANCE_URL)",
    )
    g.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key (default: $IMMICH_API_KEY; prefer the variable: arguments show in `ps`)",
    )
    g.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the server's TLS certificate (self-signed setups only)",
    )
    g.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        default=None,
        help="network timeout per request or download chunk (default: 30)",
    )


class _Parser(argparse.ArgumentParser):
    """argparse that never echoes values it did not understand: a mistyped ``--api-key`` flag
    would otherwise print the key itself in "unrecognized arguments: …"."""

    def error(self, message: str) -> NoReturn:
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            words = message[len(prefix) :].split()
            flags = [t.split("=", 1)[0] + ("=…" if "=" in t else "") for t in words if t.startswith("-")]
            message = prefix + (" ".join(flags) if flags else "(values not shown)")
        super().error(_redact(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="immich-dedupe",
        description=(
            "Resolve Immich duplicate groups by metadata completeness. `analyze` writes a plan "
            "you can read and edit; `execute` backs up every original it will delete, verifies "
            "it against Immich's checksum, and only then deletes (to Immich's trash by default)."
        ),
        epilog="Run `immich-dedupe COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"immich-dedupe {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "analyze",
        help="fetch duplicate groups, score assets, write a JSON plan",
        description=(
            "Fetch every duplicate group (one GET /api/duplicates), score each asset by metadata "
            "completeness and write a plan: per group what to keep, what to delete, why, and "
            "whether Immich would have chosen differently. Groups where a deletion would lose a "
            "fact the keeper lacks are marked `review`. Nothing on the server is changed."
        ),
    )
    _add_connection_options(p)
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("plan.json"),
        metavar="PLAN.json",
        help="where to write the plan (default: plan.json; '-' for stdout)",
    )
    p.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="TOML scoring policy (default: the built-in policy; see README)",
    )
    p.add_argument(
        "--from-file",
        type=Path,
        metavar="DUPLICATES.json",
        help="analyse a saved GET /api/duplicates response instead of asking a server",
    )
    p.add_argument(
        "--example",
        action="store_true",
        help="analyse the small example shipped with immich-dedupe (no server needed); "
        "same as --from-file on immich_dedupe/data/example-duplicates.json",
    )
    p.add_argument(
        "--no-albums",
        action="store_true",
        help="do not look up album memberships (saves one request per album)",
    )
    p.set_defaults(handler=_cmd_analyze)

    p = sub.add_parser(
        "execute",
        help="back up, verify, then delete what a plan says",
        description=(
            "For every group whose action is `resolve`: re-check it on the server, download each "
            "original to be deleted into --backup-dir, verify size and checksum, fsync, and only "
            "then delete (to Immich's trash unless --permanent). Groups whose action is `stack` "
            "are stacked (our keeper on top) and `dismiss` groups taken off Immich's duplicate "
            "list; neither deletes anything. Interrupted runs resume when run again with the "
            "same arguments."
        ),
    )
    p.add_argument("plan", type=Path, metavar="PLAN", help="plan written by `analyze`")
    p.add_argument(
        "--backup-dir",
        type=Path,
        required=True,
        metavar="DIR",
        help="where verified originals, their metadata and the journal are kept",
    )
    _add_connection_options(p)
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="download and delete nothing; say what would happen",
    )
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument(
        "--permanent",
        action="store_true",
        help="allow permanent deletion (needed when the server's trash is disabled)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help="parallel downloads (default: 4)",
    )
    p.set_defaults(handler=_cmd_execute)

    p = sub.add_parser(
        "restore",
        help="undo an execute run: assets back from the trash, groups back on the duplicate list",
        description=(
            "Read the journal in DIR and restore every asset that run moved to Immich's trash "
            "(same ids, albums intact). Says which can no longer be restored; their verified "
            "originals are still in DIR. Then puts every group the run resolved, stacked or "
            "dismissed back on Immich's duplicate list: deletes the stacks it made and gives "
            "each member its duplicate id back."
        ),
    )
    p.add_argument("backup_dir", type=Path, metavar="DIR", help="the --backup-dir of an execute run")
    _add_connection_options(p)
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=_cmd_restore)

    p = sub.add_parser(
        "show",
        help="side-by-side metadata of a group in the terminal",
        description=(
            "Without GROUP_ID: an overview of groups, those needing a look first (review, then "
            "differs from Immich). With GROUP_ID: one row per fact, one column per asset; the "
            "keeper highlighted, Immich's pick marked, facts a deletion would lose in red."
        ),
    )
    p.add_argument("plan", type=Path, metavar="PLAN")
    p.add_argument("group_id", nargs="?", metavar="GROUP_ID", help="a duplicate_id (a prefix is enough)")
    p.add_argument(
        "--only",
        choices=("differs", "review", "all"),
        default="all",
        help="which groups the overview lists (default: all)",
    )
    p.set_defaults(handler=_cmd_show)

    p = sub.add_parser(
        "report",
        help="write a self-contained offline HTML report of a plan",
        description="One static HTML file: summary figures, then one card per group.",
    )
    p.add_argument("plan", type=Path, metavar="PLAN")
    p.add_argument("-o", "--output", type=Path, default=Path("report.html"), metavar="FILE")
    p.add_argument(
        "--thumbnails",
        action="store_true",
        help="fetch each asset's thumbnail from the server and embed it (needs --url/--api-key)",
    )
    _add_connection_options(p)
    p.set_defaults(handler=_cmd_report)
    return parser


# --------------------------------------------------------------------------- progress


def _progress() -> RichProgress | PlainProgress:
    """Bars on a terminal; plain lines for logs and pipes, where rich is not even imported."""
    return RichProgress() if _stderr_is_terminal() else PlainProgress()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced by an object without isatty, or closed
        return False


class RichProgress:
    """``progress.Progress`` drawn with rich's live bars on stderr (a terminal)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.console = Console(stderr=True)
        self._columns_items = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        self._columns_bytes = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        self._progress_cls = Progress
        self._bars: dict[str, tuple[Any, Any]] = {}

    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        columns = self._columns_bytes if unit == "bytes" else self._columns_items
        bar = self._progress_cls(*columns, console=self.console, transient=False)
        bar.start()
        self._bars[task] = (bar, bar.add_task(task, total=total))

    def advance(self, task: str, amount: float = 1) -> None:
        if task in self._bars:
            bar, tid = self._bars[task]
            bar.advance(tid, amount)

    def finish(self, task: str) -> None:
        if task in self._bars:
            bar, _ = self._bars.pop(task)
            bar.stop()

    def note(self, text: str) -> None:
        self.console.print(_redact(text), markup=False, highlight=False)

    def close(self) -> None:
        for task in list(self._bars):
            self.finish(task)


class _PlainTask:
    """One task of ``PlainProgress``: its figures and the counters threads add to."""

    __slots__ = ("cells", "due", "started", "total", "unit")

    def __init__(self, *, total: float | None, unit: str, started: float, due: float) -> None:
        self.total = total
        self.unit = unit
        self.started = started
        self.due = due  # when the next in-between line may be written
        self.cells: list[list[float]] = []  # one counter per advancing thread

    def done(self) -> float:
        return sum(cell[0] for cell in self.cells)


class PlainProgress:
    """``progress.Progress`` as plain lines on stderr, for logs and pipes: one line when a task
    starts, one when it ends, and at most one every ``interval`` seconds in between.

    ``advance`` runs for every piece of a download, from several threads: it adds to a counter
    only its own thread writes (no lock, no lost update) and reads the clock; the thread that
    finds a line due writes it, unless another thread is doing so.
    """

    def __init__(
        self,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        stream: TextIO | None = None,
    ) -> None:
        self._interval = interval
        self._clock = clock
        self._stream = stream  # None: whatever sys.stderr is when a line is written
        self._tasks: dict[str, _PlainTask] = {}
        self._mine = threading.local()  # this thread's counters: {_PlainTask: [amount]}
        self._writing = threading.Lock()

    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        now = self._clock()
        state = _PlainTask(total=total, unit=unit, started=now, due=now + self._interval)
        self._tasks[task] = state
        size = f", {_amount(total, unit)} {'to go' if unit == 'bytes' else 'in all'}" if total else ""
        self._write(f"{task}: started{size}")

    def advance(self, task: str, amount: float = 1) -> None:
        state = self._tasks.get(task)
        if state is None:
            return
        cells = self._mine.__dict__.setdefault("cells", {})
        cell = cells.get(state)
        if cell is None:
            cell = cells[state] = [0]
            state.cells.append(cell)  # list.append is atomic
        cell[0] += amount
        if self._clock() >= state.due and self._writing.acquire(blocking=False):
            try:
                now = self._clock()
                if now >= state.due:
                    state.due = now + self._interval
                    self._write(f"{task}: {self._figures(state, now)}")
            finally:
                self._writing.release()

    def finish(self, task: str) -> None:
        state = self._tasks.pop(task, None)
        if state is not None:
            now = self._clock()
            self._write(f"{task}: {self._figures(state, now)} in {now - state.started:.1f} s")

    def note(self, text: str) -> None:
        self._write(_redact(text))

    def close(self) -> None:
        for task in list(self._tasks):
            self.finish(task)

    def _figures(self, state: _PlainTask, now: float) -> str:
        """``1,200 of 2,000 groups (60%)``, ``1.2 GiB of 5.0 GiB (24%), 68.0 MiB/s``."""
        done = state.done()
        if state.total and state.unit != "bytes":
            unit = "" if state.unit == "items" else f" {state.unit}"
            text = f"{_amount(done, 'items')} of {_amount(state.total, 'items')}{unit}"
        else:
            text = _amount(done, state.unit)
            if state.total:
                text += f" of {_amount(state.total, state.unit)}"
        if state.total:
            text += f" ({100 * done / state.total:.0f}%)"
        elapsed = now - state.started
        if state.unit == "bytes" and elapsed > 0:
            text += f", {_amount(done / elapsed, 'bytes')}/s"
        return text

    def _write(self, line: str) -> None:
        stream = self._stream or sys.stderr
        stream.write(line + "\n")  # one write: lines from several threads do not interleave
        stream.flush()


def _amount(value: float, unit: str) -> str:
    if unit == "bytes":
        from immich_dedupe.triage import human_bytes

        return human_bytes(int(value))
    number = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return number if unit == "items" else f"{number} {unit}"


# --------------------------------------------------------------------------- handlers


def _settings(args: argparse.Namespace) -> Any:
    from immich_dedupe.settings import ConnectionSettings

    settings = ConnectionSettings.from_sources(
        url=args.url, api_key=args.api_key, insecure=args.insecure, timeout=args.timeout
    )
    _SECRETS.append(settings.api_key.reveal())
    if settings.insecure:
        print(
            "immich-dedupe: warning: TLS verification is off (--insecure); "
            "anyone on the network path could read your API key",
            file=sys.stderr,
        )
    return settings


def _cmd_analyze(args: argparse.Namespace) -> int:
    from immich_dedupe.analyze import analyze_file, analyze_server
    from immich_dedupe.errors import UsageError
    from immich_dedupe.planfile import write_plan
    from immich_dedupe.policy import load_policy

    if args.example and args.from_file:
        raise UsageError("--example and --from-file both name what to analyse: give one of them")
    offline = args.example or args.from_file is not None
    if offline and (args.url or args.api_key):
        print("immich-dedupe: note: analysing a file; no server is contacted", file=sys.stderr)
    policy = load_policy(args.policy)
    progress = _progress()
    warnings: list[str] = []
    try:
        if offline:
            with _analyze_input(args) as path:
                plan = analyze_file(path, policy, progress=progress)
        else:
            from immich_dedupe.connection import ImmichConnection

            settings = _settings(args)
            with ImmichConnection(settings) as conn:
                try:
                    plan = analyze_server(conn, policy, albums=not args.no_albums, progress=progress)
                finally:
                    warnings = list(conn.warnings)
    finally:
        progress.close()
        for warning in warnings:
            progress.note(f"immich-dedupe: warning: {warning}")
    write_plan(plan, args.output)
    console = progress.console if isinstance(progress, RichProgress) else None
    _print_analyze_summary(plan, str(args.output), console)
    return 0


def _analyze_input(args: argparse.Namespace) -> Any:
    """Context manager giving the file to analyse: ``--from-file``, or the shipped example."""
    import contextlib
    from importlib import resources

    if not args.example:
        return contextlib.nullcontext(args.from_file)
    return resources.as_file(resources.files("immich_dedupe") / "data" / "example-duplicates.json")


def _print_analyze_summary(plan: Any, output: str, console: Any | None) -> None:
    """What the plan says, in figures, and what to do next (stderr: stdout may be the plan).

    A rich table on a terminal (``console``); the same text, aligned the same way, without rich
    otherwise (``None``).
    """
    from immich_dedupe.triage import human_bytes

    s = plan.summary
    rows = [
        ("duplicate groups", str(s.groups)),
        ("assets in them", str(s.assets)),
        ("resolved automatically", str(s.resolve)),
    ]
    if s.stack or s.dismiss:  # policy on_conflict = "stack"; dismiss only by hand
        rows.append(("stacked, every copy kept", str(s.stack)))
    if s.dismiss:
        rows.append(("dismissed (not duplicates)", str(s.dismiss)))
    rows += [
        ("left for review", str(s.review)),
        ("skipped", str(s.skip)),
        ("keeper differs from Immich's pick", str(s.differs_from_immich)),
        ("would be freed (resolve groups)", human_bytes(s.bytes_freed)),
    ]
    where = "stdout" if output == "-" else output
    shown = "PLAN.json" if output == "-" else output
    hints = [
        f"immich-dedupe show {shown}  (review groups first; `show {shown} GROUP_ID` for one)",
        f"immich-dedupe report {shown}  (an offline HTML page)",
        f"immich-dedupe execute {shown} --backup-dir DIR  (backs up, verifies, then deletes)",
    ]
    next_steps = "Next steps:\n  " + "\n  ".join(hints)
    if console is None:
        label_width = max(len(label) for label, _ in rows)
        value_width = max(len(value) for _, value in rows)
        table = [f"  {label:<{label_width}}    {value:>{value_width}}  " for label, value in rows]
        sys.stderr.write("\n".join([f"Plan written to {where}", *table, next_steps]) + "\n")
        return
    from rich.table import Table

    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column(justify="left")
    table.add_column(justify="right")
    for label, value in rows:
        table.add_row(label, value)
    console.print(f"Plan written to {where}", markup=False, highlight=False, soft_wrap=True)
    console.print(table)
    console.print(next_steps, markup=False, highlight=False, soft_wrap=True)


def _confirm(question: str) -> bool:
    """Ask on the terminal; anything but yes/y is a no."""
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _require_confirmation_possible(args: argparse.Namespace, what: str) -> None:
    from immich_dedupe.errors import UsageError

    if not args.yes and not sys.stdin.isatty():
        raise UsageError(
            f"refusing to {what} without confirmation: stdin is not a terminal and --yes was not "
            "given; nothing was done"
        )


def _cmd_execute(args: argparse.Namespace) -> int:
    from immich_dedupe.connection import ImmichConnection
    from immich_dedupe.errors import UsageError
    from immich_dedupe.execute import ExecuteOptions, ExecutePreview, execute_plan
    from immich_dedupe.planfile import load_plan

    if not 1 <= args.concurrency <= 32:
        raise UsageError("--concurrency must be between 1 and 32")
    if not args.dry_run:
        _require_confirmation_possible(args, "delete")
    plan = load_plan(args.plan)  # an invalid plan is refused before any network work
    settings = _settings(args)
    options = ExecuteOptions(
        backup_dir=args.backup_dir,
        dry_run=args.dry_run,
        permanent=args.permanent,
        concurrency=args.concurrency,
        plan_path=str(args.plan),
        forbidden=(settings.api_key.reveal(),),
    )

    def confirm(preview: ExecutePreview) -> bool:
        print(_redact(preview.to_text()))
        if not preview.to_act:
            return True
        if args.yes:
            return True
        where = "permanently delete" if preview.permanent else "move to Immich's trash"
        question = f"Back up, verify and {where} {preview.assets_to_delete} assets"
        for action, verb in (("stack", "stack"), ("dismiss", "dismiss")):
            n = sum(1 for g in preview.to_act if g.action == action)
            if n:
                question += f", {verb} {n} group(s)"
        return _confirm(question + "?")

    progress = _progress()
    try:
        with ImmichConnection(settings) as conn:
            report = execute_plan(plan, conn, options, progress=progress, confirm=confirm)
    finally:
        progress.close()
    if report.dry_run:
        print(_redact(report.preview.to_text()))
        print("dry run: nothing was downloaded or deleted. Per group:")
        for g in report.groups:
            size = f" ({g.bytes_to_download} bytes to download)" if g.bytes_to_download else ""
            print(_redact(f"  {g.duplicate_id}: {g.status}: {g.reason}{size}"))
        for gp in plan.groups:
            if gp.action in ("review", "skip"):
                print(_redact(f"  {gp.duplicate_id}: left alone ({gp.action})"))
    elif not report.confirmed:
        print("not confirmed: nothing was downloaded or deleted")
    else:
        problems = [g for g in report.groups if not g.complete]
        for g in problems[:50]:
            print(_redact(f"  {g.duplicate_id}: {g.status}: {g.reason}"))
        if len(problems) > 50:
            print(f"  … and {len(problems) - 50} more (see the report)")
        print(f"report: {Path(args.backup_dir) / 'report.txt'} (and report.json)")
    for line in report.summary_lines():
        print(_redact(line))
    return report.exit_code


def _cmd_restore(args: argparse.Namespace) -> int:
    from immich_dedupe.connection import ImmichConnection
    from immich_dedupe.restore import RestoreReport, restore_from_journal

    _require_confirmation_possible(args, "restore")
    settings = _settings(args)

    def confirm(preview: RestoreReport) -> bool:
        print(_redact(preview.to_text()))
        groups = len(preview.groups_with("to_regroup"))
        also = f" and put {groups} group(s) back on Immich's duplicate list" if groups else ""
        return args.yes or _confirm(
            f"Restore {len(preview.with_status('trashed'))} assets from Immich's trash{also}?"
        )

    progress = _progress()
    try:
        with ImmichConnection(settings) as conn:
            report = restore_from_journal(
                args.backup_dir,
                conn,
                progress=progress,
                confirm=confirm,
                forbidden=(settings.api_key.reveal(),),
            )
    finally:
        progress.close()
    print(_redact(report.to_text() if report.confirmed else "not confirmed: nothing was restored"))
    return report.exit_code


def _cmd_show(args: argparse.Namespace) -> int:
    from rich.console import Console

    from immich_dedupe import show, triage
    from immich_dedupe.planfile import load_plan

    plan = load_plan(args.plan)
    console = Console(highlight=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):
        console = Console(highlight=False, width=100)  # piped: a readable width, no colour
    if args.group_id:
        renderable = show.render_group(triage.find_group(plan.groups, args.group_id), width=console.width)
    else:
        renderable = show.render_overview(plan, only=args.only, width=console.width)
    if console.is_terminal:
        # -R keeps colours, -F quits at once when it fits one screen, -X leaves it on screen.
        os.environ.setdefault("LESS", "-FRX")
        with console.pager(styles=True):
            console.print(renderable)
    else:
        console.print(renderable)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from immich_dedupe import report, triage
    from immich_dedupe.planfile import load_plan

    plan = load_plan(args.plan)
    thumbnails = None
    if args.thumbnails:
        from immich_dedupe.connection import ImmichConnection

        settings = _settings(args)
        progress = _progress()
        try:
            with ImmichConnection(settings) as conn:
                conn.preflight(required=("asset.view",))
                for warning in conn.warnings:
                    progress.note(f"immich-dedupe: warning: {warning}")
                if plan.server is not None and plan.server.url != settings.base_url:
                    progress.note(
                        f"immich-dedupe: warning: the plan was made on {plan.server.url}; "
                        f"thumbnails come from {settings.base_url}"
                    )
                ids = [a.id for g in plan.groups for a in g.assets]
                thumbnails = report.fetch_thumbnails(ids, conn.get_thumbnail, progress=progress)
        finally:
            progress.close()
        if thumbnails.failed:
            why = " (the server stopped answering)" if thumbnails.stopped_early else ""
            progress.note(
                f"immich-dedupe: {len(thumbnails.failed)} of {len(ids)} thumbnails could not be "
                f"fetched{why}; the report shows a placeholder for each"
            )
    size = report.write_report(plan, args.output, thumbnails=thumbnails)
    s = plan.summary
    print(
        f"wrote {args.output} ({triage.human_bytes(size)}): {s.groups} groups, {s.review} need review, "
        f"{s.differs_from_immich} differ from Immich's pick; open it in a browser (works offline)"
    )
    return 0


# --------------------------------------------------------------------------- entry point


def _redact(text: str) -> str:
    for secret in _SECRETS:
        if secret:
            text = text.replace(secret, "***")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    env_key = os.environ.get("IMMICH_API_KEY")
    if env_key:
        _SECRETS.append(env_key)
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args.handler(args))
    except DedupeError as err:
        print(f"immich-dedupe: error: {_redact(str(err))}", file=sys.stderr)
        return err.exit_code
    except (KeyboardInterrupt, Terminated):
        print("immich-dedupe: interrupted; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception:  # the one broad catch: a bug; show it, without the key
        import traceback

        print(_redact(traceback.format_exc()), file=sys.stderr, end="")
        print(
            "immich-dedupe: internal error (a bug); please report it with the traceback above",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)
        _SECRETS.clear()
