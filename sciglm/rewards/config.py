"""``sciglm reward serve``'s one config (its click options are derived from it)."""

from __future__ import annotations

from dataclasses import dataclass

from sciglm.config import option
from sciglm.rewards.source import DEFAULT_DEADLINE
from sciglm.verify.pool import DEFAULT_MEMORY_MB


@dataclass
class RewardServeConfig:
    """How to serve the verifiers as rewards over HTTP."""

    host: str = option("127.0.0.1", "Address to bind (loopback by default; 0.0.0.0 exposes it: "
                       "set --api-key then).")
    port: int = option(8400, "Port to listen on (0: any free port, printed at start).", min=0,
                       max=65535)
    workers: int | None = option(None, "Verifier processes (default: CPU count).", min=1)
    timeout: float | None = option(None, "Seconds per check (default: the subject's).",
                                   min=0.01)
    memory_mb: int = option(DEFAULT_MEMORY_MB, "Memory a check may take.", min=1)
    deadline: float = option(DEFAULT_DEADLINE, "Seconds per request: checks unfinished by then "
                             "come back null with status timed_out.", min=0.01)
    max_queue: int = option(4096, "Checks in flight across all requests; a request that would "
                            "pass it gets 429.", min=1)
    subject: str = option("math", "Subject of /reward samples (OpenRLHF sends none).")
    null_reward: float | None = option(None, "Reward of an undecided check in /reward (default: "
                                       "null; OpenRLHF needs a number, e.g. 0).")
    api_key: str | None = option(None, "Require 'Authorization: Bearer KEY' on every request "
                                 "but /health.", envvar="SCIGLM_REWARD_API_KEY")
    as_json: bool = option(False, "Print the address as JSON on stdout once serving.",
                           flag="--json")
