"""The Lake project the checker runs in: pinned revisions, where it lives, how to write it.

The pins are one source of truth: ``lakefile.lean``, ``lean-toolchain`` and
``lean_env/SciglmLean/Header.lean`` at the repository root are exactly what
:func:`project_files` renders (a test keeps them in step), and ``sciglm lean setup --dir D``
writes the same files into ``D`` for an installed (non-checkout) sciglm.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The miniF2F-lean4 data (yangky11/miniF2F-lean4) uses this toolchain and Mathlib tag.
LEAN_TOOLCHAIN = "leanprover/lean4:v4.24.0"
MATHLIB_TAG = "v4.24.0"
MATHLIB_REV = "f897ebcf72cd16f89ab4577d0c826cd14afaafc7"  # the commit of tag v4.24.0
#: leanprover-community/repl tags one commit per Lean release with the release's name.
REPL_TAG = "v4.24.0"
HEADER_MODULE = "SciglmLean.Header"
#: leanprover/comparator, the trusted checker. It has no commit for Lean v4.24.0 (its toolchain
#: went from v4.21.0-rc3 to v4.25.0-rc2), so it is built as its own Lake project beside the
#: checker project, at the commit nearest to our toolchain, rather than required by lakefile.lean.
COMPARATOR_URL = "https://github.com/leanprover/comparator"
COMPARATOR_REV = "1de175867f9ab6284bda885f8825f6f619467027"  # toolchain v4.25.0-rc2
#: lean4export (comparator calls it to export both modules) must match the project's Lean.
LEAN4EXPORT_URL = "https://github.com/leanprover/lean4export"
LEAN4EXPORT_REV = "f7f95b22c1bff79cfbec7f32c13ced73a1b4fdcd"  # tag v4.24.0

LAKEFILE = f"""import Lake
open Lake DSL

-- sciglm's Lean checker project (generated from plugins/sciglm_lean/project.py; keep in step).
-- Lean {LEAN_TOOLCHAIN.split(":")[1]}, Mathlib {MATHLIB_TAG}, leanprover-community/repl {REPL_TAG}.

package sciglm_lean_env where
  srcDir := "lean_env"

require mathlib from git
  "https://github.com/leanprover-community/mathlib4" @ "{MATHLIB_REV}"

require REPL from git
  "https://github.com/leanprover-community/repl" @ "{REPL_TAG}"

@[default_target]
lean_lib SciglmLean where
  roots := #[`{HEADER_MODULE}]
"""

HEADER_LEAN = """/-
The header every checked proof starts from. `lake build` compiles it once, so the REPL's
`import Mathlib` loads prebuilt .olean files; sciglm sends the same imports as the first
command of each REPL process and reuses that environment (`env`) for every proof.
-/
import Mathlib
import Aesop

set_option maxHeartbeats 400000

open BigOperators Real Nat Topology Rat
"""


def project_files() -> dict[str, str]:
    """Relative path → text of every file of the Lake project."""
    return {
        "lakefile.lean": LAKEFILE,
        "lean-toolchain": LEAN_TOOLCHAIN + "\n",
        "lean_env/SciglmLean/Header.lean": HEADER_LEAN,
    }


def checkout_root() -> Path | None:
    """The repository root when sciglm runs from a source checkout that holds the project."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / "lakefile.lean").is_file() else None


def default_project_dir() -> Path:
    """``$SCIGLM_LEAN_PROJECT``, else the checkout root, else ``~/.cache/sciglm/lean``."""
    if os.environ.get("SCIGLM_LEAN_PROJECT"):
        return Path(os.environ["SCIGLM_LEAN_PROJECT"]).expanduser()
    return checkout_root() or Path.home() / ".cache" / "sciglm" / "lean"


def write_project(directory: Path, overwrite: bool = False) -> list[Path]:
    """Write the project files into ``directory`` (existing ones kept unless ``overwrite``)."""
    written = []
    for relative, text in project_files().items():
        path = directory / relative
        if path.exists() and not overwrite:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def repl_binary(project: Path) -> Path | None:
    """The built REPL executable of ``project`` (dependency build dir, or the project's own)."""
    for candidate in (
        project / ".lake" / "packages" / "REPL" / ".lake" / "build" / "bin" / "repl",
        project / ".lake" / "packages" / "repl" / ".lake" / "build" / "bin" / "repl",
        project / ".lake" / "build" / "bin" / "repl",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def comparator_dir(project: Path) -> Path:
    """Where ``sciglm lean setup`` checks out and builds comparator."""
    return project / ".lake" / "comparator"


def lean4export_dir(project: Path) -> Path:
    """Where ``sciglm lean setup`` checks out and builds lean4export."""
    return project / ".lake" / "lean4export"


def lean4export_binary(project: Path) -> Path | None:
    """The built lean4export of ``project`` (None if it was not built)."""
    candidate = lean4export_dir(project) / ".lake" / "build" / "bin" / "lean4export"
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def comparator_binary(project: Path) -> Path | None:
    """The built comparator of ``project`` (None if it was not built)."""
    candidate = comparator_dir(project) / ".lake" / "build" / "bin" / "comparator"
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None
