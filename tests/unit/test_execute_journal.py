"""Journal.append_many, which execute uses to record a batch's backups and outcomes with one fsync."""

from __future__ import annotations

from pathlib import Path

import pytest

from immich_dedupe.errors import JournalError
from immich_dedupe.journal import JOURNAL_NAME, Journal, read_journal

DIGEST = "d" * 64


def _group(gid: str, status: str = "done") -> dict[str, str]:
    return {"type": "group", "duplicate_id": gid, "status": status, "reason": ""}


def test_append_many_writes_every_event_and_replays_them_in_order(tmp_path: Path) -> None:
    with Journal.open(tmp_path, DIGEST) as journal:
        journal.append(_group("a"))
        journal.append_many([_group("b"), _group("c", "failed")])
        journal.append_many([])
    contents = read_journal(tmp_path)
    assert [e["duplicate_id"] for e in contents.events] == ["a", "b", "c"]
    assert contents.state().groups["c"].status == "failed"


def test_a_crash_inside_append_many_leaves_a_prefix(tmp_path: Path) -> None:
    with Journal.open(tmp_path, DIGEST) as journal:
        journal.append_many([_group(g) for g in "abc"])
    path = tmp_path / JOURNAL_NAME
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b'"c"') + 2])  # the last line torn mid-way
    assert [e["duplicate_id"] for e in read_journal(tmp_path).events] == ["a", "b"]
    with Journal.open(tmp_path, DIGEST) as journal:  # reopening cuts the torn tail off
        journal.append(_group("d"))
    assert [e["duplicate_id"] for e in read_journal(tmp_path).events] == ["a", "b", "d"]


def test_append_many_refuses_a_malformed_event_before_writing_any(tmp_path: Path) -> None:
    with Journal.open(tmp_path, DIGEST) as journal:
        with pytest.raises(ValueError):
            journal.append_many([_group("a"), {"type": "group", "status": "done"}])
        assert journal.events == ()
    assert read_journal(tmp_path).events == ()


def test_append_many_never_writes_a_secret(tmp_path: Path) -> None:
    secret = "the-api-key-value"
    with Journal.open(tmp_path, DIGEST, forbidden=[secret]) as journal, pytest.raises(JournalError):
        journal.append_many([_group("a"), {**_group("b"), "reason": f"x {secret}"}])
    assert secret.encode() not in (tmp_path / JOURNAL_NAME).read_bytes()
    assert read_journal(tmp_path).events == ()
