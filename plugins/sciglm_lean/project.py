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

#: The Lean release the whole stack is pinned to: the one release on which comparator itself
#: (at 1cfc5d8, toolchain v4.30.0) pinned the lean4export tagged for it (a3e35a5, its
#: lake-manifest.json), so comparator, lean4export, Mathlib and the REPL are known to agree
#: there; see docs/lean.md "The trusted checker's pins" for the evidence.
LEAN_TOOLCHAIN = "leanprover/lean4:v4.30.0"
MATHLIB_TAG = "v4.30.0"
#: The commit of Mathlib's tag v4.30.0 (the REPL's test/Mathlib/lake-manifest.json at its tag
#: v4.30.0 resolves ``rev = "v4.30.0"`` to it).
MATHLIB_REV = "c5ea00351c28e24afc9f0f84379aa41082b1188f"
#: leanprover-community/repl tags one commit per Lean release with the release's name.
REPL_TAG = "v4.30.0"
REPL_REV = "dde7dd4397951755f1f6c2b4b3a83a26911d63ad"  # the commit of tag v4.30.0
HEADER_MODULE = "SciglmLean.Header"
#: The toolchain and Mathlib the miniF2F-lean4 records (yangky11/miniF2F-lean4) were written
#: for; this project checks them on LEAN_TOOLCHAIN (docs/lean.md "Pinned versions").
DATA_TOOLCHAIN = "leanprover/lean4:v4.24.0"
DATA_MATHLIB_REV = "f897ebcf72cd16f89ab4577d0c826cd14afaafc7"  # Mathlib tag v4.24.0
#: leanprover/comparator, the trusted checker, built as its own Lake project (own toolchain)
#: beside the checker project. Pinned at the first commit with all four soundness fixes (axioms
#: in opaque values a4f6968, kernel primitives b2e9090, Char.ofNat 8c0e44e, quot constants
#: 41a0907); see docs/lean.md "The trusted checker's pins" for the evidence.
COMPARATOR_URL = "https://github.com/leanprover/comparator"
COMPARATOR_REV = "41a09078c793d9d46cdc867a71593bbfe680006e"  # toolchain v4.34.0-rc1
#: The kernel primitives that comparator exports from both modules and compares
#: (``primitiveTargets``, Main.lean lines 228-253 at 41a0907); lean4export aborts when one is
#: missing from the environment, so the project's Lean must define every one of them.
COMPARATOR_PRIMITIVES = (
    "Nat.add", "Nat.sub", "Nat.mul", "Nat.pow", "Nat.gcd", "Nat.div", "Nat.mod", "Nat.beq",
    "Nat.ble", "Nat.land", "Nat.lor", "Nat.xor", "Nat.shiftLeft", "Nat.shiftRight",
    "String.ofList", "Char.ofNat", "List", "eagerReduce",
)
#: The kernel's string primitive by the Lean release that introduced it, as lean4export's
#: Export.lean (line 223 at each tag) names it: ``String.mk`` up to v4.24, ``String.ofByteArray``
#: in v4.25, ``String.ofList`` from v4.26 on.
STRING_PRIMITIVES = (((4, 26, 0), "String.ofList"), ((4, 25, 0), "String.ofByteArray"),
                     ((0, 0, 0), "String.mk"))
#: lean4export (comparator calls it to export both modules) must match the project's Lean: the
#: commit of its tag for LEAN_TOOLCHAIN. It writes NDJSON format 3.1.0, the one comparator's
#: parser (lean4export's Export/Parse.lean) reads.
LEAN4EXPORT_URL = "https://github.com/leanprover/lean4export"
LEAN4EXPORT_TAG = "v4.30.0"
LEAN4EXPORT_REV = "a3e35a584f59b390667db7269cd37fca8575e4bf"  # the commit of tag v4.30.0

LAKEFILE = f"""import Lake
open Lake DSL

-- sciglm's Lean checker project (generated from plugins/sciglm_lean/project.py; keep in step).
-- Lean {LEAN_TOOLCHAIN.split(":")[1]}, Mathlib {MATHLIB_TAG}, leanprover-community/repl {REPL_TAG}.
-- miniF2F-lean4 statements were written for {DATA_TOOLCHAIN.split(":")[1]} (docs/lean.md).

package sciglm_lean_env where
  srcDir := "lean_env"

require mathlib from git
  "https://github.com/leanprover-community/mathlib4" @ "{MATHLIB_REV}"

require REPL from git
  "https://github.com/leanprover-community/repl" @ "{REPL_REV}"

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


def string_primitive(version: tuple[int, int, int]) -> str:
    """The kernel's string primitive in Lean ``version`` (``String.ofList`` from v4.26.0 on)."""
    return next(name for since, name in STRING_PRIMITIVES if version >= since)


def comparator_supports(toolchain: str = LEAN_TOOLCHAIN) -> str | None:
    """None when the pinned comparator can check this toolchain's proofs, else why not."""
    version = lean_version(toolchain)
    primitive = string_primitive(version) if version else None
    if primitive in COMPARATOR_PRIMITIVES:
        return None
    return (
        f"comparator {COMPARATOR_REV[:7]} (the first with its four soundness fixes) compares "
        f"the kernel primitive String.ofList, which {toolchain.strip()} lacks "
        f"({primitive or 'not a Lean release'}), so no proof can be confirmed; sciglm pins "
        f"{LEAN_TOOLCHAIN} (rewrite the project's files, rerun `sciglm lean setup`; docs/lean.md)"
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
