"""The report as a real browser shows it: headless Chromium, offline, from a file:// URL.

Skipped with one line when Chromium is not installed (Debian: ``apt-get install chromium``).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from immich_dedupe import report
from tests import factories as f
from tests import view_plans as vp

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "chrome")) if p), None
)
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

# Keep the browser from reaching out: no sync, no updates, no field trials, no QUIC.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)


def chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(tmp_path: Path, page: Path, fragment: str = "") -> str:
    return chromium(tmp_path, "--dump-dom", page.as_uri() + fragment)


def write(tmp_path: Path, plan: object, name: str = "report.html", **kwargs: object) -> Path:
    out = tmp_path / name
    report.write_report(plan, out, **kwargs)  # type: ignore[arg-type]
    return out


def body_attr(dom: str, name: str) -> str:
    match = re.search(rf"<body[^>]*\b{name}=\"([^\"]*)\"", dom)
    assert match, f"no {name} on <body>"
    return match.group(1)


def shown(dom: str) -> int:
    match = re.search(r'<span id="shown">(\d+)</span>', dom)
    assert match
    return int(match.group(1))


# A test-only harness: the report plus a script that records which cards the browser really
# displays. The page's CSP allows only its own script, so the harness drops the CSP.
PROBE = (
    "<script>document.body.dataset.visible = Array.from(document.querySelectorAll('.card'))"
    ".filter(function (c) { return getComputedStyle(c).display !== 'none'; })"
    ".map(function (c) { return c.dataset.action + (c.hasAttribute('data-differs') ? '+d' : ''); })"
    ".join(' ');</script></body>"
)


def harness(page: Path) -> Path:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    out = page.with_name("harness-" + page.name)
    out.write_text(text.replace("</body>", PROBE), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [("", "all"), ("#review", "review"), ("#differs", "differs"), ("#g-nothing", "all")],
)
def test_the_filter_in_the_address_applies_on_load(tmp_path: Path, fragment: str, expected: str) -> None:
    plan = vp.big_plan(50)  # 10 review, 10 differing, 30 plain
    dom = dump_dom(tmp_path, write(tmp_path, plan), fragment)
    assert dom.count('<article class="card"') == 50
    # Our script ran under the page's own CSP (a wrong hash would leave the filter at "all").
    assert body_attr(dom, "data-filter") == expected
    assert shown(dom) == {"all": 50, "review": 10, "differs": 10}[expected]


def test_the_review_filter_really_hides_resolve_cards(tmp_path: Path) -> None:
    page = harness(write(tmp_path, vp.big_plan(20)))
    visible = body_attr(dump_dom(tmp_path, page, "#review"), "data-visible").split()
    assert visible == ["review"] * 4
    visible = body_attr(dump_dom(tmp_path, page, "#differs"), "data-visible").split()
    assert visible == ["resolve+d"] * 4
    visible = body_attr(dump_dom(tmp_path, page), "data-visible").split()
    assert len(visible) == 20 and visible[:4] == ["review"] * 4


def test_hostile_file_names_stay_text_in_the_browser(tmp_path: Path) -> None:
    names = [
        "<script>document.title='pwned'</script>.jpg",
        "<img src=x onerror=\"document.title='pwned'\">.jpg",
    ]
    g = vp.group([f.photo(names[0]), f.bare(names[1])], reasons=(f"keeps {names[0]}",))
    page = harness(write(tmp_path, vp.plan([g])))  # no CSP: escaping alone must hold
    dom = dump_dom(tmp_path, page)
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)  # type: ignore[union-attr]
    assert "<img src=x" not in dom and '<img src="x"' not in dom
    text = html.unescape(re.sub(r"<[^>]+>", "", dom))
    for name in names:
        assert name in text


def test_thumbnails_and_placeholders_show(tmp_path: Path) -> None:
    from PIL import Image

    g = vp.sample_groups()[1]
    png = tmp_path / "t.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(png)
    thumbs = report.Thumbnails(images={g.keep[0]: png.read_bytes()}, failed=(g.delete[0],))
    page = harness(write(tmp_path, vp.plan([g]), thumbnails=thumbs))
    probe = (
        "<script>addEventListener('load', function () { document.body.dataset.loaded = "
        "Array.from(document.images).map(function (i) { return i.naturalWidth; }).join(' '); });</script>"
    )
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    dom = chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", page.as_uri())
    assert body_attr(dom, "data-loaded") == "64"  # the embedded image decoded
    assert dom.count('class="ph"') == 1


def test_screenshot_shows_the_loss_and_the_keeper_in_colour(tmp_path: Path) -> None:
    from PIL import Image

    page = write(tmp_path, vp.plan(vp.sample_groups()))
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri())
    colours = {rgb for _, rgb in Image.open(shot).convert("RGB").getcolors(1 << 20) or []}
    assert (0xFD, 0xE8, 0xE8) in colours  # the red background of a value a deletion would lose
    assert (0xE5, 0xF5, 0xEA) in colours  # the keeper column


@pytest.mark.slow
def test_two_thousand_groups_load(tmp_path: Path) -> None:
    plan = vp.big_plan(2000)
    dom = dump_dom(tmp_path, write(tmp_path, plan), "#review")
    assert dom.count('<article class="card"') == 2000
    assert shown(dom) == 400
