"""``sciglm doctor``: what this installation can do (the checks are in :mod:`sciglm.doctor`)."""

from __future__ import annotations

from typing import Any

import click

from sciglm.cli.common import print_json, print_listing
from sciglm.config import click_options, from_values
from sciglm.doctor import DoctorConfig, as_rows, run_checks


@click.command()
@click_options(DoctorConfig)
def doctor(**values: Any) -> None:
    """Say what this installation can do: the embedded model, the train extra, where data is
    read and what is there, the decontamination sets, Lean, bubblewrap, a GPU, memory for the
    embedded teacher; each missing piece with its fix. Fast, and never fails on a missing
    optional piece (exit status 0).

    \b
    Examples:
      sciglm doctor
      sciglm doctor --json | jq '.[] | select(.status != "ok")'
    """
    config = from_values(DoctorConfig, values)
    checks = run_checks(config.data_dir)
    if config.as_json:
        print_json([check.to_dict() for check in checks])
        return
    print_listing("sciglm doctor", ["check", "status", "detail", "fix"], as_rows(checks))
