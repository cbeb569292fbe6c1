"""journal: every acknowledged event survives; a torn tail is dropped; anything else is refused."""

from __future__ import annotations

import errno
import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

from immich_dedupe import __version__, durable
from immich_dedupe.backup import BackupRecord
from immich_dedupe.errors import JournalError
from immich_dedupe.journal import JOURNAL_NAME, GroupOutcome, Journal, read_journal

DIGEST = "sha256:" + "ab" * 32
OTHER = "sha256:" + "cd" * 32
SENTINEL_KEY = "sentinel-api-key-77d1"

RECORD = BackupRecord(
    asset_id="a1",
    path="originals/a1/IMG_1.HEIC",
    size=10,
    sha1_b64="qUqP5cyxm6YcTAhz05Hph5gvu9M=",
    sha256_hex="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    verified_by="checksum",
)

EVENTS: list[dict[str, object]] = [
    {"type": "backup", **RECORD.to_json()},
    {
        "type": "intent",
        "batch": "b1",
        "op": "resolve",
        "groups": [{"duplicate_id": "g1", "keep": ["k"], "trash": ["a1"]}],
    },
    {"type": "done", "batch": "b1", "trashed": {"g1": ["a1"]}},
    {"type": "group", "duplicate_id": "g1", "status": "done", "reason": None},
    {"type": "intent", "batch": "b2", "op": "delete", "ids": ["a2"]},
]


def journal_file(root: Path) -> Path:
    return root / JOURNAL_NAME


def write_journal(root: Path, events: list[dict[str, object]]) -> bytes:
    with Journal.open(root, DIGEST) as journal:
        for event in events:
            journal.append(event)
    return journal_file(root).read_bytes()


def test_open_creates_a_private_journal_with_a_header(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "backup", DIGEST, plan_path="plan.json") as journal:
        assert journal.events == ()
    path = journal_file(tmp_path / "backup")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_bytes().splitlines()
    assert len(lines) == 1
    header = json.loads(lines[0])
    assert header["type"] == "header"
    assert header["plan_digest"] == DIGEST
    assert header["plan_path"] == "plan.json"
    assert header["tool_version"] == __version__
    assert header["created_at"].endswith("Z")


def test_events_survive_a_reopen_in_order(tmp_path: Path) -> None:
    write_journal(tmp_path, EVENTS)
    with Journal.open(tmp_path, DIGEST) as journal:
        assert list(journal.events) == EVENTS
        journal.append({"type": "group", "duplicate_id": "g2", "status": "skipped", "reason": "stale"})
    assert len(read_journal(tmp_path).events) == len(EVENTS) + 1


def test_every_append_is_fsynced_before_it_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal.open(tmp_path, DIGEST)
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(durable.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    for i, event in enumerate(EVENTS, start=1):
        journal.append(event)
        assert len(synced) == i
        # Already on disk (not in a Python buffer) when append returns.
        assert journal_file(tmp_path).read_bytes().count(b"\n") == i + 1
    journal.close()


def test_one_event_is_one_line_whatever_its_strings_hold(tmp_path: Path) -> None:
    event = {
        "type": "group",
        "duplicate_id": "g\n1",
        "status": "failed",
        "reason": "line1\nline2\r\u2028 日本",
    }
    write_journal(tmp_path, [event])
    assert journal_file(tmp_path).read_bytes().count(b"\n") == 2
    assert read_journal(tmp_path).events == (event,)


# -- torn tails ------------------------------------------------------------------------


def test_a_torn_last_line_is_dropped_and_truncated_away(tmp_path: Path) -> None:
    data = write_journal(tmp_path, EVENTS)
    torn = b'{"type":"group","duplicate_id":"g9","sta'
    journal_file(tmp_path).write_bytes(data + torn)
    with Journal.open(tmp_path, DIGEST) as journal:
        assert list(journal.events) == EVENTS
        assert journal.torn_bytes == len(torn)
        assert journal_file(tmp_path).read_bytes() == data
        journal.append({"type": "restore", "asset_ids": ["a1"]})
    assert read_journal(tmp_path).events[-1] == {"type": "restore", "asset_ids": ["a1"]}


def test_a_complete_looking_last_line_without_newline_is_still_torn(tmp_path: Path) -> None:
    """The newline is written with the record; without it the write did not complete."""
    data = write_journal(tmp_path, EVENTS)
    journal_file(tmp_path).write_bytes(data + b'{"type":"restore","asset_ids":["a1"]}')
    with Journal.open(tmp_path, DIGEST) as journal:
        assert list(journal.events) == EVENTS


def test_garbage_on_the_final_line_only_is_dropped(tmp_path: Path) -> None:
    data = write_journal(tmp_path, EVENTS)
    journal_file(tmp_path).write_bytes(data + b"\x00\x00\x00\x00\n")  # zero-filled block after a crash
    with Journal.open(tmp_path, DIGEST) as journal:
        assert list(journal.events) == EVENTS
    assert journal_file(tmp_path).read_bytes() == data


def test_read_journal_ignores_a_torn_tail_without_touching_the_file(tmp_path: Path) -> None:
    data = write_journal(tmp_path, EVENTS) + b'{"type":"do'
    journal_file(tmp_path).write_bytes(data)
    contents = read_journal(tmp_path)
    assert list(contents.events) == EVENTS
    assert contents.torn_bytes == len(b'{"type":"do')
    assert journal_file(tmp_path).read_bytes() == data


def test_an_empty_or_torn_header_is_rewritten(tmp_path: Path) -> None:
    journal_file(tmp_path).write_bytes(b'{"type":"head')
    with Journal.open(tmp_path, DIGEST) as journal:
        assert journal.header["plan_digest"] == DIGEST
    assert read_journal(tmp_path).header["plan_digest"] == DIGEST


# -- corruption and foreign journals -------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        lambda lines: lines[:2] + [b"{not json"] + lines[3:],
        lambda lines: lines[:2] + [b""] + lines[2:],  # an empty line mid-file
        lambda lines: lines[:2] + [b"[1, 2]"] + lines[3:],
        lambda lines: lines[:2] + [b'{"no_type": 1}'] + lines[3:],
        lambda lines: lines[:1] + [b'{"type":"backup","asset_id":"a1"}'] + lines[2:],
    ],
)
def test_corruption_before_the_last_line_is_refused(tmp_path: Path, damage: object) -> None:
    data = write_journal(tmp_path, EVENTS)
    lines = data.split(b"\n")[:-1]
    broken = b"\n".join(damage(lines)) + b"\n"  # type: ignore[operator]
    journal_file(tmp_path).write_bytes(broken)
    with pytest.raises(JournalError) as info:
        Journal.open(tmp_path, DIGEST)
    assert "corrupt at line" in str(info.value)
    assert journal_file(tmp_path).read_bytes() == broken  # nothing "repaired"
    with pytest.raises(JournalError):
        read_journal(tmp_path)


def test_a_journal_of_another_plan_is_refused(tmp_path: Path) -> None:
    data = write_journal(tmp_path, EVENTS)
    with pytest.raises(JournalError) as info:
        Journal.open(tmp_path, OTHER)
    message = str(info.value)
    assert "another plan" in message
    assert "--backup-dir" in message
    assert journal_file(tmp_path).read_bytes() == data


def test_a_file_that_is_not_our_journal_is_refused(tmp_path: Path) -> None:
    journal_file(tmp_path).write_bytes(b'{"type":"run"}\n{"type":"x"}\n')
    with pytest.raises(JournalError) as info:
        Journal.open(tmp_path, DIGEST)
    assert "not an immich-dedupe journal" in str(info.value)


def test_restore_opens_any_plans_journal_but_never_creates_one(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as info:
        Journal.open(tmp_path, None)
    assert "no journal" in str(info.value)
    assert not journal_file(tmp_path).exists()
    write_journal(tmp_path, EVENTS)
    with Journal.open(tmp_path, None) as journal:
        assert journal.header["plan_digest"] == DIGEST
        journal.append({"type": "restore", "asset_ids": ["a1"]})
    assert read_journal(tmp_path).state().restored == {"a1"}


def test_read_journal_without_a_journal_says_so(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as info:
        read_journal(tmp_path)
    assert "no journal" in str(info.value)


# -- appending -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        {"no": "type"},
        {"type": "header", "plan_digest": OTHER},
        {"type": "backup", "asset_id": "a1"},
        {"type": "intent", "op": "resolve"},
        {"type": "done", "batch": "b1", "trashed": {"g1": "a1"}},
        {"type": "group", "duplicate_id": "g1", "status": "maybe"},
        {"type": "restore", "asset_ids": "a1"},
    ],
)
def test_malformed_events_are_a_programming_error_and_not_written(
    tmp_path: Path, event: dict[str, object]
) -> None:
    with Journal.open(tmp_path, DIGEST) as journal:
        before = journal_file(tmp_path).read_bytes()
        with pytest.raises(ValueError):
            journal.append(event)
        assert journal_file(tmp_path).read_bytes() == before
        assert journal.events == ()


def test_unknown_event_types_are_kept(tmp_path: Path) -> None:
    event = {"type": "run", "pid": 123, "started_at": "2026-01-01T00:00:00Z"}
    write_journal(tmp_path, [event])
    contents = read_journal(tmp_path)
    assert contents.events == (event,)
    assert contents.state().pending == ()


def test_an_event_holding_the_api_key_is_refused(tmp_path: Path) -> None:
    with Journal.open(tmp_path, DIGEST, forbidden=[SENTINEL_KEY]) as journal:
        with pytest.raises(JournalError) as info:
            journal.append({"type": "done", "batch": "b1", "error": f"401 for key {SENTINEL_KEY}"})
        assert SENTINEL_KEY not in str(info.value)
        journal.append({"type": "done", "batch": "b1", "error": "401 Invalid API key"})
    assert SENTINEL_KEY.encode() not in journal_file(tmp_path).read_bytes()


def test_a_write_failing_mid_line_leaves_a_journal_that_still_replays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal.open(tmp_path, DIGEST)
    journal.append(EVENTS[0])
    good = journal_file(tmp_path).read_bytes()
    real_write = os.write

    class HalfThenFull:
        """Writes half of the line, then the disk is full."""

        def __init__(self, inner: object) -> None:
            self.inner = inner
            self.calls = 0

        def write(self, data: memoryview) -> int:
            self.calls += 1
            if self.calls > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(self.inner.fileno(), bytes(data[: len(data) // 2]))  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    monkeypatch.setattr(journal, "_file", HalfThenFull(journal._file))
    with pytest.raises(JournalError) as info:
        journal.append(EVENTS[1])
    assert "No space left" in str(info.value)
    assert journal_file(tmp_path).read_bytes() == good  # the half line was cut off
    monkeypatch.undo()
    journal.append(EVENTS[2])
    journal.close()
    assert list(read_journal(tmp_path).events) == [EVENTS[0], EVENTS[2]]


# -- state ---------------------------------------------------------------------------------


def test_state_folds_what_a_resume_and_a_restore_need(tmp_path: Path) -> None:
    events = [
        *EVENTS,
        {"type": "group", "duplicate_id": "g2", "status": "failed", "reason": "server error"},
        {"type": "group", "duplicate_id": "g3", "status": "skipped", "reason": "stale"},
        {"type": "group", "duplicate_id": "g3", "status": "done", "reason": None},  # a rerun did it
        {"type": "intent", "batch": "b3", "op": "resolve", "permanent": True},
        {"type": "done", "batch": "b3", "deleted": {"g4": ["a4"]}, "trashed": {"g5": ["a5", "a6"]}},
        {"type": "restore", "asset_ids": ["a5"]},
    ]
    write_journal(tmp_path, events)
    with Journal.open(tmp_path, DIGEST) as journal:
        state = journal.state()
    assert state.backups == {"a1": RECORD}
    assert state.groups["g3"] == GroupOutcome(status="done", reason=None)
    assert state.done_groups == {"g1", "g3"}
    assert state.failed_groups == {"g2"}
    assert state.skipped_groups == frozenset()
    assert [p["batch"] for p in state.pending] == ["b2"]
    assert state.trashed == {"g1": ("a1",), "g5": ("a5", "a6")}
    assert state.deleted == {"g4": ("a4",)}
    assert state.restored == {"a5"}
    assert state.still_trashed() == {"g1": ("a1",), "g5": ("a6",)}


def test_an_asset_trashed_again_after_a_restore_is_trashed(tmp_path: Path) -> None:
    write_journal(
        tmp_path,
        [
            {"type": "done", "batch": "b1", "trashed": {"g1": ["a1"]}},
            {"type": "restore", "asset_ids": ["a1"]},
            {"type": "done", "batch": "b2", "trashed": {"g1": ["a1"]}},
        ],
    )
    assert read_journal(tmp_path).state().still_trashed() == {"g1": ("a1",)}


def test_appends_from_several_threads_are_whole_lines(tmp_path: Path) -> None:
    with Journal.open(tmp_path, DIGEST) as journal, ThreadPoolExecutor(max_workers=4) as pool:
        list(
            pool.map(
                lambda i: journal.append({"type": "group", "duplicate_id": f"g{i}", "status": "done"}),
                range(40),
            )
        )
        in_memory = list(journal.events)
    replayed = list(read_journal(tmp_path).events)
    assert replayed == in_memory
    assert sorted(e["duplicate_id"] for e in replayed) == sorted(f"g{i}" for i in range(40))


def test_backup_events_with_and_without_sha256_both_replay(tmp_path: Path) -> None:
    """Checksum-verified backups record only Immich's SHA-1 now; older journals have a SHA-256 too."""
    new = attrs.evolve(RECORD, asset_id="asset-new", path="originals/as/new.jpg", sha256_hex=None)
    with Journal.open(tmp_path, DIGEST) as j:
        j.append({"type": "backup", **RECORD.to_json()})
        j.append({"type": "backup", **new.to_json()})
    assert "sha256" not in json.loads(journal_file(tmp_path).read_text().splitlines()[-1])
    with Journal.open(tmp_path, DIGEST) as j:
        assert j.state().backups == {RECORD.asset_id: RECORD, new.asset_id: new}
