"""show: the terminal overview and the side-by-side group view, as a person at 100 columns sees them."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import attrs
import pytest
from rich.console import Console, RenderableType

from immich_dedupe import show
from immich_dedupe.cli import main
from immich_dedupe.errors import PlanError
from immich_dedupe.planfile import write_plan
from tests import factories as f
from tests import view_plans as vp

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def render(renderable: RenderableType, *, width: int = 100, color: bool = False) -> str:
    console = Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        legacy_windows=False,
    )
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def column_of(line: str, text: str) -> int:
    return line.index(text)


# --------------------------------------------------------------------------- overview


def test_overview_lists_review_then_differs_then_the_rest() -> None:
    out = render(show.render_overview(vp.plan(vp.sample_groups())))
    rows = [line for line in out.splitlines() if line.startswith("0000")]
    assert [r[:8] for r in rows] == ["0000c003", "0000b002", "0000a001"]
    assert "would lose: description, rating" in rows[0]
    assert "IMG_0002.jpg" in rows[1]  # Immich's pick, shown because it differs
    assert "ours adds: GPS, place" in rows[1]
    assert "same" in rows[2] and "deletes 1 (878.9 KiB)" in rows[2]


def test_overview_summary_gives_the_figures() -> None:
    out = render(show.render_overview(vp.plan(vp.sample_groups())))
    first = out.splitlines()[0]
    assert "3 groups" in first and "review 1" in first and "1 differ from Immich" in first


@pytest.mark.parametrize(("only", "ids"), [("review", ["0000c003"]), ("differs", ["0000b002"])])
def test_overview_only_filter(only: str, ids: list[str]) -> None:
    out = render(show.render_overview(vp.plan(vp.sample_groups()), only=only))
    assert [line[:8] for line in out.splitlines() if line.startswith("0000")] == ids
    assert f"showing 1 of 3 groups (--only {only})" in out


def test_overview_with_no_match_says_so() -> None:
    plain = vp.sample_groups()[0]
    out = render(show.render_overview(vp.plan([plain]), only="review"))
    assert "no group matches" in out


def test_overview_fits_100_columns_and_plain_output_has_no_escape_codes() -> None:
    out = render(show.render_overview(vp.big_plan(40)))
    assert "\x1b" not in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_overview_ids_are_long_enough_to_tell_groups_apart() -> None:
    a = vp.group([f.photo(), f.bare()], duplicate_id="12345678-aaaa-4000-8000-000000000001")
    b = vp.group([f.photo(), f.bare()], duplicate_id="12345678-aaab-4000-8000-000000000002")
    out = render(show.render_overview(vp.plan([a, b])))
    assert "12345678-aaaa" in out and "12345678-aaab" in out


# --------------------------------------------------------------------------- one group


def test_group_view_marks_keeper_immich_pick_and_losses() -> None:
    review = vp.sample_groups()[2]
    out = render(show.render_group(review))
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("file"))
    keep_col = column_of(header, "IMG_0003.HEIC")
    other_col = column_of(header, "IMG_0003.jpg")
    we = next(line for line in lines if line.startswith("we "))
    immich = next(line for line in lines if line.startswith("Immich "))
    assert column_of(we, "KEEP") == keep_col and column_of(we, "delete") == other_col
    assert column_of(immich, "keeps") == keep_col
    description = next(line for line in lines if line.startswith("description"))
    assert column_of(description, "! Grandma's 90th birthday") == other_col
    assert "a plain resolve would lose: description, rating" in out
    assert "IMG_0003.jpg has a description and a rating the keeper lacks" in out  # the reason


def test_group_view_shows_points_totals_and_tie_breakers() -> None:
    differs = vp.sample_groups()[1]
    out = render(show.render_group(differs))
    gps = next(line for line in out.splitlines() if line.startswith("GPS"))
    assert "+100" in gps
    assert re.search(r"^score\s+0\.47\s+451\.5", out, re.M)
    assert re.search(r"^format\s+\+0\.18\s+\+0\.24", out, re.M)
    assert "our pick differs from Immich's" in out


def test_lost_values_are_red_and_the_keeper_column_bold_in_colour() -> None:
    out = render(show.render_group(vp.sample_groups()[2]), color=True)
    assert re.search(r"\x1b\[1;31m! Grandma's 90th birthday", out)
    assert re.search(r"\x1b\[[0-9;]*7[0-9;]*mKEEP", out)  # reverse video


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_group_view_fits_100_columns_and_keeps_long_names_apart(n: int) -> None:
    names = [f"PXL_20190714_120311_{k:03d}_a_rather_long_descriptive_name_from_a_phone.jpg" for k in range(n)]
    g = vp.group([f.photo(names[0])] + [f.bare(name) for name in names[1:]], immich_keep=n - 1)
    out = render(show.render_group(g))
    assert max(len(line) for line in out.splitlines()) <= 100
    for k in range(n):
        assert f"{k:03d}" in out  # the part that tells the files apart survives the cut
    assert "KEEP" in out and "keeps" in out


def test_control_characters_and_markup_in_file_names_cannot_touch_the_terminal() -> None:
    g = vp.group([f.photo("evil\x1b[2J\x1b]0;pwned\x07.jpg"), f.bare("[bold red]not markup[/].jpg")])
    out = render(show.render_group(g), color=True)
    assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out
    plain = ANSI.sub("", out)
    assert "evil\\x1b[2J" in plain
    assert "[bold red]not markup[/].jpg" in plain
    overview = render(show.render_overview(vp.plan([g])), color=True)
    assert "\x1b[2J" not in overview


def test_group_with_a_skip_action_and_untouched_members_renders() -> None:
    g = vp.group([f.photo(), f.bare()], action="skip")
    g = attrs.evolve(g, delete=())
    out = render(show.render_group(g))
    assert "SKIP" in out and "untouched" in out


# --------------------------------------------------------------------------- the command


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    write_plan(vp.plan(vp.sample_groups()), path)
    return path


def test_show_command_prints_the_overview_plainly_when_piped(
    plan_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    assert main(["show", str(plan_file)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert [line[:8] for line in out.splitlines() if line.startswith("0000")] == [
        "0000c003",
        "0000b002",
        "0000a001",
    ]
    assert max(len(line) for line in out.splitlines()) <= 100


def test_show_command_with_a_prefix_shows_that_group(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(plan_file), "0000c"]) == 0
    out = capsys.readouterr().out
    assert f"group {vp.REVIEW_ID}  REVIEW" in out
    assert "! Grandma's 90th birthday" in out


def test_show_command_only_review(plan_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(plan_file), "--only", "review"]) == 0
    out = capsys.readouterr().out
    assert [line[:8] for line in out.splitlines() if line.startswith("0000")] == ["0000c003"]


def test_show_command_ambiguous_prefix_is_a_usage_error_listing_matches(
    plan_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(plan_file), "0000"]) == 2
    err = capsys.readouterr().err
    assert "ambiguous" in err and vp.PLAIN_ID in err and vp.REVIEW_ID in err
    assert main(["show", str(plan_file), "beef"]) == 2
    assert "no group id starts with 'beef'" in capsys.readouterr().err


def test_show_command_on_a_missing_plan_is_a_plan_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(tmp_path / "nope.json")]) == PlanError.exit_code
    assert "nope.json" in capsys.readouterr().err


def test_show_command_pages_on_a_terminal(
    plan_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paged: list[str] = []
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then treats stdout as a terminal
    monkeypatch.delenv("LESS", raising=False)
    monkeypatch.setattr("pydoc.pager", paged.append)
    assert main(["show", str(plan_file)]) == 0
    assert capsys.readouterr().out == ""
    (text,) = paged
    assert "0000c003" in text and "\x1b[" in text  # colours kept for `less -R`
    assert os.environ["LESS"] == "-FRX"
