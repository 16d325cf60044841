"""The Lean plugin's ``sciglm doctor`` checks: the toolchain and REPL, and the sandbox."""

from __future__ import annotations

from sciglm.doctor import Check, CheckStatus


def check_lean() -> Check:
    """``lake`` and the built REPL of the Lake project: without them a proof is ``null``."""
    from sciglm_lean.config import find_lake
    from sciglm_lean.project import default_project_dir, repl_binary

    lake = find_lake()
    if lake is None:
        return Check("Lean", CheckStatus.MISSING, "no Lean toolchain (lake not found): Lean "
                     "proofs are judged null", "install elan, then sciglm lean setup "
                     "(docs/lean.md)")
    project = default_project_dir()
    repl = repl_binary(project)
    if repl is None:
        return Check("Lean", CheckStatus.MISSING, f"{lake}; no REPL built in {project}",
                     "sciglm lean setup (then sciglm lean doctor)")
    return Check("Lean", CheckStatus.OK, f"{lake}; REPL {repl}")


def check_bubblewrap() -> Check:
    """The bubblewrap sandbox the trusted path runs comparator in."""
    from sciglm_lean.sandbox import find_bwrap, sandbox_problem

    problem = sandbox_problem()
    if problem is None:
        return Check("bubblewrap", CheckStatus.OK, f"sandbox works ({find_bwrap()})")
    return Check("bubblewrap", CheckStatus.MISSING, f"{problem}: no Lean proof can be true",
                 "apt-get install bubblewrap (user namespaces must be allowed)")
