from __future__ import annotations

import pytest

from immich_dedupe.errors import UsageError
from immich_dedupe.settings import ConnectionSettings, Secret, normalize_base_url


@pytest.mark.parametrize(
    "given",
    [
        "https://photos.example.com",
        "https://photos.example.com/",
        "https://photos.example.com/api",
        "https://photos.example.com/api/",
        "  https://photos.example.com/api  ",
    ],
)
def test_urls_with_or_without_api_suffix_normalise_to_one_base(given: str) -> None:
    assert normalize_base_url(given) == "https://photos.example.com/api"


def test_url_under_a_subpath_keeps_the_subpath() -> None:
    assert normalize_base_url("http://nas.lan:2283/immich") == "http://nas.lan:2283/immich/api"


@pytest.mark.parametrize(
    ("given", "says"),
    [("", "empty"), ("photos.example.com", "no scheme"), ("ftp://x", "http:// or https://")],
)
def test_bad_urls_are_usage_errors_that_say_why(given: str, says: str) -> None:
    with pytest.raises(UsageError, match=says):
        normalize_base_url(given)


def test_flags_win_over_environment() -> None:
    env = {"IMMICH_URL": "http://env:2283", "IMMICH_API_KEY": "envkey"}
    s = ConnectionSettings.from_sources(url="http://flag:2283", api_key="flagkey", environ=env)
    assert s.base_url == "http://flag:2283/api"
    assert s.api_key.reveal() == "flagkey"


def test_immich_cli_variable_is_accepted_when_ours_is_absent() -> None:
    env = {"IMMICH_INSTANCE_URL": "http://cli:2283/api", "IMMICH_API_KEY": "k"}
    s = ConnectionSettings.from_sources(url=None, api_key=None, environ=env)
    assert s.base_url == "http://cli:2283/api"


def test_ours_wins_over_immich_cli_variable() -> None:
    env = {"IMMICH_URL": "http://ours", "IMMICH_INSTANCE_URL": "http://cli", "IMMICH_API_KEY": "k"}
    assert ConnectionSettings.from_sources(url=None, api_key=None, environ=env).base_url == "http://ours/api"


def test_missing_url_or_key_names_both_ways_to_give_it() -> None:
    with pytest.raises(UsageError, match="--url or set IMMICH_URL"):
        ConnectionSettings.from_sources(url=None, api_key="k", environ={})
    with pytest.raises(UsageError, match="IMMICH_API_KEY"):
        ConnectionSettings.from_sources(url="http://x", api_key=None, environ={})


def test_the_key_never_shows_in_repr_or_str() -> None:
    key = "sentinel-key-4f1c9a"
    s = ConnectionSettings.from_sources(url="http://x", api_key=key, environ={})
    for text in (repr(s), str(s), repr(s.api_key), str(s.api_key), f"{s}", f"{s.api_key!r}"):
        assert key not in text
    assert Secret("x").reveal() == "x"
