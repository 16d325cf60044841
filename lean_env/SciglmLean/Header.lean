/-
The header every checked proof starts from. `lake build` compiles it once, so the REPL's
`import Mathlib` loads prebuilt .olean files; sciglm sends the same imports as the first
command of each REPL process and reuses that environment (`env`) for every proof.
-/
import Mathlib
import Aesop

set_option maxHeartbeats 400000

open BigOperators Real Nat Topology Rat
