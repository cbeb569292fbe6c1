"""cli.main: one line per user error with its exit code, tracebacks only for bugs, never the key."""

from __future__ import annotations

import argparse
import os
import signal
import time

import pytest

from immich_dedupe import cli
from immich_dedupe.errors import AuthError, PlanError, ServerUnavailable

SENTINEL = "sentinel-api-key-77c1d0"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "analyze" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["analyze", "execute", "restore", "show", "report"])
def test_every_command_explains_itself(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"immich-dedupe {command}" in out
    assert len(out.splitlines()) > 5


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (PlanError("group 1234: keep is empty"), 7),
        (AuthError("missing asset.download"), 4),
        (ServerUnavailable("cannot reach http://x"), 3),
    ],
)
def test_user_errors_are_one_line_with_their_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception, code: int
) -> None:
    def handler(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(cli, "_cmd_show", handler)
    assert cli.main(["show", "plan.json"]) == code
    err = capsys.readouterr().err
    assert err == f"immich-dedupe: error: {error}\n"


def test_a_bug_shows_a_traceback_without_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IMMICH_API_KEY", SENTINEL)

    def handler(args: argparse.Namespace) -> int:
        raise RuntimeError(f"boom with header x-api-key: {SENTINEL}")

    monkeypatch.setattr(cli, "_cmd_show", handler)
    assert cli.main(["show", "plan.json"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError" in err and "a bug" in err
    assert SENTINEL not in err


def test_sigterm_stops_cleanly_running_finally_blocks(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cleaned = []

    def handler(args: argparse.Namespace) -> int:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler interrupts this at once
            return 0
        finally:
            cleaned.append(True)

    monkeypatch.setattr(cli, "_cmd_show", handler)
    assert cli.main(["show", "plan.json"]) == 130
    assert cleaned == [True]
    assert "resume" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "--apikey", SENTINEL],
        ["analyze", f"--apikey={SENTINEL}"],
        ["execute", "plan.json", "--backup-dir", "b", "--api_key", SENTINEL],
        ["analyze", SENTINEL],
    ],
)
def test_a_mistyped_key_flag_does_not_echo_the_key(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "unrecognized arguments" in captured.err
    assert SENTINEL not in captured.err + captured.out
