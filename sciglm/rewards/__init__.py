"""The verifiers as rewards: one warm verifier pool per process, batch deadlines, adapters for
TRL (:mod:`sciglm.rewards.trl`) and verl (:mod:`sciglm.rewards.verl`)."""
