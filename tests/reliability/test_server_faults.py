"""Server faults: 5xx bursts, 429 with Retry-After, connections cut mid-download, truncated and
bit-flipped bodies, stalls past the timeout. Each run either completes or stops with the exit
code docs/cli.md gives; and in every case nothing is deleted without a verified backup on disk
at the moment the deleting request reaches the server, and nothing is deleted twice.

The CLI runs in this process (``cli.main``) against the double; retry back-off is shortened so
the suite stays quick (``Retry-After`` is still honoured as the server says).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import attrs
import pytest

from immich_dedupe import cli, connection, execute
from immich_dedupe.plan import Plan
from tests.e2e.execute_support import make_plan
from tests.fake_immich import FakeImmich
from tests.reliability.support import (
    Watch,
    check_plan_completed,
    committed,
    execute_argv,
    planned_deletions,
    resolve_groups,
    snapshot_members,
    verified_on_disk,
)

EXIT_OK, EXIT_PARTIAL, EXIT_UNAVAILABLE, EXIT_PROTOCOL = 0, 1, 3, 6


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "BACKOFF_BASE", 0.01)
    monkeypatch.setattr(connection, "BACKOFF_CAP", 0.05)
    run = execute.execute_plan

    def quick(plan: Any, conn: Any, options: Any, **kwargs: Any) -> Any:
        return run(plan, conn, attrs.evolve(options, retry_backoff=0.01), **kwargs)

    monkeypatch.setattr(execute, "execute_plan", quick)


@attrs.define
class Setup:
    immich: FakeImmich
    plan: Plan
    plan_path: Path
    backup: Path
    watch: Watch
    before: Any

    def run(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
        code = cli.main(execute_argv(self.plan_path, self.backup, *extra))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    def assert_safe(self) -> None:
        """Nothing deleted before its verified backup, nothing twice, nothing outside the plan."""
        assert self.watch.deletions_without_backup(self.plan) == []
        assert self.watch.deleted_again() == []
        gone = self.immich.state.trashed_ids() | self.immich.state.purged_ids()
        assert gone <= planned_deletions(self.plan)
        verified = verified_on_disk(self.immich, self.backup, committed(self.backup))
        assert gone <= verified, "a deleted asset has no verified backup"
        assert not list(self.backup.rglob("*.part")) if self.backup.exists() else True

    def assert_completed(self) -> None:
        assert check_plan_completed(self.immich, self.plan, self.backup, self.before) == []
        self.assert_safe()

    def untouched(self, group_index: int) -> bool:
        g = resolve_groups(self.plan)[group_index]
        return not any(self.immich.state.asset(a.asset.id).is_trashed for a in g.assets)


@pytest.fixture
def setup(immich_env: FakeImmich, tmp_path: Path) -> Setup:
    immich = immich_env
    for i in range(4):
        immich.make_group(
            [
                {"size": 60_000 + i, "rating": 3, "description": f"trip {i}"},
                {"size": 40_000 + i, "is_favorite": True},
            ]
        )
    plan_path = tmp_path / "plan.json"
    plan = make_plan(immich, plan_path)
    immich.requests.clear()
    watch = Watch(immich, tmp_path / "backup")
    immich.faults.on_request = watch
    return Setup(immich, plan, plan_path, tmp_path / "backup", watch, snapshot_members(immich, plan))


def _first_delete(s: Setup, index: int = 0) -> str:
    return resolve_groups(s.plan)[index].delete[0]


# --------------------------------------------------------------------------- reads: ridden out


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_bursts_of_server_errors_on_every_read_are_ridden_out(
    setup: Setup, capsys: pytest.CaptureFixture[str], status: int
) -> None:
    f = setup.immich.faults
    f.fail("GET", "/server/version", status, count=1)
    f.fail("GET", "/duplicates", status, count=2)
    f.fail("GET", "/assets/*", status, count=3)  # metadata and originals alike
    f.html_error("GET", "/assets/*/original", 502, count=2)  # a proxy's page in between

    code, out, err = setup.run(capsys)

    assert code == EXIT_OK, err
    assert sum(1 for r in setup.immich.requests.records if r.status >= 500) == 8  # each one retried
    setup.assert_completed()


def test_429_with_retry_after_is_waited_out(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    f = setup.immich.faults
    f.rate_limit("GET", "/duplicates", retry_after=1)
    f.rate_limit("GET", "/assets/*/original", retry_after=1, count=2)

    code, _, err = setup.run(capsys)

    assert code == EXIT_OK, err
    records = setup.immich.requests.records
    limited = [r for r in records if r.status == 429]
    assert len(limited) == 3
    # the next try of the listing came no sooner than the server asked
    listing = [r for r in records if r.path == "/api/duplicates"]
    assert listing[0].status == 429 and listing[1].status == 200
    assert listing[1].started - listing[0].started >= 0.95
    setup.assert_completed()


def test_a_server_that_keeps_failing_stops_the_run_cleanly(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.immich.faults.fail("GET", "/duplicates", 503, count=None)

    code, _, err = setup.run(capsys)

    assert code == EXIT_UNAVAILABLE
    assert "GET /duplicates: the server answered 503" in err and "after 5 attempts" in err
    assert setup.immich.requests.write_count == 0
    assert setup.immich.requests.count("GET", "/assets/*/original") == 0


def test_downloads_that_keep_failing_leave_their_group_alone(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = _first_delete(setup)
    setup.immich.faults.fail("GET", f"/assets/{victim}/original", 503, count=None)

    code, out, err = setup.run(capsys)

    assert code == EXIT_PARTIAL
    assert f"{resolve_groups(setup.plan)[0].duplicate_id}: failed: could not back up {victim}: " in out
    assert "503" in out and "nothing was deleted" in out
    assert setup.untouched(0)
    assert setup.immich.state.trashed_ids() == planned_deletions(setup.plan) - {victim}
    setup.assert_safe()
    # once the server recovers, the same command finishes the job
    setup.immich.faults.clear()
    code, _, err = setup.run(capsys)
    assert code == EXIT_OK, err
    setup.assert_completed()


# --------------------------------------------------------------------------- writes: never blind


def _wait_for(predicate: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the double never got there"
        time.sleep(0.02)


@pytest.mark.parametrize(
    "fault",
    ["429", "503", "503-after-the-work", "html-502", "stall-past-timeout", "cut-answer"],
)
def test_a_failed_resolve_stops_the_run_and_the_rerun_settles_it(
    setup: Setup, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    """A write is never retried blindly: the run stops, the rerun asks the server what happened."""
    f = setup.immich.faults
    extra: tuple[str, ...] = ()
    if fault == "429":
        f.rate_limit("POST", "/duplicates/resolve", retry_after=1)
    elif fault == "503":
        f.fail("POST", "/duplicates/resolve", 503)
    elif fault == "503-after-the-work":
        f.fail("POST", "/duplicates/resolve", 503, after=True)  # done, but the answer is lost
    elif fault == "html-502":
        f.html_error("POST", "/duplicates/resolve", 502)
    elif fault == "stall-past-timeout":
        f.stall("POST", "/duplicates/resolve", seconds=2.5)  # the server acts after we gave up
        extra = ("--timeout", "1")
    else:
        f.cut_body("POST", "/duplicates/resolve", after_bytes=5)  # acted, answer cut off

    code, out, err = setup.run(capsys, *extra)

    assert code == EXIT_UNAVAILABLE, out + err
    assert "POST /duplicates/resolve" in err
    # (a stalled request is logged once the server has acted on it)
    _wait_for(lambda: setup.immich.requests.count("POST", "/duplicates/resolve") == 1)
    setup.assert_safe()

    code, out, err = setup.run(capsys)

    assert code == EXIT_OK, out + err
    setup.assert_completed()
    acted = fault in ("503-after-the-work", "stall-past-timeout", "cut-answer")
    # the rerun resent the batch only if the server had not acted on it
    assert setup.immich.requests.count("POST", "/duplicates/resolve") == (1 if acted else 2)


# --------------------------------------------------------------------------- bodies


def test_connections_cut_mid_download_are_restarted(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    setup.immich.faults.cut_body("GET", "/assets/*/original", after_bytes=20_000, count=3)

    code, _, err = setup.run(capsys)

    assert code == EXIT_OK, err
    downloads = setup.immich.requests.count("GET", "/assets/*/original")
    assert downloads == len(planned_deletions(setup.plan)) + 3
    setup.assert_completed()


def test_a_download_cut_every_time_fails_only_its_group(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = _first_delete(setup, 1)
    setup.immich.faults.cut_body("GET", f"/assets/{victim}/original", after_bytes=1000, count=None)

    code, out, _ = setup.run(capsys)

    assert code == EXIT_PARTIAL
    assert "broke off after" in out or "ended after" in out
    assert setup.untouched(1)
    assert victim not in committed(setup.backup)
    setup.assert_safe()


def test_bit_flipped_downloads_are_caught_and_downloaded_again(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    for aid in planned_deletions(setup.plan):
        setup.immich.faults.corrupt_download(aid, count=1)

    code, _, err = setup.run(capsys)

    assert code == EXIT_OK, err
    assert setup.immich.requests.count("GET", "/assets/*/original") == 2 * len(planned_deletions(setup.plan))
    setup.assert_completed()


def test_an_original_that_is_always_corrupt_is_never_deleted(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = _first_delete(setup, 2)
    setup.immich.faults.corrupt_download(victim, count=None)

    code, out, _ = setup.run(capsys)

    assert code == EXIT_PARTIAL
    assert "failed verification: SHA-1" in out
    assert setup.untouched(2)
    assert victim not in committed(setup.backup)
    setup.assert_safe()


def test_a_truncated_listing_stops_before_any_download(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.immich.faults.cut_body("GET", "/duplicates", after_bytes=300)

    code, _, err = setup.run(capsys)

    assert code in (EXIT_OK, EXIT_UNAVAILABLE), err
    if code == EXIT_UNAVAILABLE:
        assert "GET /duplicates" in err and "broke off" in err
        assert setup.immich.requests.write_count == 0
        assert setup.immich.requests.count("GET", "/assets/*/original") == 0
    setup.assert_safe()


def test_truncated_asset_answers_are_never_acted_on(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    setup.immich.faults.cut_body("GET", "/assets/*-*", after_bytes=100, count=None)  # not /original

    code, out, err = setup.run(capsys)

    assert code in (EXIT_PARTIAL, EXIT_UNAVAILABLE), out + err
    assert not setup.immich.state.trashed_ids()
    assert setup.immich.requests.count("GET", "/assets/*/original") == 0
    setup.assert_safe()


# --------------------------------------------------------------------------- stalls


def test_a_stalled_download_times_out_and_is_tried_again(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    setup.immich.faults.stall("GET", "/assets/*/original", seconds=3, count=1)
    setup.immich.faults.slow_body("GET", "/assets/*/original", 2.0, chunk_size=8192, count=1)

    code, _, err = setup.run(capsys, "--timeout", "0.5")

    assert code == EXIT_OK, err
    setup.assert_completed()


def test_a_download_that_stalls_every_time_fails_its_group_only(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = _first_delete(setup, 3)
    setup.immich.faults.slow_body("GET", f"/assets/{victim}/original", 1.0, chunk_size=16384, count=None)

    code, out, _ = setup.run(capsys, "--timeout", "0.3")

    assert code == EXIT_PARTIAL
    assert setup.untouched(3)
    assert victim not in committed(setup.backup)
    assert len(setup.immich.state.trashed_ids()) == len(planned_deletions(setup.plan)) - 1
    setup.assert_safe()


def test_a_listing_that_never_comes_stops_the_run(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    setup.immich.faults.stall("GET", "/duplicates", seconds=2, count=None)

    code, _, err = setup.run(capsys, "--timeout", "0.3")

    assert code == EXIT_UNAVAILABLE
    assert "GET /duplicates: the server did not answer within 0.3 s" in err
    assert setup.immich.requests.write_count == 0
