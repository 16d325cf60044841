"""Stand in for ``landrun`` inside sciglm's bubblewrap sandbox.

Comparator runs each ``lake build``/``lean4export`` step under ``landrun FLAGS [--] CMD ...``.
When no ``landrun`` is installed, sciglm runs the whole comparator inside bubblewrap
(:mod:`sciglm_lean.sandbox`) and points ``COMPARATOR_LANDRUN`` at this shim, which drops
landrun's flags and runs the command in that sandbox (in the manner of comparator's own
``scripts/fake-landrun.sh``).
"""

from __future__ import annotations

import os
import sys

VALUE_FLAGS = {
    "--ro",
    "--rox",
    "--rw",
    "--rwx",
    "--bind-tcp",
    "--connect-tcp",
    "--log-level",
    "--env",
}


def command_of(args: list[str]) -> list[str]:
    """The command after landrun's own flags."""
    i = 0
    while i < len(args):
        if args[i] == "--":
            return args[i + 1 :]
        if not args[i].startswith("-"):
            return args[i:]
        i += 2 if args[i] in VALUE_FLAGS else 1
    return []


def main() -> None:
    command = command_of(sys.argv[1:])
    if not command:
        sys.exit("landrun shim: no command given")
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
