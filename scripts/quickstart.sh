#!/usr/bin/env bash
# Set up (scripts/setup.sh), then run the whole pipeline on the embedded defaults:
# annotate the bundled sample with the embedded teacher, verify, filter, mix, fine-tune the
# embedded student for a few steps with DeepSpeed, and evaluate before/after.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 DS_ACCELERATOR=cpu
.venv/bin/sciglm pipeline "$@"
