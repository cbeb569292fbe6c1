"""report: one offline HTML page; every server string escaped; thumbnails fetched in parallel."""

from __future__ import annotations

import base64
import hashlib
import re
import stat
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from immich_dedupe import report, triage
from immich_dedupe.errors import ProtocolError, ServerUnavailable, UsageError
from tests import factories as f
from tests import view_plans as vp

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


class Page(HTMLParser):
    """Elements and attributes of a page, and the text of its <style> and <script> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.raw: dict[str, list[str]] = {"style": [], "script": []}
        self.text: list[str] = []
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.raw[self._in].append(data)
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def with_class(self, cls: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if cls in (a.get("class") or "").split()]


def page_of(plan: object, **kwargs: object) -> Page:
    return Page(report.render_report(plan, **kwargs))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- content


def test_one_card_per_group_in_the_order_that_needs_a_look() -> None:
    page = page_of(vp.plan(vp.sample_groups()))
    cards = page.all("article")
    assert [c["id"] for c in cards] == [f"g-{vp.REVIEW_ID}", f"g-{vp.DIFFERS_ID}", f"g-{vp.PLAIN_ID}"]
    assert [c["data-action"] for c in cards] == ["review", "resolve", "resolve"]
    assert ["data-differs" in c for c in cards] == [False, True, False]


def test_summary_figures_and_why_each_pick_differs() -> None:
    html = report.render_report(vp.plan(vp.sample_groups()))
    text = "".join(Page(html).text)
    assert "3groups" in text and "1need review" in text and "1differ from Immich's pick" in text
    assert "Immich keeps the larger IMG_0002.jpg, which has no GPS, capture date or camera" in text
    assert "We keep IMG_0002.HEIC · Immich would keep IMG_0002.jpg" in text
    assert "A plain resolve would lose: description, rating" in text


def test_facts_tables_are_open_only_where_a_person_should_look() -> None:
    html = report.render_report(vp.plan(vp.sample_groups()))
    cards = re.findall(r'<article class="card" id="g-([^"]+)".*?</article>', html)
    details = dict(zip(cards, re.findall(r"<details( open)?>", html), strict=True))
    assert details == {vp.REVIEW_ID: " open", vp.DIFFERS_ID: " open", vp.PLAIN_ID: ""}


def test_lost_values_and_the_keeper_column_are_marked() -> None:
    page = page_of(vp.plan([vp.sample_groups()[2]]))
    html = report.render_report(vp.plan([vp.sample_groups()[2]]))
    lost_cells = re.findall(r'<td class="l">([^<]*)', html)
    assert lost_cells == ["Grandma&#x27;s 90th birthday", "5 of 5"]
    assert len(page.with_class("k")) > 10  # header + each fact row of the keeper column
    assert "KEEP" in page.text and "Immich’s pick" in page.text


def test_empty_plan_says_so() -> None:
    assert "no duplicate groups" in report.render_report(vp.plan([]))


# --------------------------------------------------------------------------- safety


HOSTILE = [
    "<script>document.title='pwned'</script>.jpg",
    '"><img src=x onerror=alert(1)>.jpg',
    "</textarea></style></script><svg onload=alert(1)>.png",
    'a&amp;b\'s "quoted".jpg',
]


def test_every_server_string_is_escaped() -> None:
    g = vp.group(
        [f.photo(HOSTILE[0], description="<b>bold</b>"), *(f.bare(n) for n in HOSTILE[1:])],
        immich_keep=1,
        action="review",
        lost=("description: <i>x</i>",),
        reasons=(f"Immich keeps {HOSTILE[1]}",),
        duplicate_id='dup"><script>alert(2)</script>',
    )
    html = report.render_report(vp.plan([g]))
    page = Page(html)
    assert len(page.all("script")) == 1  # ours, at the end
    assert not page.all("svg")
    assert page.all("img") == []  # no thumbnails asked for: the hostile <img> stayed text
    assert not any(k.startswith("on") for _, a in page.tags for k in a)
    text = "".join(page.text)
    for name in HOSTILE:
        assert name in text  # shown literally, as the user named the file
    assert "pwned" not in "".join(page.raw["script"])


def test_the_page_loads_nothing_from_anywhere() -> None:
    groups = vp.sample_groups()
    thumbs = report.Thumbnails(images={a.id: JPEG for g in groups for a in g.assets})
    page = page_of(vp.plan(groups), thumbnails=thumbs)
    for tag, attrs in page.tags:
        for key in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(key)
            if value is not None:
                assert value.startswith(("data:image/", "#")), (tag, key, value[:60])
    assert not page.all("link") and not page.all("iframe") and not page.all("object")
    css = "".join(page.raw["style"])
    assert "url(" not in css and "@import" not in css
    assert "fetch(" not in "".join(page.raw["script"]) and "XMLHttpRequest" not in "".join(page.raw["script"])


def test_content_security_policy_allows_exactly_our_style_and_script() -> None:
    page = page_of(vp.plan(vp.sample_groups()))
    (meta,) = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    csp = meta["content"] or ""

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert "default-src 'none'" in csp and "img-src data:" in csp
    assert f"style-src {digest(''.join(page.raw['style']))}" in csp
    assert f"script-src {digest(''.join(page.raw['script']))}" in csp
    assert "unsafe-inline" not in csp
    assert not any("style" in a for _, a in page.tags)  # inline style attributes would be blocked


# --------------------------------------------------------------------------- thumbnails


def test_thumbnails_are_embedded_with_their_sniffed_type_and_failures_get_a_placeholder() -> None:
    g = vp.sample_groups()[1]
    keep_id, other_id = g.keep[0], g.delete[0]
    thumbs = report.Thumbnails(images={keep_id: WEBP}, failed=(other_id,))
    page = page_of(vp.plan([g]), thumbnails=thumbs)
    (img,) = page.all("img")
    assert img["src"] == "data:image/webp;base64," + base64.b64encode(WEBP).decode()
    assert len(page.with_class("ph")) == 1
    assert "1 thumbnails could not be fetched" in " ".join(page.text)


def test_fetch_thumbnails_runs_in_parallel_within_the_bound() -> None:
    ids = [f.new_id(i) for i in range(1, 25)]
    lock = threading.Lock()
    running, peak = 0, 0

    def fetch(asset_id: str) -> bytes:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01)
        with lock:
            running -= 1
        return JPEG

    result = report.fetch_thumbnails(ids + ids[:3], fetch, workers=4)
    assert set(result.images) == set(ids) and result.failed == ()
    assert 1 < peak <= 4


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def start(self, task: str, *, total: float | None = None, unit: str = "items") -> None:
        self.events.append(("start", total))

    def advance(self, task: str, amount: float = 1) -> None:
        self.events.append(("advance", amount))

    def finish(self, task: str) -> None:
        self.events.append(("finish", None))

    def note(self, text: str) -> None:
        self.events.append(("note", text))


def test_failed_or_non_image_thumbnails_are_counted_not_fatal() -> None:
    ids = [f.new_id(i) for i in range(1, 7)]

    def fetch(asset_id: str) -> bytes:
        if asset_id == ids[1]:
            raise ProtocolError("GET /assets/{id}/thumbnail: 400 Not found or no asset.view access")
        if asset_id == ids[2]:
            return b"<html>not an image</html>"
        return PNG

    progress = Recorder()
    result = report.fetch_thumbnails(ids, fetch, workers=3, progress=progress)
    assert result.failed == (ids[1], ids[2])
    assert set(result.images) == set(ids) - {ids[1], ids[2]}
    assert not result.stopped_early
    assert progress.events[0] == ("start", 6)
    assert progress.events.count(("advance", 1)) == 6
    assert progress.events[-1] == ("finish", None)


def test_an_unreachable_server_stops_the_fetching() -> None:
    ids = [f.new_id(i) for i in range(1, 101)]
    calls: list[str] = []

    def fetch(asset_id: str) -> bytes:
        calls.append(asset_id)
        raise ServerUnavailable("cannot reach the server")

    result = report.fetch_thumbnails(ids, fetch, workers=2)
    assert result.stopped_early
    assert len(result.failed) == 100 and not result.images
    assert len(calls) <= 4  # at most what was already running, not one timeout per asset


@pytest.mark.parametrize(
    ("data", "mime"),
    [(JPEG, "image/jpeg"), (WEBP, "image/webp"), (PNG, "image/png"), (b"GIF89a...", "image/gif")],
)
def test_image_type_sniffs_what_we_embed(data: bytes, mime: str) -> None:
    assert report.image_type(data) == mime


def test_image_type_rejects_anything_else() -> None:
    assert report.image_type(b"<svg onload=alert(1)>") is None
    assert report.image_type(b"") is None


# --------------------------------------------------------------------------- file


def test_write_report_is_owner_only_and_replaces_an_old_file(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    size = report.write_report(vp.plan(vp.sample_groups()), out)
    assert out.stat().st_size == size
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_large_plan_gives_a_lean_page() -> None:
    html = report.render_report(vp.big_plan(500))
    assert html.count("<article") == 500
    assert len(html.encode()) < 2 * 1024 * 1024  # about 2.7 KB per group of 2-4 copies
    assert html.count("<details open>") == 100 + 100  # review and differs groups only


@pytest.fixture(scope="module")
def plain_structure() -> list[str]:
    g = vp.group([f.photo("a.jpg"), f.bare("b.jpg")], immich_keep=1, reasons=("keeps a.jpg",))
    return [t for t, _ in page_of(vp.plan([g])).tags]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_file_name_stays_text(plain_structure: list[str], name: str) -> None:
    g = vp.group([f.photo(name), f.bare("b.jpg")], immich_keep=1, reasons=(f"keeps {name}",))
    page = page_of(vp.plan([g]))
    assert [t for t, _ in page.tags] == plain_structure  # the name added no element
    assert triage.printable(name) in "".join(page.text)


def test_an_unwritable_output_is_a_clear_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write the report to .*no-such-dir"):
        report.write_report(vp.plan(vp.sample_groups()), tmp_path / "no-such-dir" / "report.html")
