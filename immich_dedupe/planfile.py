"""The plan as a file: deterministic JSON bytes, loading with validation, fingerprints, digests.

A plan is meant to be read, audited, edited and diffed by a person, so ``dumps_plan`` writes
the same bytes for the same analysis: keys sorted, 2-space indent, UTF-8, a trailing
newline, groups sorted by ``duplicate_id``, each group's assets in a canonical order (oldest
``local_date_time`` first, then id) and ``keep``/``delete``/``immich_keep`` in that same
order. The only field that differs between two runs on an unchanged server is
``generated_at``.

``load_plan`` trusts nothing: size limit, JSON syntax (line and column), schema version,
JSON Schema (``plan.schema.json``, shipped in the package), then the semantic checks of
``validate_plan`` — the ones ``execute`` relies on. Every problem is a ``PlanError`` naming
the group and what is wrong. The format is described in ``docs/plan-format.md``.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from json.encoder import encode_basestring as _encode_str  # C-accelerated
from pathlib import Path
from typing import Any

import attrs

from immich_dedupe import durable, schemacheck
from immich_dedupe.errors import PlanError, UsageError
from immich_dedupe.facts import AssetFacts
from immich_dedupe.plan import (
    ACTIONS,
    SCHEMA_VERSION,
    GroupPlan,
    Plan,
    PlannedAsset,
    PlanServer,
    Summary,
)

__all__ = [
    "MAX_PLAN_BYTES",
    "PLAN_FILE_MODE",
    "SUPPORTED_SCHEMA_VERSIONS",
    "canonical_plan",
    "dumps_plan",
    "group_fingerprint",
    "load_plan",
    "loads_plan",
    "plan_digest",
    "plan_schema",
    "validate_plan",
    "write_plan",
]

# Version 1 (resolve/review/skip) still reads, and is written back as version 1 (byte for byte,
# so its digest, and an interrupted execute of it, survive an upgrade). Analyze writes 2.
SUPPORTED_SCHEMA_VERSIONS: tuple[int, ...] = (1, SCHEMA_VERSION)
_V2_SUMMARY = ("stack", "dismiss")  # summary counts that version 1 files do not have

# Measured: ~6 KB per two-asset group with every fact present, so 100,000 groups are ~600 MB
# and ~900 MB with three-asset groups. 2 GiB lets that through with room, and refuses files
# no analysis of a real library produces (loading one would take tens of GB of memory).
MAX_PLAN_BYTES = 2 * 1024**3

# Plans hold file paths and GPS coordinates of a private library: owner-only, like backups.
PLAN_FILE_MODE = 0o600

_MAX_POLICY_DEPTH = 16
_SNIFF_ABOVE = 1024**2  # bigger files are sniffed before being read whole
_SNIFF_BYTES = 64 * 1024
_MAX_REPORTED = 5  # problems listed in one PlanError; the rest are counted…
_MAX_COUNTED = 1000  # …up to here: a plan broken everywhere must not cost a message per asset
_MAX_MESSAGE = 200  # characters of one schema message (they can quote huge instances)

_ASSET_FIELDS: tuple[attrs.Attribute[Any], ...] = tuple(attrs.fields(AssetFacts))
# Fields stored as tuples in the records and as JSON arrays in the file.
_TUPLE_FIELDS = frozenset(f.name for f in _ASSET_FIELDS if str(f.type).startswith("tuple"))


# --------------------------------------------------------------------------- fingerprints


def group_fingerprint(assets: Iterable[AssetFacts | PlannedAsset]) -> str:
    """sha256 (hex) over the sorted lines ``"<id>:<checksum>:<file_size>"``, joined by newlines.

    ``file_size`` None is written as an empty string. Order-independent, so the planner and
    ``validate_plan`` agree whatever order they see the members in. It changes when a
    member is added, removed or replaced, or when an asset's checksum or size is edited.
    """
    lines = []
    for item in assets:
        a = item.asset if isinstance(item, PlannedAsset) else item
        size = "" if a.file_size is None else str(a.file_size)
        lines.append(f"{a.id}:{a.checksum}:{size}")
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- writing


def canonical_plan(plan: Plan) -> Plan:
    """The same plan in the order ``dumps_plan`` writes it (see the module docstring)."""
    return attrs.evolve(
        plan, groups=tuple(sorted((_canonical_group(g) for g in plan.groups), key=_group_key))
    )


def dumps_plan(plan: Plan) -> bytes:
    """The plan as deterministic UTF-8 JSON bytes (same plan, same bytes; any input order)."""
    return _dumps(_plan_to_json(canonical_plan(plan)))


def plan_digest(plan: Plan) -> str:
    """sha256 (hex) of ``dumps_plan`` without ``generated_at``: what an execute journal binds to.

    Any edit (an action, a keep list) changes it; re-writing the same plan later does not.
    """
    doc = _plan_to_json(canonical_plan(plan))
    del doc["generated_at"]
    return hashlib.sha256(_dumps(doc)).hexdigest()


def write_plan(plan: Plan, path: Path | str) -> None:
    """Validate, then write atomically (mode 0600) to ``path``; ``-`` writes to stdout.

    A plan that ``load_plan`` would refuse is never written: that is a bug upstream, and
    failing at analyze beats failing at execute.
    """
    validate_plan(plan)
    data = dumps_plan(plan)
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        durable.atomic_write(Path(path), data, mode=PLAN_FILE_MODE)
    except OSError as err:
        raise UsageError(f"cannot write the plan to {path}: {err.strerror or err}") from err


def _canonical_group(g: GroupPlan) -> GroupPlan:
    assets = tuple(sorted(g.assets, key=_asset_key))
    rank = {a.asset.id: i for i, a in enumerate(assets)}

    def ordered(ids: Sequence[str]) -> tuple[str, ...]:
        # Unknown ids (an invalid plan) go last, in their own order: dumps never hides them.
        return tuple(sorted(ids, key=lambda i: rank.get(i, len(rank))))

    return attrs.evolve(
        g, assets=assets, keep=ordered(g.keep), delete=ordered(g.delete), immich_keep=ordered(g.immich_keep)
    )


def _group_key(g: GroupPlan) -> str:
    return g.duplicate_id


def _asset_key(a: PlannedAsset) -> tuple[str, str]:
    # The server orders by localDateTime with ties unspecified; the id makes ties stable.
    return (a.asset.local_date_time or "", a.asset.id)


def _dumps(doc: Mapping[str, Any]) -> bytes:
    """``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)`` + newline.

    Written out here because Python 3.11's json falls back to its pure-Python encoder when
    ``indent`` is set, which made writing the plan analyze's slowest step; this is about
    twice as fast and produces the same bytes (a property test compares the two).
    """
    out: list[str] = []
    _encode(doc, 0, out)
    out.append("\n")
    # A lone surrogate (a file name that was not valid Unicode) cannot be UTF-8 encoded;
    # backslashreplace writes it as the JSON escape \udXXX, which loads back exactly.
    return "".join(out).encode("utf-8", "backslashreplace")


_NEWLINES = tuple("\n" + "  " * depth for depth in range(64))  # plans nest < 10, policies <= 16


def _encode(value: Any, depth: int, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(_encode_str(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written to a plan: JSON has no NaN or Infinity")
        out.append(float.__repr__(value))
    elif isinstance(value, Mapping):  # dicts, and MappingProxyType in frozen records
        if not value:
            out.append("{}")
            return
        inner = _NEWLINES[depth + 1]
        sep = "{" + inner
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError(f"plan keys must be strings, not {type(key).__name__}")
            out.append(sep)
            out.append(_encode_str(key))
            out.append(": ")
            _encode(value[key], depth + 1, out)
            sep = "," + inner
        out.append(_NEWLINES[depth])
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = _NEWLINES[depth + 1]
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _encode(item, depth + 1, out)
            sep = "," + inner
        out.append(_NEWLINES[depth])
        out.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _plan_to_json(plan: Plan) -> dict[str, Any]:
    return {
        "schema_version": plan.schema_version,
        "generated_at": plan.generated_at,
        "tool_version": plan.tool_version,
        "source": plan.source,
        "server": None if plan.server is None else {"url": plan.server.url, "version": plan.server.version},
        "policy": plan.policy,
        "summary": _summary_to_json(plan),
        "groups": [_group_to_json(g) for g in plan.groups],
    }


def _summary_to_json(plan: Plan) -> dict[str, Any]:
    summary = attrs.asdict(plan.summary)
    if plan.schema_version < 2:
        for key in _V2_SUMMARY:
            del summary[key]
    return summary


def _group_to_json(g: GroupPlan) -> dict[str, Any]:
    return {
        "duplicate_id": g.duplicate_id,
        "action": g.action,
        "keep": list(g.keep),
        "delete": list(g.delete),
        "immich_keep": list(g.immich_keep),
        "differs_from_immich": g.differs_from_immich,
        "reasons": list(g.reasons),
        "lost_if_resolved": list(g.lost_if_resolved),
        "fingerprint": g.fingerprint,
        "assets": [_asset_to_json(a) for a in g.assets],
    }


def _asset_to_json(pa: PlannedAsset) -> dict[str, Any]:
    # Flat: the server's facts about the asset beside its score, one object per member.
    doc: dict[str, Any] = {f.name: getattr(pa.asset, f.name) for f in _ASSET_FIELDS}
    doc["score"] = pa.score
    doc["breakdown"] = pa.breakdown
    doc["facts"] = pa.facts
    return doc


# --------------------------------------------------------------------------- reading


def load_plan(path: Path | str) -> Plan:
    """Read, check and convert a plan file (``-`` reads stdin). Raises ``PlanError`` only.

    Checks, in order: size (``MAX_PLAN_BYTES``), UTF-8 and JSON syntax, ``schema_version``,
    the JSON Schema, then ``validate_plan``. Messages start with the file name.
    """
    name = str(path)
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_PLAN_BYTES + 1)
        else:
            p = Path(path)
            size = p.stat().st_size
            if size > MAX_PLAN_BYTES:
                raise PlanError(_too_big(name, size))
            if size > _SNIFF_ABOVE:
                with p.open("rb") as f:
                    _sniff(f.read(_SNIFF_BYTES), name)
            data = p.read_bytes()
    except FileNotFoundError as err:
        raise PlanError(f"{name}: no such plan file (write one with `immich-dedupe analyze`)") from err
    except OSError as err:
        raise PlanError(f"{name}: cannot read the plan: {err.strerror or err}") from err
    return loads_plan(data, name=name)


def loads_plan(data: bytes, *, name: str = "the plan") -> Plan:
    """``load_plan`` for bytes already in memory; ``name`` labels messages."""
    if len(data) > MAX_PLAN_BYTES:
        raise PlanError(_too_big(name, len(data)))
    doc = _parse_json(data, name)
    _check_schema_version(doc, name)
    _check_schema(doc, name)
    if _depth(doc["policy"]) > _MAX_POLICY_DEPTH:  # the one free-form part; the writer nests 64 deep
        raise PlanError(
            f"{name}: the policy is nested more than {_MAX_POLICY_DEPTH} levels deep; "
            "immich-dedupe did not write it"
        )
    plan = _plan_from_json(doc)
    try:
        validate_plan(plan)
    except PlanError as err:
        raise PlanError(f"{name}: {err}") from err
    return plan


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the plan file, as shipped in the package."""
    text = resources.files("immich_dedupe").joinpath("plan.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _schema_check() -> schemacheck.Check:
    return schemacheck.compile_schema(plan_schema())


def _too_big(name: str, size: int) -> str:
    return (
        f"{name} is {size / 1024**2:,.0f} MiB; plans over {MAX_PLAN_BYTES // 1024**3} GiB are refused "
        "(far beyond any real library's plan: is this file really a plan?)"
    )


class _BadJson(ValueError):
    """Valid to Python's parser, but not to us: a repeated key, NaN or Infinity."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two "keep" keys; an edit must not be ambiguous.
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                gid = doc.get("duplicate_id")
                where = f" in group {gid}" if isinstance(gid, str) else ""
                raise _BadJson(f"the key {key!r} appears twice in one object{where}; keep only one")
            seen.add(key)
    return doc


def _reject_constant(token: str) -> Any:
    raise _BadJson(f"{token} is not a JSON number")


def _parse_json(data: bytes, name: str) -> Any:
    try:
        text = data.decode("utf-8-sig")  # tolerate a BOM some editors add
    except UnicodeDecodeError as err:
        raise PlanError(f"{name} is not UTF-8 text (byte {err.start}): is this a plan file?") from err
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        raise PlanError(
            f"{name} is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from err
    except _BadJson as err:
        raise PlanError(f"{name}: {err}") from err
    except RecursionError as err:  # the parser's nesting limit, not a bug
        raise PlanError(f"{name} is not a plan: its JSON is nested too deeply") from err


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0); iterative, so any depth."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        node, level = todo.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is not None:
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in children)
    return deepest


def _sniff(head: bytes, name: str) -> None:
    """Refuse a big file that cannot be a plan from its first bytes, before reading it whole.

    A video or disk image given by mistake would otherwise cost its size in memory, twice.
    """
    head = head.removeprefix(b"\xef\xbb\xbf")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.end < len(head):  # not just a character cut at the end of the sample
            raise PlanError(f"{name} is not UTF-8 text (byte {err.start}): is this a plan file?") from err
    if not head.lstrip(b" \t\r\n").startswith(b"{"):
        raise PlanError(f"{name} is not a plan: it does not start with a JSON object")
    control = next((i for i, b in enumerate(head) if b < 0x20 and b not in b"\t\r\n"), None)
    if control is not None:  # JSON text never holds a raw control byte
        raise PlanError(f"{name} is not a plan: it holds binary data (byte {control})")


def _check_schema_version(doc: Any, name: str) -> None:
    if not isinstance(doc, dict):
        raise PlanError(f"{name} is not a plan: expected a JSON object with a schema_version")
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise PlanError(f"{name} has no integer schema_version: it is not a plan written by immich-dedupe")
    newest = max(SUPPORTED_SCHEMA_VERSIONS)
    if version > newest:
        raise PlanError(
            f"{name}: plan schema version {version} is newer than this tool supports "
            f"(up to {newest}); upgrade immich-dedupe"
        )
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise PlanError(f"{name}: unknown plan schema version {version}")


def _check_schema(doc: dict[str, Any], name: str) -> None:
    """JSON Schema validation with ``schemacheck`` (see there why not jsonschema at run time)."""
    errors = schemacheck.collect(_schema_check(), doc, limit=_MAX_COUNTED)
    if not errors:
        return
    lines = [f"{_where(doc, path)}: {_short(message)}" for path, message in errors[:_MAX_REPORTED]]
    if len(errors) > _MAX_REPORTED:
        at_least = "at least " if len(errors) >= _MAX_COUNTED else ""
        lines.append(f"… and {at_least}{len(errors) - _MAX_REPORTED} more")
    raise PlanError(f"{name} does not match the plan format:\n  " + "\n  ".join(lines))


def _where(doc: dict[str, Any], path: Sequence[str | int]) -> str:
    """``groups[12].keep[0]`` plus the group's id when the path is inside a group."""
    if not path:
        return "(top level)"
    text = str(path[0])
    for part in path[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    if path[0] == "groups" and len(path) > 1 and isinstance(path[1], int):
        groups = doc.get("groups")
        group = groups[path[1]] if isinstance(groups, list) and path[1] < len(groups) else None
        gid = group.get("duplicate_id") if isinstance(group, dict) else None
        if isinstance(gid, str):
            return f"group {gid} ({text})"
    return text


def _short(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _plan_from_json(doc: Mapping[str, Any]) -> Plan:
    """Schema-valid JSON → records. Exact inverse of ``_plan_to_json``."""
    server = doc["server"]
    return Plan(
        schema_version=doc["schema_version"],
        generated_at=doc["generated_at"],
        tool_version=doc["tool_version"],
        source=doc["source"],
        server=None if server is None else PlanServer(url=server["url"], version=server["version"]),
        policy=doc["policy"],
        summary=Summary(**doc["summary"]),
        groups=tuple(_group_from_json(g) for g in doc["groups"]),
    )


def _group_from_json(g: Mapping[str, Any]) -> GroupPlan:
    return GroupPlan(
        duplicate_id=g["duplicate_id"],
        action=g["action"],
        keep=tuple(g["keep"]),
        delete=tuple(g["delete"]),
        immich_keep=tuple(g["immich_keep"]),
        differs_from_immich=g["differs_from_immich"],
        reasons=tuple(g["reasons"]),
        lost_if_resolved=tuple(g["lost_if_resolved"]),
        assets=tuple(_asset_from_json(a) for a in g["assets"]),
        fingerprint=g["fingerprint"],
    )


def _asset_from_json(d: Mapping[str, Any]) -> PlannedAsset:
    fields = {}
    for f in _ASSET_FIELDS:
        value = d[f.name]
        fields[f.name] = tuple(value) if f.name in _TUPLE_FIELDS and value is not None else value
    return PlannedAsset(
        asset=AssetFacts(**fields), score=d["score"], breakdown=d["breakdown"], facts=d["facts"]
    )


# --------------------------------------------------------------------------- semantics


def validate_plan(plan: Plan) -> None:
    """The checks ``execute`` relies on; raises one ``PlanError`` listing the first problems.

    Per group: a known action; no asset listed twice among the members; every id in keep
    and delete is a member; no id twice in keep or delete, none in both; for
    ``resolve``, keep is non-empty and every member is in keep or delete; for ``stack``,
    keep is non-empty (its best-scored id goes on top) and delete is empty; for
    ``dismiss``, delete is empty; the fingerprint
    matches the members (tamper and damage detection). Across groups: no group twice and
    no asset in two groups. The summary is informational and not checked.
    """
    if plan.schema_version not in SUPPORTED_SCHEMA_VERSIONS:
        raise PlanError(f"unknown plan schema version {plan.schema_version}")
    problems = list(itertools.islice(_problems(plan), _MAX_REPORTED + 1))
    if not problems:
        return
    if len(problems) == 1:
        raise PlanError(problems[0])
    shown = problems[:_MAX_REPORTED]
    more = "\n  … and more" if len(problems) > _MAX_REPORTED else ""
    raise PlanError("the plan has problems:\n  " + "\n  ".join(shown) + more)


def _problems(plan: Plan) -> Iterator[str]:
    owner: dict[str, str] = {}  # asset id → the group it was first seen in
    seen_groups: set[str] = set()
    for g in plan.groups:
        gid = g.duplicate_id
        if gid in seen_groups:
            yield f"group {gid} appears twice in the plan"
            continue
        seen_groups.add(gid)
        yield from (f"group {gid}: {p}" for p in _group_problems(g))
        for a in g.assets:
            first = owner.setdefault(a.asset.id, gid)
            if first != gid:
                yield f"group {gid}: asset {a.asset.id} also belongs to group {first}"


def _group_problems(g: GroupPlan) -> Iterator[str]:
    if g.action not in ACTIONS:
        yield f"unknown action {g.action!r} (expected {', '.join(ACTIONS)})"
    members: set[str] = set()
    for a in g.assets:
        if a.asset.id in members:
            yield f"asset {a.asset.id} is listed twice among the group's assets"
        members.add(a.asset.id)
    for list_name, ids in (("keep", g.keep), ("delete", g.delete)):
        seen: set[str] = set()
        for i in ids:
            if i not in members:
                yield f"{list_name} names {i}, which is not a member of this group"
            elif i in seen:
                yield f"{list_name} lists {i} twice"
            seen.add(i)
    for i in sorted(set(g.keep) & set(g.delete)):
        yield f"asset {i} is in both keep and delete"
    if g.action == "resolve":
        if not g.keep:
            yield "action resolve needs at least one asset in keep (a resolve never deletes every copy)"
        listed = set(g.keep) | set(g.delete)
        for a in g.assets:
            if a.asset.id not in listed:
                yield f"member {a.asset.id} is in neither keep nor delete (resolve must place every member)"
    if g.action in ("stack", "dismiss") and g.delete:
        what = "stacks every member" if g.action == "stack" else "takes the group off Immich's list"
        yield (
            f"action {g.action} deletes nothing (it {what}), but delete lists "
            f"{', '.join(g.delete)}: empty delete, or choose resolve"
        )
    if g.action == "stack" and not g.keep:
        yield "action stack needs at least one id in keep (the best-scored one goes on top of the stack)"
    if g.fingerprint != group_fingerprint(g.assets):
        yield (
            "fingerprint does not match the group's assets: an asset's id, checksum or size was "
            "changed or a member added or removed (only action, keep and delete may be edited)"
        )
