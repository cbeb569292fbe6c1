"""Load and validate the TOML scoring policy into a frozen ``Policy``.

The built-in default lives in ``policy/default.toml`` (its comments give the rationale for
every weight). A user's file is laid over the default, so it only needs the keys it
changes; every key is checked, and an unknown key or a bad value raises ``UsageError``
naming the file, the key and the value, because a typo must never silently fall back to a
default. Reading the file is the only I/O here.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from immich_dedupe.errors import UsageError

__all__ = [
    "BUILT_IN",
    "CARRIED_FACTS",
    "ON_CONFLICT",
    "ON_LOSS",
    "TIE_BREAKERS",
    "WEIGHTED_FACTS",
    "Policy",
    "load_policy",
]

BUILT_IN = "built-in"

# Every fact that earns points, in display order. ``pixels`` is a fact too (see scoring),
# but it only scores through the ``pixels`` tie-breaker.
WEIGHTED_FACTS: tuple[str, ...] = (
    "gps",
    "place",
    "time_zone",
    "capture_date",
    "camera_make",
    "camera_model",
    "lens",
    "f_number",
    "exposure_time",
    "iso",
    "focal_length",
    "people",
    "live_photo",
    "description",
    "rating",
    "favorite",
    "visibility",
    "albums",
    "tags",
)
# Facts that execute carries to the keeper (Immich's resolve merge does the same with one
# keeper), so they are not lost when only a deleted copy has them, unless
# ``carry_immich_facts`` is false.
CARRIED_FACTS: frozenset[str] = frozenset(
    {"favorite", "rating", "description", "visibility", "albums", "tags"}
)
TIE_BREAKERS: tuple[str, ...] = ("pixels", "format", "file_size")
ON_LOSS: tuple[str, ...] = ("review", "keep_both")
# What to do with a group the no-loss rule sends to review because every copy holds a fact the
# keeper lacks: leave it for a person, or stack it (keep every copy, the keeper on top).
ON_CONFLICT: tuple[str, ...] = ("review", "stack")

_TOP_KEYS = ("name", "weights", "tie_breakers", "rules")
_RULE_KEYS = (
    "gps_conflict_km",
    "time_tolerance_seconds",
    "pixel_tolerance",
    "on_loss",
    "on_conflict",
    "carry_immich_facts",
)


@attrs.frozen(kw_only=True)
class Policy:
    """A validated policy. Build one with ``load_policy``; tests may ``attrs.evolve`` it.

    ``weights`` has one entry per name in ``WEIGHTED_FACTS`` and ``tie_breakers`` one per
    name in ``TIE_BREAKERS``; all are finite and >= 0, and the tie-breakers add up to less
    than the smallest non-zero weight.
    """

    name: str
    source: str  # BUILT_IN, or the path of the user's file as given
    weights: Mapping[str, float]
    tie_breakers: Mapping[str, float]
    gps_conflict_km: float
    time_tolerance_seconds: float
    pixel_tolerance: float
    on_loss: str  # one of ON_LOSS
    carry_immich_facts: bool
    on_conflict: str = "review"  # one of ON_CONFLICT

    def to_json(self) -> dict[str, Any]:
        """The policy as plain JSON data, recorded in every plan."""
        return {
            "name": self.name,
            "source": self.source,
            "weights": {k: self.weights[k] for k in WEIGHTED_FACTS},
            "tie_breakers": {k: self.tie_breakers[k] for k in TIE_BREAKERS},
            "rules": {
                "gps_conflict_km": self.gps_conflict_km,
                "time_tolerance_seconds": self.time_tolerance_seconds,
                "pixel_tolerance": self.pixel_tolerance,
                "on_loss": self.on_loss,
                "on_conflict": self.on_conflict,
                "carry_immich_facts": self.carry_immich_facts,
            },
        }


def load_policy(path: Path | None) -> Policy:
    """The built-in policy (``path`` None), or the user's file laid over it.

    Raises ``UsageError`` when the file cannot be read, is not valid TOML, has an unknown
    key, or a value of the wrong type or range.
    """
    default_text = resources.files("immich_dedupe").joinpath("policy/default.toml").read_text("utf-8")
    data = _parse(default_text, "the built-in policy")
    source = BUILT_IN
    if path is not None:
        where = f"policy file {path}"
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"{where} does not exist") from None
        except (OSError, UnicodeDecodeError) as err:
            raise UsageError(f"cannot read {where}: {err}") from err
        user = _parse(text, where)
        _overlay(data, user, where)
        if "name" not in user:  # a changed policy must not be recorded as "default"
            data["name"] = Path(path).stem
        source = str(path)
    return _build(data, source, "the built-in policy" if path is None else f"policy file {path}")


# -- helpers ---------------------------------------------------------------------------


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{where} is not valid TOML: {err}") from err


def _overlay(base: dict[str, Any], user: Mapping[str, Any], where: str) -> None:
    """Lay ``user`` over ``base`` section by section, rejecting unknown keys."""
    for key, value in user.items():
        if key not in _TOP_KEYS:
            raise UsageError(f"{where}: unknown key '{key}' (known: {', '.join(_TOP_KEYS)})")
        if key == "name":
            base[key] = value
            continue
        known = {"weights": WEIGHTED_FACTS, "tie_breakers": TIE_BREAKERS, "rules": _RULE_KEYS}[key]
        if not isinstance(value, Mapping):
            raise UsageError(f"{where}: [{key}] must be a table, not {_toml_type(value)}")
        for sub in value:
            if sub not in known:
                hint = _close(sub, known)
                raise UsageError(f"{where}: unknown key '{sub}' in [{key}]{hint} (known: {', '.join(known)})")
        base.setdefault(key, {}).update(value)


def _build(data: Mapping[str, Any], source: str, where: str) -> Policy:
    for key in data:
        if key not in _TOP_KEYS:
            raise UsageError(f"{where}: unknown key '{key}'")
    name = data.get("name", "custom")
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{where}: 'name' must be a non-empty string, got {name!r}")
    weights = {k: _number(data, "weights", k, where) for k in WEIGHTED_FACTS}
    ties = {k: _number(data, "tie_breakers", k, where) for k in TIE_BREAKERS}
    positive = [(w, k) for k, w in weights.items() if w > 0]
    if positive:
        smallest, smallest_key = min(positive)
        total = math.fsum(ties.values())
        if total >= smallest:
            raise UsageError(
                f"{where}: the tie-breakers add up to {total:g}, which must stay below the smallest "
                f"non-zero weight ({smallest:g}, [weights] {smallest_key}) so that a tie-breaker "
                "never outweighs a real fact"
            )
    rules = data.get("rules", {})
    if not isinstance(rules, Mapping):
        raise UsageError(f"{where}: [rules] must be a table")
    for key in rules:
        if key not in _RULE_KEYS:
            raise UsageError(f"{where}: unknown key '{key}' in [rules]")
    gps_km = _number(data, "rules", "gps_conflict_km", where)
    if gps_km <= 0:
        raise UsageError(f"{where}: [rules] gps_conflict_km must be more than 0, got {gps_km:g}")
    on_loss = rules.get("on_loss")
    if on_loss not in ON_LOSS:
        raise UsageError(
            f"{where}: [rules] on_loss must be one of {', '.join(repr(o) for o in ON_LOSS)}, got {on_loss!r}"
        )
    on_conflict = rules.get("on_conflict")
    if on_conflict not in ON_CONFLICT:
        raise UsageError(
            f"{where}: [rules] on_conflict must be one of {', '.join(repr(o) for o in ON_CONFLICT)}, "
            f"got {on_conflict!r}"
        )
    carry = rules.get("carry_immich_facts")
    if not isinstance(carry, bool):
        raise UsageError(f"{where}: [rules] carry_immich_facts must be true or false, got {carry!r}")
    return Policy(
        name=name,
        source=source,
        weights=MappingProxyType(weights),  # read-only: a Policy is a value
        tie_breakers=MappingProxyType(ties),
        gps_conflict_km=gps_km,
        time_tolerance_seconds=_number(data, "rules", "time_tolerance_seconds", where),
        pixel_tolerance=_number(data, "rules", "pixel_tolerance", where),
        on_loss=on_loss,
        carry_immich_facts=carry,
        on_conflict=on_conflict,
    )


def _number(data: Mapping[str, Any], section: str, key: str, where: str) -> float:
    table = data.get(section, {})
    if not isinstance(table, Mapping):
        raise UsageError(f"{where}: [{section}] must be a table")
    if key not in table:
        raise UsageError(f"{where}: [{section}] {key} is missing")
    value = table[key]
    # bool is an int in Python; `gps = true` is a typo, not a weight of 1.
    finite = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    if isinstance(value, bool) or not finite:
        raise UsageError(f"{where}: [{section}] {key} must be a number, got {value!r}")
    if abs(value) > 1e12:
        raise UsageError(f"{where}: [{section}] {key} is far too large")
    if value < 0:
        raise UsageError(f"{where}: [{section}] {key} must be 0 or more, got {value:g}")
    return float(value)


def _close(name: str, known: tuple[str, ...]) -> str:
    import difflib  # only on the error path

    match = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


def _toml_type(value: object) -> str:
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "an array"}.get(
        type(value), type(value).__name__
    )
