"""Prototypes of fixes proposed in ``benchmarks/findings.md`` for modules owned elsewhere.

Not used by the benchmarks; kept so that an owner can adopt (or reject) them with the measured
effect in hand. ``python -m benchmarks.proposals.plan_stream --groups N`` checks and measures one.
"""
