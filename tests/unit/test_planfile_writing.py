"""planfile writing: the one-line layout of an asset's containers, text that must survive it
(newlines, ``%``, lone surrogates), streaming group by group, and the documented example."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import attrs
import pytest

from immich_dedupe import planfile
from immich_dedupe.analyze import analyze_file
from immich_dedupe.plan import Plan
from immich_dedupe.planfile import (
    canonical_plan,
    dumps_plan,
    group_fingerprint,
    iter_plan_bytes,
    loads_plan,
    write_plan,
)
from immich_dedupe.policy import load_policy
from tests.factories import bare, photo
from tests.unit.test_planfile import gplan, make_plan, sample_plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "plan-format.md"


def _with_asset(plan: Plan, change: dict[str, object], **planned: object) -> Plan:
    """``plan`` with its first group's first asset changed (facts ``change``, record ``planned``)."""
    g = plan.groups[0]
    first = g.assets[0]
    asset = attrs.evolve(first.asset, **change)
    pa = attrs.evolve(first, asset=asset, **planned)
    assets = (pa, *g.assets[1:])
    group = attrs.evolve(g, assets=assets, fingerprint=group_fingerprint(assets))
    return attrs.evolve(plan, groups=(group, *plan.groups[1:]))


def test_awkward_text_in_every_kind_of_field_reads_back_exactly() -> None:
    # Newlines and % are what the writer's layout machinery works with; a lone surrogate is
    # a file name that was not valid Unicode. None of them may leak into the layout.
    odd = 'line 1\nline 2 100% %s %% " \\ \t \udc80 é'
    plan = _with_asset(
        sample_plan(),
        {"description": odd, "original_file_name": odd, "tags": (odd, "%s", "\n"), "albums": ("%",)},
        facts={odd: odd, "gps": None, "%s": "%%"},
        breakdown={odd: 1.5, "%": 0.0, "gps": 10.0},
    )
    plan = attrs.evolve(
        plan, groups=(attrs.evolve(plan.groups[0], reasons=(odd, "%s"), lost_if_resolved=("\n",)),)
    )
    data = dumps_plan(plan)
    assert loads_plan(data) == canonical_plan(plan)
    text = data.decode("utf-8")
    assert "\\udc80" in text  # escaped, so the file is valid UTF-8
    breakdown = next(line for line in text.splitlines() if '"breakdown": {"%"' in line)
    assert breakdown.endswith('"gps": 10.0, "line 1\\nline 2 100% %s %% \\" \\\\ \\t \\udc80 é": 1.5},')


def test_a_non_finite_number_is_refused_not_written() -> None:
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            dumps_plan(_with_asset(sample_plan(), {}, score=bad))
        with pytest.raises(ValueError):
            dumps_plan(_with_asset(sample_plan(), {}, breakdown={"gps": bad}))


def test_a_list_where_a_single_value_belongs_is_refused_not_mangled() -> None:
    with pytest.raises(TypeError, match="container where a plain value belongs"):
        dumps_plan(_with_asset(sample_plan(), {"city": ["Lisbon", "Porto"]}))


def test_assets_with_different_facts_and_breakdowns_each_get_their_own_keys() -> None:
    a, b = photo("IMG_1.HEIC"), bare("IMG_1.jpg")
    g = gplan(a, b)
    first, second = g.assets
    assets = (
        attrs.evolve(first, facts={}, breakdown={}),
        attrs.evolve(second, facts={"z": "last", "a": None}, breakdown={"only": 2.0}),
    )
    plan = make_plan(attrs.evolve(g, assets=assets))
    text = dumps_plan(plan).decode()
    assert '          "breakdown": {},' in text and '          "facts": {},' in text
    assert '          "facts": {"a": null, "z": "last"},' in text
    assert '          "breakdown": {"only": 2.0},' in text
    assert loads_plan(text.encode()) == canonical_plan(plan)


def test_the_plan_is_streamed_one_group_per_piece() -> None:
    plan = sample_plan()
    pieces = list(iter_plan_bytes(plan))
    assert b"".join(pieces) == dumps_plan(plan)
    ids = [g.duplicate_id for g in canonical_plan(plan).groups]
    # The header with the first group, one more group each, then the fields after "groups".
    assert len(pieces) == len(ids) + 1
    for piece, gid in zip(pieces, ids, strict=False):
        assert piece.count(b'      "fingerprint": ') == 1
        assert b'      "duplicate_id": "' + gid.encode() + b'"' in piece
    assert b'"summary"' in pieces[-1] and b'"fingerprint"' not in pieces[-1]


def test_a_failure_while_writing_leaves_the_previous_plan_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan(sample_plan(), path)
    before = path.read_bytes()
    # The last group cannot be encoded: the first ones are already in the temp file by then.
    last = canonical_plan(sample_plan()).groups[-1]
    broken = attrs.evolve(last, assets=tuple(attrs.evolve(a, score=float("nan")) for a in last.assets))
    plan = attrs.evolve(sample_plan(), groups=(*canonical_plan(sample_plan()).groups[:-1], broken))
    with pytest.raises(ValueError):
        write_plan(plan, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["plan.json"]


def test_the_example_in_the_format_doc_is_what_analyze_writes() -> None:
    example = resources.files("immich_dedupe") / "data" / "example-duplicates.json"
    with resources.as_file(example) as path:
        plan = analyze_file(path, load_policy(None), generated_at="2026-01-01T00:00:00Z")
    doc = DOC.read_text(encoding="utf-8")
    shown = re.search(r"## An example group.*?```json\n(.*?)```", doc, re.S)
    assert shown is not None
    group_text = shown.group(1)
    gid = json.loads(group_text)["duplicate_id"]
    written = dumps_plan(plan).decode()
    # The group as written, at the top level of the example (4 spaces less indentation).
    lines = written.splitlines()
    start = lines.index(f'      "duplicate_id": "{gid}",')
    first = max(i for i in range(start) if lines[i] == "    {")
    last = next(i for i in range(start, len(lines)) if lines[i] in ("    }", "    },"))
    expected = "\n".join(line[4:] for line in lines[first:last]) + "\n}\n"
    assert group_text == expected


def test_without_the_c_encoder_the_bytes_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python builds without _json (PyPy, say) fall back to json.JSONEncoder.
    plan = _with_asset(sample_plan(), {"tags": ("a", "b\n%")}, facts={"%s": None, "gps": "1, 2"})
    expected = dumps_plan(plan)
    monkeypatch.setattr(planfile, "c_make_encoder", None)
    monkeypatch.setattr(planfile, "_ITEMS", planfile._items_encoder())
    assert dumps_plan(plan) == expected
