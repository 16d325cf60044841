import Lake
open Lake DSL

-- sciglm's Lean checker project (generated from plugins/sciglm_lean/project.py; keep in step).
-- Lean v4.30.0, Mathlib v4.30.0, leanprover-community/repl v4.30.0.
-- miniF2F-lean4 statements were written for v4.24.0 (docs/lean.md).

package sciglm_lean_env where
  srcDir := "lean_env"

require mathlib from git
  "https://github.com/leanprover-community/mathlib4" @ "c5ea00351c28e24afc9f0f84379aa41082b1188f"

require REPL from git
  "https://github.com/leanprover-community/repl" @ "dde7dd4397951755f1f6c2b4b3a83a26911d63ad"

@[default_target]
lean_lib SciglmLean where
  roots := #[`SciglmLean.Header]
