#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the test suite: the default tests, then the slow ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The chat test drives `sciglm chat` in tmux, as a person would; install it where we can.
if ! command -v tmux >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq tmux >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq tmux) || true
fi
export HF_HOME="${HF_HOME:-$(mktemp -d)}" HF_HUB_OFFLINE=1 DS_ACCELERATOR=cpu
.venv/bin/ruff check .
.venv/bin/python -m pytest -q -rs "$@"
if [ -z "${SCIGLM_SKIP_SLOW:-}" ]; then
  .venv/bin/python -m pytest -q -rs -m slow "$@"
fi
