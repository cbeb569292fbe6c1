"""A fast checker for the subset of JSON Schema (draft 2020-12) that ``plan.schema.json`` uses.

Why not jsonschema at run time: it is pure Python and spends ~1 ms per asset object of a
plan, so a 100,000-group plan would take about four minutes to validate. Compiling the
schema once into nested closures checks the same plan in seconds. The price is a subset:
``compile_schema`` refuses any keyword it does not implement, so a schema edit can never be
silently ignored, and the tests check that this checker and jsonschema agree on valid and
mutated plans.

Supported: ``type``, ``enum``, ``const``, ``properties``, ``required``,
``additionalProperties``, ``items``, ``minItems``, ``maxItems``, ``minLength``,
``maxLength``, ``minimum``, ``maximum``, ``pattern``, ``$ref`` (``#/$defs/NAME``),
``anyOf``, ``oneOf``, ``allOf``, ``if``/``then``/``else``; annotations (``description``,
``title``, ``$comment``, ``default``, ``examples``, ``$schema``, ``$id``, ``$defs``) are
ignored. Messages follow jsonschema's wording.
"""

from __future__ import annotations

import contextlib
import math
import re
import reprlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "Error", "collect", "compile_schema"]

Path = tuple[str | int, ...]
Error = tuple[Path, str]
# check(instance, path, errors): appends (path, message) for each violation.
Check = Callable[[Any, Path, list[Error]], None]

# Messages quote the offending value; a plan's values can be huge (a whole "groups" array).
_REPR = reprlib.Repr()
_REPR.maxstring = 80
_REPR.maxother = 80
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


def _show(value: Any) -> str:
    return _REPR.repr(value)


_ANNOTATIONS = frozenset(
    {"description", "title", "$comment", "default", "examples", "$schema", "$id", "$defs"}
)


def _is_int(v: Any) -> bool:
    # JSON Schema: 3.0 is an integer; a boolean is never a number.
    return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "number": _is_number,
    "integer": _is_int,
}


def _json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema means it: true is not 1, 1.0 is 1, containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


class _Enough(Exception):
    pass


class _Capped(list[Error]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def append(self, item: Error) -> None:
        super().append(item)
        if len(self) >= self.limit:
            raise _Enough


def collect(check: Check, instance: Any, *, limit: int | None = None) -> list[Error]:
    """Run ``check`` on ``instance``; with ``limit``, stop once that many errors are found
    (a plan broken everywhere must not cost a message per asset)."""
    if limit is None:
        errors: list[Error] = []
        check(instance, (), errors)
        return errors
    capped = _Capped(limit)
    with contextlib.suppress(_Enough):
        check(instance, (), capped)
    return list(capped)


def compile_schema(schema: Mapping[str, Any] | bool, root: Mapping[str, Any] | None = None) -> Check:
    """Compile ``schema`` (``$ref``s resolve against ``root``, default ``schema`` itself).

    Raises ``ValueError`` for a keyword outside the supported subset or a bad ``$ref``.
    """
    if root is None:
        root = schema if isinstance(schema, Mapping) else {}
    return _Compiler(root).compile(schema, "#")


class _Compiler:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Mapping[str, Any] | bool, where: str) -> Check:
        if schema is True:
            return _nothing
        if schema is False:
            return _always_fails
        if not isinstance(schema, Mapping):
            raise ValueError(f"{where}: a schema must be an object or a boolean")
        unknown = set(schema) - _ANNOTATIONS - set(_KEYWORDS) - {"then", "else"}
        if unknown:
            raise ValueError(f"{where}: unsupported JSON Schema keywords {sorted(unknown)}")
        checks = [
            _KEYWORDS[kw](self, schema, f"{where}/{kw}")
            for kw in _KEYWORDS
            if kw in schema and not (kw == "additionalProperties" and "properties" in schema)
        ]
        if len(checks) == 1:
            return checks[0]

        def check(value: Any, path: Path, errors: list[Error]) -> None:
            for c in checks:
                c(value, path, errors)

        return check

    def ref(self, target: str, where: str) -> Check:
        if target not in self.refs:
            if not target.startswith("#/$defs/") or "/" in target[len("#/$defs/") :]:
                raise ValueError(f"{where}: only local #/$defs/NAME references are supported, not {target!r}")
            name = target[len("#/$defs/") :]
            defs = self.root.get("$defs", {})
            if name not in defs:
                raise ValueError(f"{where}: {target!r} does not exist")
            slot: list[Check] = []
            # Placeholder first, so a recursive definition compiles.
            self.refs[target] = lambda v, p, e: slot[0](v, p, e)
            slot.append(self.compile(defs[name], target))
            self.refs[target] = slot[0]
        return self.refs[target]


def _nothing(value: Any, path: Path, errors: list[Error]) -> None:
    pass


def _always_fails(value: Any, path: Path, errors: list[Error]) -> None:
    errors.append((path, f"False schema does not allow {_show(value)}"))


def _type(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    names = [s["type"]] if isinstance(s["type"], str) else list(s["type"])
    for n in names:
        if n not in _TYPES:
            raise ValueError(f"{where}: unknown type {n!r}")
    tests = [_TYPES[n] for n in names]
    shown = ", ".join(repr(n) for n in names)

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        for t in tests:
            if t(value):
                return
        errors.append((path, f"{_show(value)} is not of type {shown}"))

    return check


def _enum(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    options = list(s["enum"])

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if not any(_json_equal(value, o) for o in options):
            errors.append((path, f"{_show(value)} is not one of {options!r}"))

    return check


def _const(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    const = s["const"]

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if not _json_equal(value, const):
            errors.append((path, f"{const!r} was expected"))

    return check


def _properties(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    props = {k: c.compile(v, f"{where}/{k}") for k, v in s["properties"].items()}
    extra_schema = s.get("additionalProperties", True)
    extra = None if extra_schema is True else c.compile(extra_schema, f"{where}/additionalProperties")
    forbid = extra_schema is False

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if not isinstance(value, dict):
            return
        unexpected = []
        for key, item in value.items():
            sub = props.get(key)
            if sub is not None:
                sub(item, (*path, key), errors)
            elif forbid:
                unexpected.append(key)
            elif extra is not None:
                extra(item, (*path, key), errors)
        if unexpected:
            errors.append((path, _unexpected(unexpected)))

    return check


def _additional(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    """``additionalProperties`` without ``properties``: it applies to every key."""
    extra_schema = s["additionalProperties"]
    if extra_schema is False:

        def forbid(value: Any, path: Path, errors: list[Error]) -> None:
            if isinstance(value, dict) and value:
                errors.append((path, _unexpected(list(value))))

        return forbid
    sub = c.compile(extra_schema, where)

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                sub(item, (*path, key), errors)

    return check


def _unexpected(keys: list[str]) -> str:
    listed = ", ".join(repr(k) for k in keys)
    verb = "was" if len(keys) == 1 else "were"
    return f"Additional properties are not allowed ({listed} {verb} unexpected)"


def _required(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    required = list(s["required"])

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if isinstance(value, dict):
            for key in required:
                if key not in value:
                    errors.append((path, f"{key!r} is a required property"))

    return check


def _items(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    sub = c.compile(s["items"], where)

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                sub(item, (*path, i), errors)

    return check


def _bound(kind: type, key: str, too: str, compare: Callable[[int | float, int | float], bool]) -> Any:
    def make(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
        limit = s[key]

        def size(value: Any) -> int | float | None:
            if kind is list:
                return len(value) if isinstance(value, list) else None
            if kind is str:
                return len(value) if isinstance(value, str) else None
            # ints are exact at any size (math.isfinite would overflow on a huge one)
            return value if _is_number(value) and (isinstance(value, int) or math.isfinite(value)) else None

        def check(value: Any, path: Path, errors: list[Error]) -> None:
            n = size(value)
            if n is not None and compare(n, limit):
                if kind in (list, str) and key.startswith("min") and limit == 1:
                    errors.append((path, f"{_show(value)} should be non-empty"))
                else:
                    errors.append((path, f"{_show(value)} {too} {limit!r}"))

        return check

    return make


def _pattern(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    regex = re.compile(s["pattern"])

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        if isinstance(value, str) and not regex.search(value):
            errors.append((path, f"{_show(value)} does not match {s['pattern']!r}"))

    return check


def _ref(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    return c.ref(s["$ref"], where)


def _combinator(kind: str) -> Any:
    def make(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
        subs = [c.compile(sub, f"{where}/{i}") for i, sub in enumerate(s[kind])]

        def check(value: Any, path: Path, errors: list[Error]) -> None:
            results = []
            for sub in subs:
                found: list[Error] = []
                sub(value, path, found)
                results.append(found)
            passed = sum(1 for r in results if not r)
            if kind == "allOf":
                for r in results:
                    errors.extend(r)
            elif kind == "anyOf" and passed == 0:
                errors.append((path, f"{_show(value)} is not valid under any of the given schemas"))
            elif kind == "oneOf" and passed != 1:
                if passed == 0:
                    errors.append((path, f"{_show(value)} is not valid under any of the given schemas"))
                else:
                    errors.append((path, f"{_show(value)} is valid under each of several given schemas"))

        return check

    return make


def _if(c: _Compiler, s: Mapping[str, Any], where: str) -> Check:
    cond = c.compile(s["if"], f"{where}")
    then = c.compile(s.get("then", True), f"{where}/../then")
    other = c.compile(s.get("else", True), f"{where}/../else")

    def check(value: Any, path: Path, errors: list[Error]) -> None:
        found: list[Error] = []
        cond(value, path, found)
        (other if found else then)(value, path, errors)

    return check


_KEYWORDS: dict[str, Callable[[_Compiler, Mapping[str, Any], str], Check]] = {
    "$ref": _ref,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "minItems": _bound(list, "minItems", "is too short: fewer items than", lambda n, m: n < m),
    "maxItems": _bound(list, "maxItems", "is too long: more items than", lambda n, m: n > m),
    "minLength": _bound(str, "minLength", "is too short: shorter than", lambda n, m: n < m),
    "maxLength": _bound(str, "maxLength", "is too long: longer than", lambda n, m: n > m),
    "minimum": _bound(float, "minimum", "is less than the minimum of", lambda n, m: n < m),
    "maximum": _bound(float, "maximum", "is greater than the maximum of", lambda n, m: n > m),
    "pattern": _pattern,
    "anyOf": _combinator("anyOf"),
    "oneOf": _combinator("oneOf"),
    "allOf": _combinator("allOf"),
    "if": _if,
}
