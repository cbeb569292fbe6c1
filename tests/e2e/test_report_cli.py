"""`report` from the command line, with thumbnails from the Immich double over real HTTP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from immich_dedupe.cli import main
from immich_dedupe.errors import AuthError
from immich_dedupe.planfile import load_plan, write_plan
from tests import factories as f
from tests import view_plans as vp
from tests.fake_immich import FakeImmich


def plan_for(immich: FakeImmich, tmp_path: Path, *, groups: int = 3, missing: int = 0) -> tuple[Path, int]:
    """A plan over groups that exist on the double (plus ``missing`` assets that do not)."""
    plans = []
    for _ in range(groups):
        members = immich.make_group(2)
        plans.append(vp.group([f.photo(a.original_file_name, id=a.id) for a in members], immich_keep=1))
    for k in range(missing):
        plans.append(
            vp.group([f.photo(id=f.new_id(0xDEAD00 + 2 * k)), f.bare(id=f.new_id(0xDEAD01 + 2 * k))])
        )
    path = tmp_path / "plan.json"
    write_plan(vp.plan(plans), path)
    return path, 2 * (groups + missing)


def test_report_writes_a_page_and_says_where(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    write_plan(vp.plan(vp.sample_groups()), path)
    out = tmp_path / "out.html"
    assert main(["report", str(path), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count('<article class="card"') == 3
    assert "<img" not in html
    said = capsys.readouterr().out
    assert str(out) in said and "3 groups, 1 need review, 1 differ from Immich's pick" in said


def test_report_with_thumbnails_embeds_each_one(
    immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, n_assets = plan_for(immich_env, tmp_path)
    out = tmp_path / "report.html"
    assert main(["report", str(plan), "-o", str(out), "--thumbnails"]) == 0
    html = out.read_text(encoding="utf-8")
    assert len(re.findall(r'<img [^>]*src="data:image/webp;base64,', html)) == n_assets
    assert immich_env.requests.count("GET", "/api/assets/*/thumbnail") == n_assets
    assert immich_env.requests.write_count == 0  # a report changes nothing on the server
    assert immich_env.api_key not in html


def test_a_failed_thumbnail_is_a_placeholder_not_an_error(
    immich_env: FakeImmich, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, n_assets = plan_for(immich_env, tmp_path, groups=2, missing=1)
    out = tmp_path / "report.html"
    assert main(["report", str(plan), "-o", str(out), "--thumbnails"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.count("<img ") == n_assets - 2
    assert html.count('class="ph"') == 2
    assert "2 thumbnails could not be fetched" in html
    assert "2 of 6 thumbnails could not be fetched" in capsys.readouterr().err


def test_a_key_without_asset_view_is_refused_before_any_thumbnail(
    immich: FakeImmich, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, _ = plan_for(immich, tmp_path, groups=1)
    key = immich.add_api_key(permissions=("duplicate.read", "asset.read"))
    monkeypatch.setenv("IMMICH_URL", immich.url)
    monkeypatch.setenv("IMMICH_API_KEY", key)
    out = tmp_path / "report.html"
    assert main(["report", str(plan), "-o", str(out), "--thumbnails"]) == AuthError.exit_code
    err = capsys.readouterr().err
    assert "asset.view" in err and key not in err
    assert immich.requests.count("GET", "/api/assets/*/thumbnail") == 0
    assert not out.exists()


def test_a_new_user_can_analyze_the_example_then_show_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    plan_path, page = tmp_path / "plan.json", tmp_path / "report.html"
    assert main(["analyze", "--example", "-o", str(plan_path)]) == 0
    plan = load_plan(plan_path)
    assert plan.summary.review and plan.summary.differs_from_immich  # the example shows both
    capsys.readouterr()

    assert main(["show", str(plan_path)]) == 0
    overview = [line for line in capsys.readouterr().out.splitlines() if re.match(r"^[0-9a-f]{8}", line)]
    assert len(overview) == plan.summary.groups
    actions = [line.split()[1] for line in overview]
    assert actions == sorted(actions, key=lambda a: a != "review")  # review first
    differs = {g.duplicate_id[:8]: g.differs_from_immich for g in plan.groups}
    for line in overview:  # Immich's pick is named where it differs, else "same"
        assert (" same " not in line) == differs[line[:8]], line
    differing = [g for g in plan.groups if g.differs_from_immich]

    some_differing = differing[0]
    assert main(["show", str(plan_path), some_differing.duplicate_id[:8]]) == 0
    group_view = capsys.readouterr().out
    assert "our pick differs from Immich's" in group_view and "KEEP" in group_view and "keeps" in group_view

    assert main(["report", str(plan_path), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert html.count('<article class="card"') == plan.summary.groups
    assert html.count("Immich would keep <span") == sum(g.differs_from_immich for g in plan.groups)
