"""``sciglm eval``: the paper's benchmarks (and any mapped JSONL) judged by the subject verifiers.

:func:`sciglm.eval.runner.run_eval` is the Python entry point (the pipeline calls it).
:mod:`sciglm.eval.benchmarks` defines a benchmark (registered by plugins through the
``register_benchmarks`` hook), :mod:`sciglm.eval.protocols` the protocols and prompt formats,
:mod:`sciglm.eval.prompts` builds the prompts, :mod:`sciglm.eval.scorers` holds the scorers a
benchmark may name, :mod:`sciglm.eval.store` keeps per-item predictions for resuming,
:mod:`sciglm.eval.scores` turns them into tables and :mod:`sciglm.eval.paper` holds the paper's
reported rows for ``--compare``.
"""
