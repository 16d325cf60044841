"""``sciglm plugins``: which subjects are installed, and which plugins failed to load."""

from __future__ import annotations

from typing import Any

import click

from sciglm import plugins, registry
from sciglm.cli.common import console, print_json, print_listing
from sciglm.config import click_options, from_values
from sciglm.registry import PluginsConfig


@click.command()
@click_options(PluginsConfig)
def plugins_cmd(**values: Any) -> None:
    """List installed subject plugins: subject, plugin, package, version.

    \b
    Example:
      sciglm plugins --json
    """
    rows = registry.describe_plugins()
    failed = [f.__dict__ for f in plugins.failures]
    if from_values(PluginsConfig, values).as_json:
        print_json({"subjects": rows, "failed": failed})
        return
    print_listing(
        "sciglm subjects",
        ["subject", "plugin", "package", "version", "description"],
        [[r["subject"], r["plugin"], r["package"], r["version"], r["description"]] for r in rows],
    )
    for failure in plugins.failures:
        console.print(
            f"[red]plugin {failure.name!r} ({failure.distribution}) failed to load:[/] "
            f"{failure.error}"
        )
