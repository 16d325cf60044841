import Lake
open Lake DSL

-- sciglm's Lean checker project (generated from plugins/sciglm_lean/project.py; keep in step).
-- Lean v4.24.0, Mathlib v4.24.0, leanprover-community/repl v4.24.0.

package sciglm_lean_env where
  srcDir := "lean_env"

require mathlib from git
  "https://github.com/leanprover-community/mathlib4" @ "f897ebcf72cd16f89ab4577d0c826cd14afaafc7"

require REPL from git
  "https://github.com/leanprover-community/repl" @ "v4.24.0"

@[default_target]
lean_lib SciglmLean where
  roots := #[`SciglmLean.Header]
