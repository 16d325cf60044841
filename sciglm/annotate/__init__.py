"""Self-reflective annotation: chain-of-thought, critic-and-revise, reference hint, judge.

Layers, each testable alone: :mod:`client` (requests, retries, concurrency limit, token
counter), :mod:`cache` (responses keyed by the full request), :mod:`stages` (one question's
state machine), :mod:`store` (resumable, crash-safe output), :mod:`runner` (the run),
:mod:`progress` and :mod:`summary` (what the user sees).
"""
