"""``sciglm eval``: the paper's benchmarks (and any mapped JSONL) judged by the subject verifiers.

:func:`sciglm.eval.runner.run_eval` is the Python entry point (the pipeline calls it);
:mod:`sciglm.eval.benchmarks` names the benchmarks and their files, :mod:`sciglm.eval.prompts`
builds the prompts, :mod:`sciglm.eval.store` keeps per-item predictions for resuming, and
:mod:`sciglm.eval.scores` turns them into tables.
"""
