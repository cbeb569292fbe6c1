"""Proposal for ``planfile``: write the plan in pieces, one group at a time, with the same bytes.

``planfile._dumps`` builds the whole indented document with ``json.dumps(indent=2)``, whose
pure-Python encoder holds millions of small strings before joining them: +1.0 GiB of peak RSS
for a 138 MB plan (20,000 groups), ≈ +2.5 GiB at 50,000. ``iter_indented`` yields the same text
(``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)``) in pieces,
``doc["groups"]`` one item at a time, so a writer holds one group's text at once. Every
container of scalars goes through the C encoder, with the indentation folded into its item
separator; nested containers are spliced in through unique placeholders.

``python -m benchmarks.proposals.plan_stream --groups N`` plans the double's library, checks the
bytes against ``planfile.dumps_plan`` and prints CPU and peak RSS of both ways.
"""

from __future__ import annotations

import secrets
from _json import make_encoder
from collections.abc import Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
_encoders: dict[int, Any] = {}


def _reject(o: Any) -> Any:
    raise TypeError(f"{type(o).__name__} is not JSON serialisable")


def _flat(depth: int) -> Any:
    """C encoder for all-scalar containers with members at ``depth`` (indent in the separator)."""
    enc = _encoders.get(depth)
    if enc is None:
        # markers=None: no cycle check (plans are trees); allow_nan=False like the plan writer.
        enc = _encoders[depth] = make_encoder(
            None, _reject, encode_basestring, None, ": ", ",\n" + "  " * depth, True, False, False
        )
    return enc


def _text(v: Any, depth: int, nonce: str) -> str:
    """One value as indented text (members at depth + 1)."""
    if isinstance(v, _SCALARS):
        return "".join(_flat(0)(v, 0))
    ind, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(v, list | tuple):
        if not v:
            return "[]"
        if all(isinstance(x, _SCALARS) for x in v):
            return "[\n" + inner + "".join(_flat(depth + 1)(list(v), 0))[1:-1] + "\n" + ind + "]"
        return "[\n" + inner + (",\n" + inner).join(_text(x, depth + 1, nonce) for x in v) + "\n" + ind + "]"
    if not isinstance(v, Mapping):
        raise TypeError(f"{type(v).__name__} is not JSON serialisable")
    if not v:
        return "{}"
    flat: dict[str, Any] = {}
    nested: list[tuple[str, str]] = []
    for key, value in v.items():
        if not isinstance(key, str):
            raise TypeError(f"keys must be str, not {type(key).__name__}")
        if isinstance(value, _SCALARS):
            flat[key] = value
        else:  # a placeholder string, replaced by the nested text after the C encoder ran
            mark = f"\x00{nonce}{len(nested)}"
            flat[key] = mark
            nested.append((encode_basestring(mark), _text(value, depth + 1, nonce)))
    text = "{\n" + inner + "".join(_flat(depth + 1)(flat, 0))[1:-1] + "\n" + ind + "}"
    for mark, sub in nested:
        text = text.replace(mark, sub, 1)
    return text


def iter_indented(doc: Mapping[str, Any], *, stream: str = "groups") -> Iterator[str]:
    """``doc`` as indented JSON text in pieces: ``doc[stream]`` (a list) one item at a time, so
    memory holds one item's text, never the whole document."""
    nonce = secrets.token_hex(8)
    if not doc:
        yield "{}"
        return
    first = True
    for key in sorted(doc):
        yield ("{\n" if first else ",\n") + "  " + encode_basestring(key) + ": "
        first = False
        value = doc[key]
        if key == stream and isinstance(value, list | tuple) and value:
            yield "[\n    "
            for i, item in enumerate(value):
                if i:
                    yield ",\n    "
                yield _text(item, 2, nonce)
            yield "\n  ]"
        else:
            yield _text(value, 1, nonce)
    yield "\n}"


def main(argv: list[str] | None = None) -> int:
    import argparse
    import gc
    import io
    import time

    from benchmarks.profile_analyze import _listing_body, _memory
    from immich_dedupe import planfile
    from immich_dedupe.analyze import analyze_groups
    from immich_dedupe.listing import iter_groups
    from immich_dedupe.plan import PlanServer
    from immich_dedupe.policy import load_policy

    parser = argparse.ArgumentParser(prog="python -m benchmarks.proposals.plan_stream")
    parser.add_argument("--groups", type=int, default=2000)
    args = parser.parse_args(argv)
    body = _listing_body(args.groups)
    groups = list(iter_groups(io.BytesIO(body)))
    del body
    policy = load_policy(None)
    server = PlanServer(url="http://127.0.0.1", version="3.1.0")
    plan = analyze_groups(groups, policy, source="server", server=server, generated_at="2026-01-01T00:00:00Z")
    del groups
    gc.collect()
    print(f"before writing: RSS {_memory()[0] / 2**20:.0f} MiB, peak {_memory()[1] / 2**20:.0f} MiB")
    started = time.process_time()
    streamed = bytearray()  # to compare; a writer would write each piece to the file instead
    peak_before = _memory()[1]
    doc = planfile._plan_to_json(planfile.canonical_plan(plan))
    for piece in iter_indented(doc):
        streamed += piece.encode("utf-8", "backslashreplace")
    streamed += b"\n"
    cpu = time.process_time() - started
    print(f"pieces: {cpu:.2f} s CPU, peak RSS {_memory()[1] / 2**20:.0f} MiB (was {peak_before / 2**20:.0f})")
    started = time.process_time()
    data = planfile.dumps_plan(plan)
    cpu = time.process_time() - started
    print(f"dumps_plan: {cpu:.2f} s CPU, peak RSS {_memory()[1] / 2**20:.0f} MiB (includes the pieces' copy)")
    print("identical bytes:", bytes(streamed) == data)
    return 0 if bytes(streamed) == data else 1


if __name__ == "__main__":
    raise SystemExit(main())
