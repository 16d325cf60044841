"""``sciglm reward serve``: the verifiers as an HTTP reward service."""

from __future__ import annotations

from typing import Any

import click

from sciglm.cli.common import console, print_json
from sciglm.config import click_options, from_values
from sciglm.rewards.config import RewardServeConfig


@click.group()
def reward() -> None:
    """The verifiers as rewards for RL trainers (TRL, verl, OpenRLHF).

    \b
    Example:
      sciglm reward serve --port 8400 --null-reward 0
    """


@reward.command()
@click_options(RewardServeConfig)
def serve(**values: Any) -> None:
    """Serve POST /verify, POST /reward (OpenRLHF --remote_rm_url), GET /health and /metrics
    until SIGTERM or Ctrl-C (in-flight requests finish first).

    \b
    Examples:
      sciglm reward serve --port 8400 --null-reward 0 --deadline 20
      curl -s localhost:8400/reward -d '{"query":["Q: 1+1? A: \\\\boxed{2}"],
           "prompts":["Q: 1+1? A: "],"labels":["2"]}'
    """
    from sciglm.rewards.server import serve as run

    config = from_values(RewardServeConfig, values)

    def ready(url: str) -> None:
        if config.as_json:
            print_json({"url": url})
        else:
            click.echo(f"url: {url}")
        console.print("serving; Ctrl-C or SIGTERM to stop", highlight=False)

    run(config, ready)
    console.print("stopped", highlight=False)
