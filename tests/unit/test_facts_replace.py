"""facts.replace_asset: the cheap copy analyze uses to give every asset its albums."""

from __future__ import annotations

import attrs
import pytest

from immich_dedupe.facts import AssetFacts, replace_asset


def _asset() -> AssetFacts:
    return AssetFacts(id="a1", duplicate_id="d1", latitude=48.85, longitude=2.29, tags=("x",), albums=None)


def test_replace_asset_equals_attrs_evolve_and_leaves_the_original_alone() -> None:
    original = _asset()
    copy = replace_asset(original, albums=("album-1",))
    assert copy == attrs.evolve(original, albums=("album-1",))
    assert type(copy) is AssetFacts
    assert original.albums is None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.albums = ()  # type: ignore[misc]


def test_replace_asset_refuses_an_unknown_field() -> None:
    with pytest.raises(AttributeError, match="albumz"):
        replace_asset(_asset(), albumz=())
