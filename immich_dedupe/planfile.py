"""The plan as a file: deterministic JSON bytes, loading with validation, fingerprints, digests.

A plan is meant to be read, audited, edited and diffed by a person, so ``dumps_plan`` writes
the same bytes for the same analysis: keys sorted, 2-space indent (each asset's ``breakdown``,
``facts``, ``tags``, ``people`` and ``albums`` on one line each), UTF-8, a trailing newline,
groups sorted by ``duplicate_id``, each group's assets in a canonical order (oldest
``local_date_time`` first, then id) and ``keep``/``delete``/``immich_keep`` in that same
order. The only field that differs between two runs on an unchanged server is
``generated_at``. ``write_plan`` streams the text to disk group by group
(``iter_plan_bytes``), so memory does not grow with the size of the file.

``load_plan`` trusts nothing: size limit, JSON syntax (line and column), schema version,
JSON Schema (``plan.schema.json``, shipped in the package), then the semantic checks of
``validate_plan`` — the ones ``execute`` relies on. Every problem is a ``PlanError`` naming
the group and what is wrong. The format is described in ``docs/plan-format.md``.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
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
    "iter_plan_bytes",
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


def iter_plan_bytes(plan: Plan) -> Iterator[bytes]:
    """``dumps_plan`` in pieces, about one group each: what ``write_plan`` streams to disk,
    so that writing a plan never holds its whole text in memory."""
    return _encoded(_plan_text(canonical_plan(plan), stamped=True))


def dumps_plan(plan: Plan) -> bytes:
    """The plan as deterministic UTF-8 JSON bytes (same plan, same bytes; any input order)."""
    return b"".join(iter_plan_bytes(plan))


def plan_digest(plan: Plan) -> str:
    """sha256 (hex) of ``dumps_plan`` without ``generated_at``: what an execute journal binds to.

    Any edit (an action, a keep list) changes it; re-writing the same plan later does not.
    """
    digest = hashlib.sha256()
    for chunk in _encoded(_plan_text(canonical_plan(plan), stamped=False)):
        digest.update(chunk)
    return digest.hexdigest()


def write_plan(plan: Plan, path: Path | str) -> None:
    """Validate, then write atomically (mode 0600) to ``path``; ``-`` writes to stdout.

    A plan that ``load_plan`` would refuse is never written: that is a bug upstream, and
    failing at analyze beats failing at execute. The text is streamed, group by group.
    """
    validate_plan(plan)
    _write(iter_plan_bytes(plan), path)


def _write(chunks: Iterable[bytes], path: Path | str) -> None:
    if str(path) == "-":
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        return
    try:
        durable.atomic_write_chunks(Path(path), chunks, mode=PLAN_FILE_MODE)
    except OSError as err:
        raise UsageError(f"cannot write the plan to {path}: {err.strerror or err}") from err


def _canonical_group(g: GroupPlan) -> GroupPlan:
    assets = tuple(sorted(g.assets, key=_asset_key))
    rank = {a.asset.id: i for i, a in enumerate(assets)}

    def ordered(ids: Sequence[str]) -> tuple[str, ...]:
        # Unknown ids (an invalid plan) go last, in their own order: dumps never hides them.
        return tuple(sorted(ids, key=lambda i: rank.get(i, len(rank))))

    keep, delete, immich_keep = ordered(g.keep), ordered(g.delete), ordered(g.immich_keep)
    if (assets, keep, delete, immich_keep) == (g.assets, g.keep, g.delete, g.immich_keep):
        return g  # analyze's groups are in order already: no copy
    return attrs.evolve(g, assets=assets, keep=keep, delete=delete, immich_keep=immich_keep)


def _group_key(g: GroupPlan) -> str:
    return g.duplicate_id


def _asset_key(a: PlannedAsset) -> tuple[str, str]:
    # The server orders by localDateTime with ties unspecified; the id makes ties stable.
    return (a.asset.local_date_time or "", a.asset.id)


# The layout (docs/plan-format.md) is json.dumps(indent=2, sort_keys=True, ensure_ascii=False),
# except that each asset's breakdown, facts and lists (tags, people, albums) are written on
# one line each, compact JSON with ", " and ": ". With ``indent`` set, the standard library
# falls back to its pure-Python encoder; here json's C encoder writes every value of a group
# in one call, and the layout is filled in around them (``_group_text``).


def _default(value: Any) -> Any:
    if isinstance(value, Mapping):  # MappingProxyType in frozen records
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _items_encoder() -> Callable[[Any, int], Sequence[str]]:
    """json's encoder (C when available) with a newline between items: sorted keys, UTF-8
    text, NaN refused."""
    if c_make_encoder is not None:
        # markers=None: no cycle check, a plan is a tree (records cannot hold themselves).
        encoder: Callable[[Any, int], Sequence[str]] = c_make_encoder(
            None, _default, _encode_str, None, ": ", "\n", True, False, False
        )
        return encoder
    fallback = json.JSONEncoder(
        sort_keys=True,
        ensure_ascii=False,
        allow_nan=False,
        check_circular=False,
        separators=("\n", ": "),
        default=_default,
    )
    return lambda value, _level: (fallback.encode(value),)


_NEWLINE = tuple("\n" + "  " * depth for depth in range(8))  # a plan nests 6 deep


def _indented(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it at ``depth`` (the small top-level fields).

    A raw newline never occurs inside encoded JSON values, so every newline is indentation.
    """
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False, default=_default)
    return text.replace("\n", _NEWLINE[depth])


def _encoded(texts: Iterable[str]) -> Iterator[bytes]:
    # A lone surrogate (a file name that was not valid Unicode) cannot be UTF-8 encoded;
    # backslashreplace writes it as the JSON escape \udXXX, which loads back exactly.
    for text in texts:
        yield text.encode("utf-8", "backslashreplace")


def _plan_text(plan: Plan, *, stamped: bool) -> Iterator[str]:
    """The plan's text in pieces (``plan`` in canonical order); without ``generated_at``
    unless ``stamped``. Version 1 plans keep the layout they were written in (below)."""
    top = _top_to_json(plan)
    if not stamped:
        del top["generated_at"]
    if plan.schema_version < 2:
        top["groups"] = [_group_to_json(g) for g in plan.groups]
        yield _legacy_text(top)
        return
    yield from _document_text(top, plan.groups)


def _document_text(top: Mapping[str, Any], groups: Iterable[GroupPlan]) -> Iterator[str]:
    """The document ``top`` + ``"groups"``, one piece per group. ``top`` is read in key order,
    only after the groups for the keys that sort after ``"groups"`` (every key but
    ``generated_at``): a writer that plans as it writes may fill those in at the end."""
    keys = sorted([*top, "groups"])
    text = "{"
    for i, key in enumerate(keys):
        text += ("" if i == 0 else ",") + _NEWLINE[1] + _encode_str(key) + ": "
        if key != "groups":
            text += _indented(top[key], 1)
            continue
        opening = "[" + _NEWLINE[2]
        for group in groups:
            yield text + opening + _group_text(group)
            text, opening = "", "," + _NEWLINE[2]
        text += "[]" if opening.startswith("[") else _NEWLINE[1] + "]"
    yield text + "\n}\n"


def _group_text(g: GroupPlan) -> str:
    """One group at depth 2 (inside ``groups``), from one C-encoder call.

    Every value of the group and of its assets goes, in layout order, into one list that the
    C encoder writes with a newline between items (and between the items of a non-empty
    ``tags``, ``people`` or ``albums``). A raw newline never occurs inside an encoded value,
    so each newline is a separator whose place in the layout is known: it becomes ``%s``,
    and one ``%`` formatting fills in what the layout has there — keys, punctuation and
    indentation. ``texts`` holds those pieces in order; ``texts[0]`` opens the group.
    """
    values: list[Any] = []
    texts: list[str] = []
    pending, opening = "", "{"  # what closes the previous field, what opens the next line
    for key in _GROUP_LAYOUT:
        lead = pending + opening + _NEWLINE[3] + _KEYS[key]
        opening, pending = ",", ""
        if key == "assets":
            if not g.assets:
                values.append(())
                texts.append(lead)
                continue
            lead += "[" + _NEWLINE[4]
            for pa in g.assets:
                closing = _add_asset(pa, lead, values, texts)
                lead = closing + _NEWLINE[4] + "}," + _NEWLINE[4]
            pending = closing + _NEWLINE[4] + "}" + _NEWLINE[3] + "]"
            continue
        value = getattr(g, key)
        if isinstance(value, tuple | list) and value:  # a list of scalars, one per line
            texts.append(lead + "[" + _NEWLINE[4])
            texts += [_GROUP_ITEM] * (len(value) - 1)
            values += value
            pending = _NEWLINE[3] + "]"
        else:
            texts.append(lead)
            values.append(value)
    body = "".join(_ITEMS(values, 0))[1:-1].replace("%", "%%").replace("\n", "%s")
    try:
        text = body % tuple(texts[1:])
    except TypeError as err:  # more or fewer separators than the layout has places for
        raise TypeError(f"group {g.duplicate_id!r} holds a container where a plain value belongs") from err
    return texts[0] + text + pending + _NEWLINE[2] + "}"


class _AssetLayout:
    """How assets are written whose ``facts`` have these keys and whose ``breakdown`` and
    lists (``_SIZED``) have these lengths: the order of their values, and the text before,
    between and after them. Made once per combination; a plan has few: every asset of a plan
    made by analyze has the same facts, whose values go to the encoder one by one (their
    keys are written here, once). A breakdown's keys vary more: it goes to the encoder whole,
    like a list, and only its length matters here."""

    def __init__(self, facts: tuple[str, ...], lengths: tuple[int, ...]) -> None:
        self.facts = _getter(sorted(facts))
        length = dict(zip(_SIZED, lengths, strict=True))
        pieces: list[str | None] = []  # the layout; None where a value goes
        for i, key in enumerate(_ASSET_LAYOUT):
            pieces.append(("{" if i == 0 else ",") + _NEWLINE[5] + _KEYS[key])
            if key == "facts":
                pieces.append("{")
                for j, name in enumerate(sorted(facts)):
                    pieces += [", " if j else "", _encode_str(name) + ": ", None]
                pieces.append("}")
            else:  # the encoder writes "\n" between the items of a list or a breakdown
                pieces += [None] + [", ", None] * max(length.get(key, 0) - 1, 0)
        texts = ["".join(run) for run in _runs(pieces)]
        self.opening, *self.between, self.closing = texts


def _runs(pieces: list[str | None]) -> Iterator[list[str]]:
    """The texts around the ``None`` marks: before the first, between, after the last."""
    run: list[str] = []
    for piece in pieces:
        if piece is None:
            yield run
            run = []
        else:
            run.append(piece)
    yield run


_LAYOUTS: dict[tuple[Any, ...], _AssetLayout] = {}


def _add_asset(pa: PlannedAsset, lead: str, values: list[Any], texts: list[str]) -> str:
    """Append the asset's values in layout order to ``values``, and the texts before and
    between them to ``texts`` (``lead`` first); return the text after them."""
    fields = _asset_fields(pa.asset)
    breakdown, facts = pa.breakdown, pa.facts
    albums, people, tags = _LISTS_AT
    key = (
        tuple(facts),
        len(fields[albums] or ()),
        len(breakdown),
        len(fields[people] or ()),
        len(fields[tags] or ()),
    )
    layout = _LAYOUTS.get(key)
    if layout is None:
        if len(_LAYOUTS) >= 4096:  # a bound, for a long-lived process writing odd plans
            _LAYOUTS.clear()
        layout = _LAYOUTS[key] = _AssetLayout(key[0], key[1:])
    texts.append(lead + layout.opening)
    texts += layout.between
    b, f, s = _CUTS
    values += fields[:b]
    values.append(breakdown)
    values += fields[b:f]
    values += layout.facts(facts)
    values += fields[f:s]
    values.append(pa.score)
    values += fields[s:]
    return layout.closing


def _getter(keys: Sequence[str]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    """The values of ``keys`` of a mapping, as a sequence."""
    if len(keys) == 1:  # itemgetter of one key returns the value, not a tuple
        (key,) = keys
        return lambda mapping: (mapping[key],)
    return operator.itemgetter(*keys) if keys else lambda _mapping: ()


_ITEMS = _items_encoder()
_GROUP_ITEM = "," + _NEWLINE[4]
_GROUP_LAYOUT = tuple(sorted(f.name for f in attrs.fields(GroupPlan)))

_SIZED = ("albums", "breakdown", "people", "tags")  # in the order of _add_asset's key
_FIELD_KEYS = tuple(sorted(f.name for f in _ASSET_FIELDS))
_asset_fields = operator.attrgetter(*_FIELD_KEYS)
# Where breakdown, facts and score go among the asset's fields (everything in key order).
_CUTS = tuple(bisect.bisect(_FIELD_KEYS, key) for key in ("breakdown", "facts", "score"))
_LISTS_AT = tuple(_FIELD_KEYS.index(name) for name in ("albums", "people", "tags"))
_ASSET_LAYOUT = tuple(sorted([*_FIELD_KEYS, "breakdown", "facts", "score"]))
_KEYS = {key: _encode_str(key) + ": " for key in (*_GROUP_LAYOUT, *_ASSET_LAYOUT)}


def _legacy_text(doc: Mapping[str, Any]) -> str:
    """Version 1's layout, ``json.dumps(indent=2)`` throughout, so that a version 1 plan is
    written back byte for byte and keeps the digest an interrupted execute is bound to."""
    return (
        json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False, default=_default)
        + "\n"
    )


def _top_to_json(plan: Plan) -> dict[str, Any]:
    """Every top-level field but ``groups``."""
    return {
        "schema_version": plan.schema_version,
        "generated_at": plan.generated_at,
        "tool_version": plan.tool_version,
        "source": plan.source,
        "server": None if plan.server is None else {"url": plan.server.url, "version": plan.server.version},
        "policy": plan.policy,
        "summary": _summary_to_json(plan),
    }


def _summary_to_json(plan: Plan) -> dict[str, Any]:
    summary = attrs.asdict(plan.summary)
    if plan.schema_version < 2:
        for key in _V2_SUMMARY:
            del summary[key]
    return summary


def _group_to_json(g: GroupPlan, *, with_assets: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "duplicate_id": g.duplicate_id,
        "action": g.action,
        "keep": list(g.keep),
        "delete": list(g.delete),
        "immich_keep": list(g.immich_keep),
        "differs_from_immich": g.differs_from_immich,
        "reasons": list(g.reasons),
        "lost_if_resolved": list(g.lost_if_resolved),
        "fingerprint": g.fingerprint,
    }
    if with_assets:
        doc["assets"] = [_asset_to_json(a) for a in g.assets]
    return doc


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
