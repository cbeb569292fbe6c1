"""A journal cut off at any byte replays to a prefix of its events, and keeps working after that."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import durable
from immich_dedupe.errors import JournalError
from immich_dedupe.journal import JOURNAL_NAME, Journal, parse_journal, read_journal

DIGEST = "sha256:" + "12" * 32

ids = st.text(min_size=1, max_size=12)
free_text = st.text(max_size=40)  # any unicode, including newlines, quotes and controls

events = st.one_of(
    st.builds(
        lambda a, p, n, v: {
            "type": "backup",
            "asset_id": a,
            "path": p,
            "size": n,
            "sha1": "x" * 28,
            "sha256": "0" * 64,
            "verified_by": v,
        },
        ids,
        free_text,
        st.integers(min_value=0, max_value=2**40),
        st.sampled_from(["checksum", "size+own-hash"]),
    ),
    st.builds(
        lambda b, op, t: {"type": "intent", "batch": b, "op": op, "ids": t},
        ids,
        st.sampled_from(["resolve", "delete", "update", "stack", "dismiss"]),
        st.lists(ids, max_size=4),
    ),
    st.builds(
        lambda b, tr: {"type": "done", "batch": b, "trashed": tr},
        ids,
        st.dictionaries(ids, st.lists(ids, max_size=3), max_size=3),
    ),
    st.builds(
        lambda d, s, r: {"type": "group", "duplicate_id": d, "status": s, "reason": r},
        ids,
        st.sampled_from(["done", "skipped", "failed"]),
        st.one_of(st.none(), free_text),
    ),
    st.builds(lambda a: {"type": "restore", "asset_ids": a}, st.lists(ids, max_size=4)),
)


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay logic is under test here, not the disk; fsync is covered in tests/unit."""
    monkeypatch.setattr(durable.os, "fsync", lambda fd: None)


def _write(root: Path, evs: list[dict[str, Any]]) -> bytes:
    with Journal.open(root, DIGEST) as journal:
        for event in evs:
            journal.append(event)
    return (root / JOURNAL_NAME).read_bytes()


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(events, max_size=8))
def test_truncation_at_every_byte_replays_a_prefix(evs: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = _write(Path(tmp), evs)
    ends_of_lines = [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]
    for cut in range(len(data) + 1):
        records, valid = parse_journal(data[:cut])
        complete = sum(1 for end in ends_of_lines if end <= cut)  # lines wholly inside the cut
        assert len(records) == complete
        assert records[1:] == evs[: max(complete - 1, 0)]
        assert valid == (ends_of_lines[complete - 1] if complete else 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(events, min_size=1, max_size=8), st.data())
def test_a_reopened_truncated_journal_continues_cleanly(
    evs: list[dict[str, Any]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        full = _write(root, evs)
        header_end = full.index(b"\n") + 1
        cut = data.draw(st.integers(min_value=header_end, max_value=len(full)), label="cut")
        (root / JOURNAL_NAME).write_bytes(full[:cut])
        extra = data.draw(events, label="extra")
        with Journal.open(root, DIGEST) as journal:
            replayed = list(journal.events)
            assert replayed == evs[: len(replayed)]
            journal.append(extra)
        assert list(read_journal(root).events) == [*replayed, extra]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(events, min_size=2, max_size=6), st.data())
def test_damage_before_the_last_line_is_never_silently_skipped(
    evs: list[dict[str, Any]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        full = _write(Path(tmp), evs)
    lines = full.split(b"\n")[:-1]
    victim = data.draw(st.integers(min_value=0, max_value=len(lines) - 2), label="line")
    lines[victim] = lines[victim][: len(lines[victim]) // 2]  # a torn record followed by more
    with pytest.raises(JournalError):
        parse_journal(b"\n".join(lines) + b"\n")
