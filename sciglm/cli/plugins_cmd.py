"""``sciglm plugins``: which subjects are installed, and which plugins failed to load."""

from __future__ import annotations

import click

from sciglm import plugins, registry
from sciglm.cli.common import console, print_json, print_table


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON on stdout.")
def plugins_cmd(as_json: bool) -> None:
    """List installed subject plugins: subject, plugin, package, version.

    \b
    Example:
      sciglm plugins --json
    """
    rows = registry.describe_plugins()
    failed = [f.__dict__ for f in plugins.failures]
    if as_json:
        print_json({"subjects": rows, "failed": failed})
        return
    print_table(
        "sciglm subjects",
        ["subject", "plugin", "package", "version", "description"],
        [[r["subject"], r["plugin"], r["package"], r["version"], r["description"]] for r in rows],
    )
    for failure in plugins.failures:
        console.print(
            f"[red]plugin {failure.name!r} ({failure.distribution}) failed to load:[/] "
            f"{failure.error}"
        )
