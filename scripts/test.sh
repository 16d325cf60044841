#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the test suite: the default tests, then the slow ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The chat test drives `sciglm chat` in tmux, as a person would; the Lean sandbox tests run
# bubblewrap. Install them where we can (the tests skip, with the reason, where they are absent).
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  for tool in tmux:tmux bwrap:bubblewrap; do
    if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
      apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1 \
        || (apt-get update -qq && apt-get install -y -qq "${tool#*:}" >/dev/null 2>&1) || true
    fi
  done
fi
# Caches of their own, so a run never meets what an earlier one left (a killed op build's lock,
# a half-written model): the Hub's, torch's JIT-built ops and sciglm's; removed at the end.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export HF_HOME="${HF_HOME:-$scratch/hf}" TORCH_EXTENSIONS_DIR="${TORCH_EXTENSIONS_DIR:-$scratch/ops}" \
  SCIGLM_CACHE="${SCIGLM_CACHE:-$scratch/sciglm}" HF_HUB_OFFLINE=1 DS_ACCELERATOR=cpu
.venv/bin/ruff check .
.venv/bin/python -m pytest -q -rs "$@"
if [ -z "${SCIGLM_SKIP_SLOW:-}" ]; then
  # Each slow test's name as it starts (a hang names itself) and the slowest at the end.
  .venv/bin/python -m pytest -v -rs --durations=10 -m slow "$@"
fi
