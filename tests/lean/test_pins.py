"""The Lean stack's pins agree with each other: lean-toolchain, lakefile.lean, the plugin's
constants, the trusted checker's rule and the toolchain the miniF2F records were written for."""

from __future__ import annotations

import re
from pathlib import Path

from sciglm_lean import project
from sciglm_lean.project import comparator_supports, lean_version, string_primitive

REPO = Path(__file__).resolve().parents[2]
COMMIT = re.compile(r"[0-9a-f]{40}")


def test_every_pin_names_the_same_lean_release() -> None:
    toolchain = (REPO / "lean-toolchain").read_text(encoding="utf-8").strip()
    assert toolchain == project.LEAN_TOOLCHAIN
    release = "v" + ".".join(map(str, lean_version(toolchain) or ()))
    assert toolchain.endswith(":" + release)
    assert project.MATHLIB_TAG == project.REPL_TAG == project.LEAN4EXPORT_TAG == release
    lakefile = (REPO / "lakefile.lean").read_text(encoding="utf-8")
    requires = re.findall(r'require (\w+) from git\s+"([^"]+)" @ "([^"]+)"', lakefile)
    assert requires == [
        ("mathlib", "https://github.com/leanprover-community/mathlib4", project.MATHLIB_REV),
        ("REPL", "https://github.com/leanprover-community/repl", project.REPL_REV),
    ]
    for rev in (project.MATHLIB_REV, project.REPL_REV, project.LEAN4EXPORT_REV,
                project.COMPARATOR_REV):
        assert COMMIT.fullmatch(rev), rev  # commits, not moving branch or tag names


def test_the_pinned_comparator_supports_the_pinned_toolchain() -> None:
    version = lean_version(project.LEAN_TOOLCHAIN)
    assert version is not None
    assert string_primitive(version) == "String.ofList" in project.COMPARATOR_PRIMITIVES
    assert comparator_supports(project.LEAN_TOOLCHAIN) is None


def test_string_primitive_follows_lean4exports_tags() -> None:
    """lean4export's Export.lean line 223: String.mk (v4.24), String.ofByteArray (v4.25),
    String.ofList (v4.26 on); comparator 41a0907 compares String.ofList."""
    assert string_primitive((4, 24, 0)) == "String.mk"
    assert string_primitive((4, 25, 2)) == "String.ofByteArray"
    assert string_primitive((4, 26, 0)) == string_primitive((4, 34, 0)) == "String.ofList"
    assert "String.mk" in (comparator_supports("leanprover/lean4:v4.24.0") or "")
    assert "String.ofByteArray" in (comparator_supports("leanprover/lean4:v4.25.0") or "")
    assert "not a Lean release" in (comparator_supports("leanprover/lean4:nightly") or "")


def test_the_docs_name_the_pinned_commits() -> None:
    docs = (REPO / "docs" / "lean.md").read_text(encoding="utf-8")
    for rev in (project.MATHLIB_REV, project.REPL_REV[:12], project.LEAN4EXPORT_REV[:12],
                project.COMPARATOR_REV[:12], project.DATA_MATHLIB_REV):
        assert rev in docs, rev
    assert f"`{project.LEAN_TOOLCHAIN}`" in docs and f"`{project.DATA_TOOLCHAIN}`" in docs


def test_the_data_toolchain_is_the_one_the_minif2f_records_name(shared_data: Path) -> None:
    readme = (shared_data / "minif2f-lean4" / "README.md").read_text(encoding="utf-8")
    assert f"Toolchain {project.DATA_TOOLCHAIN}" in readme
    assert project.DATA_MATHLIB_REV in readme
