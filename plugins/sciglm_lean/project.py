"""The Lake project the checker runs in: pinned revisions, where it lives, how to write it.

The pins are one source of truth: ``lakefile.lean``, ``lean-toolchain`` and
``lean_env/SciglmLean/Header.lean`` at the repository root are exactly what
:func:`project_files` renders (a test keeps them in step), and ``sciglm lean setup --dir D``
writes the same files into ``D`` for an installed (non-checkout) sciglm.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: The miniF2F-lean4 data (yangky11/miniF2F-lean4) uses this toolchain and Mathlib tag.
LEAN_TOOLCHAIN = "leanprover/lean4:v4.24.0"
MATHLIB_TAG = "v4.24.0"
MATHLIB_REV = "f897ebcf72cd16f89ab4577d0c826cd14afaafc7"  # the commit of tag v4.24.0
#: leanprover-community/repl tags one commit per Lean release with the release's name.
REPL_TAG = "v4.24.0"
HEADER_MODULE = "SciglmLean.Header"
#: leanprover/comparator, the trusted checker, built as its own Lake project (own toolchain)
#: beside the checker project. Pinned at the first commit with all four soundness fixes (axioms
#: in opaque values a4f6968, kernel primitives b2e9090, Char.ofNat 8c0e44e, quot constants
#: 41a0907); see docs/lean.md "The trusted checker's pins" for the evidence.
COMPARATOR_URL = "https://github.com/leanprover/comparator"
COMPARATOR_REV = "41a09078c793d9d46cdc867a71593bbfe680006e"  # toolchain v4.34.0-rc1
#: The oldest Lean whose environments that comparator can check: it exports and compares the
#: kernel primitive ``String.ofList`` (Main.lean, ``primitiveTargets``), which lean4export writes
#: from v4.26.0 on (v4.24.0 writes ``String.mk``, v4.25.0 ``String.ofByteArray``).
COMPARATOR_MIN_LEAN = (4, 26, 0)
#: lean4export (comparator calls it to export both modules) must match the project's Lean; its
#: NDJSON format 3.1.0 is the one comparator's parser (lean4export's Export/Parse.lean) reads.
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


def lean_version(toolchain: str = LEAN_TOOLCHAIN) -> tuple[int, int, int] | None:
    """``(4, 24, 0)`` for ``leanprover/lean4:v4.24.0`` (None when it is not a release name)."""
    match = re.fullmatch(r"[\w/-]+:v(\d+)\.(\d+)\.(\d+)(-rc\d+)?", toolchain.strip())
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def comparator_supports(toolchain: str = LEAN_TOOLCHAIN) -> str | None:
    """None when the pinned comparator can check this toolchain's proofs, else why not."""
    version = lean_version(toolchain)
    if version is not None and version >= COMPARATOR_MIN_LEAN:
        return None
    need = ".".join(map(str, COMPARATOR_MIN_LEAN))
    return (
        f"comparator {COMPARATOR_REV[:7]} (the first with its four soundness fixes) checks "
        f"Lean >= v{need} only (it compares the kernel primitive String.ofList); this project "
        f"pins {toolchain.strip()}, so no proof can be confirmed (see docs/lean.md)"
    )


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
